import {
  Button,
  FluentProvider,
  Tab,
  TabList,
  Text,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { parseSubPageId, type TabTarget } from '../domain/shared/tab-links';
import { getJson, openExport } from './api';
import type { TeamsSession, TeamsTheme } from './teams';
import { ErrorBar, h, Loaded, MissingItemBar, RefreshContext, useLoad } from './ui';
import { AlertsView } from './views/alerts';
import { DecisionsView } from './views/decisions';
import { EscalationsView } from './views/escalations';
import { ExportsView } from './views/exports';
import { FiguresView } from './views/figures';
import { LessonsView } from './views/lessons';
import { HsaResponsesView, HsaView } from './views/hsa';
import { RisksView } from './views/risks';
import { RotaViewPanel } from './views/rota';
import { SuppliersView } from './views/suppliers';

export const THEMES = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
} as const;

interface Me {
  name: string;
  upn: string;
  orgCode: string;
  role: 'member' | 'lead' | 'admin';
}

type ViewId =
  | 'escalations'
  | 'risks'
  | 'decisions'
  | 'hsa'
  | 'hsa-responses'
  | 'alerts'
  | 'rota'
  | 'suppliers'
  | 'exports'
  | 'figures'
  | 'lessons';
const VIEWS: { id: ViewId; label: string; leadOnly: boolean }[] = [
  { id: 'escalations', label: 'Escalations', leadOnly: true },
  { id: 'risks', label: 'Risks', leadOnly: false },
  { id: 'decisions', label: 'Decisions', leadOnly: false },
  { id: 'hsa', label: 'HSA compliance', leadOnly: true },
  { id: 'hsa-responses', label: 'HSA responses', leadOnly: false },
  { id: 'alerts', label: 'Alerts', leadOnly: false },
  { id: 'rota', label: 'Rota', leadOnly: false },
  { id: 'suppliers', label: 'Suppliers', leadOnly: false },
  { id: 'exports', label: 'Exports', leadOnly: true },
  { id: 'figures', label: 'Figures', leadOnly: true },
  { id: 'lessons', label: 'Lessons', leadOnly: false },
];

/** The whole tab inside Fluent's provider, following the Teams theme. */
export function TabApp(props: {
  session: TeamsSession;
  subscribeTheme: (handler: (t: TeamsTheme) => void) => void;
}) {
  const [theme, setTheme] = useState<TeamsTheme>(props.session.theme);
  useEffect(() => props.subscribeTheme(setTheme), [props]);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  const refresh = useBackInView();
  return h(
    FluentProvider,
    { theme: THEMES[theme], className: 'ctac-root' },
    h(
      RefreshContext.Provider,
      { value: refresh },
      h('main', { className: 'ctac-main' }, h(Signed, { session: props.session })),
    ),
  );
}

/**
 * Counts the times the tab comes back into view (the person returns to it in Teams, or to the browser
 * tab), so each view loads its data again. Teams hides a tab it keeps in the background rather than
 * unloading it, so this covers its return as well (teams-js's resume handler is only for apps that opt in
 * to app caching, which CTAC does not).
 */
function useBackInView(): number {
  const [returns, setReturns] = useState(0);
  useEffect(() => {
    const onChange = () => {
      if (document.visibilityState === 'visible') setReturns((n) => n + 1);
    };
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return returns;
}

/** The page's heading, for the role of whoever has it open. */
const HEADINGS: Record<Me['role'], string> = {
  member: 'CTAC for members',
  lead: 'CTAC for leads',
  admin: 'CTAC for admins',
};

function Signed({ session }: { session: TeamsSession }) {
  const me = useLoad(() => getJson<Me>('/api/tab/me'), []);
  const heading = me.data ? HEADINGS[me.data.role] : 'CTAC';
  useEffect(() => {
    document.title = heading;
  }, [heading]);
  return h(
    'div',
    null,
    h('h1', null, heading),
    h(Loaded<Me>, {
      state: me,
      label: 'your details',
      children: (m) => h(Views, { me: m, session }),
    }),
  );
}

/** The view each kind of deep link opens. */
const LINKED_VIEW: Record<TabTarget['kind'], string> = {
  hsa: 'hsa-responses',
  escalation: 'escalations',
  supplier: 'suppliers',
};
const LINKED_WORDS: Record<TabTarget['kind'], string> = {
  hsa: 'That HSA',
  escalation: 'That escalation',
  supplier: 'That supplier',
};

function Views({ me, session }: { me: Me; session: TeamsSession }) {
  const isLead = me.role === 'lead' || me.role === 'admin';
  const views = VIEWS.filter((v) => isLead || !v.leadOnly);
  // A deep link (a card, the activity feed, a reminder) opens its view on the item; moving to another
  // view forgets it.
  const [link, setLink] = useState<TabTarget | undefined>(() => parseSubPageId(session.subPageId));
  const linkedView = link && views.find((v) => v.id === LINKED_VIEW[link.kind]);
  const [selected, setSelected] = useState<ViewId>(linkedView?.id ?? views[0]!.id);
  const linkedId = (kind: TabTarget['kind']) => (link?.kind === kind ? link.id : undefined);
  // A decision changes the register: the Decisions view reloads when this moves on.
  const [decisions, setDecisions] = useState(0);
  const [auditError, setAuditError] = useState<unknown>();
  return h(
    'div',
    null,
    h(
      Text,
      { as: 'p', className: 'ctac-who' },
      `Signed in as ${me.name || session.userName} (${[me.orgCode, me.role].filter(Boolean).join(', ')}).`,
      session.channelId ? ' This tab is pinned in a channel.' : '',
    ),
    !isLead &&
      h(
        'p',
        null,
        "Escalations and HSA compliance are for leads of the ICS cyber group; you can see the registers, your organisation's HSA responses, alerts and the rota.",
      ),
    me.role === 'admin' &&
      h(
        Button,
        {
          size: 'small',
          onClick: () => openExport({ kind: 'audit-log', format: 'csv' }).catch(setAuditError),
        },
        'Export the audit log as CSV',
      ),
    auditError ? h(ErrorBar, { error: auditError }) : null,
    h(
      'nav',
      { 'aria-label': 'CTAC views' },
      h(
        TabList,
        {
          // Wraps onto a second line on a phone rather than pushing tabs off screen.
          className: 'ctac-tabs',
          selectedValue: selected,
          onTabSelect: (_ev, data) => {
            setSelected(data.value as ViewId);
            setLink(undefined);
          },
        },
        ...views.map((v) =>
          h(
            Tab,
            { key: v.id, value: v.id, id: `tab-${v.id}`, 'aria-controls': `panel-${v.id}` },
            v.label,
          ),
        ),
      ),
    ),
    link &&
      !linkedView &&
      h(MissingItemBar, {
        what: `${LINKED_WORDS[link.kind]} (${link.id}) is not in any view you can open here.${link.kind === 'escalation' ? ' Escalations are for leads of the ICS cyber group.' : ''}`,
      }),
    h(
      'div',
      {
        role: 'tabpanel',
        id: `panel-${selected}`,
        'aria-labelledby': `tab-${selected}`,
        className: 'ctac-panel',
      },
      selected === 'escalations' &&
        h(EscalationsView, {
          onDecided: () => setDecisions((n) => n + 1),
          linkedId: linkedId('escalation'),
        }),
      selected === 'risks' && h(RisksView, { isLead }),
      selected === 'decisions' &&
        h(DecisionsView, { isLead, version: decisions, locale: session.locale }),
      selected === 'hsa' && h(HsaView),
      selected === 'hsa-responses' && h(HsaResponsesView, { linkedId: linkedId('hsa') }),
      selected === 'alerts' && h(AlertsView),
      selected === 'rota' && h(RotaViewPanel),
      selected === 'suppliers' && h(SuppliersView, { linkedId: linkedId('supplier') }),
      selected === 'exports' &&
        h(ExportsView, { isAdmin: me.role === 'admin', locale: session.locale }),
      selected === 'figures' &&
        h(FiguresView, {
          onBoardPack: (quarter, format) => openExport({ kind: 'board-pack', format, quarter }),
        }),
      selected === 'lessons' && h(LessonsView, { version: 0 }),
    ),
  );
}

/** Shown when the page is opened outside Teams (or the host does not answer). */
export function OutsideTeams({ error }: { error: unknown }) {
  return h(
    FluentProvider,
    { theme: teamsLightTheme, className: 'ctac-root' },
    h(
      'main',
      { className: 'ctac-main' },
      h('h1', null, 'CTAC'),
      h(
        'p',
        null,
        'Open this tab in Microsoft Teams. On your own computer, `npm start` serves a development host page at /dev/host.html.',
      ),
      h(ErrorBar, { error }),
    ),
  );
}
