import {
  Badge,
  Button,
  Card,
  Field,
  MessageBar,
  MessageBarBody,
  Select,
  Textarea,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type {
  HsaComplianceRow,
  HsaComplianceView,
  HsaResponseRecorded,
  HsaResponseRequest,
  OwnHsaRow,
  OwnHsaView,
} from '../../contract/hsa';
import { getJson, postJson } from '../api';
import {
  ErrorBar,
  h,
  linkedDomId,
  Loaded,
  MissingItemBar,
  ScrollBox,
  useLinkedItem,
  useLoad,
} from '../ui';

/** One table of HSAs against organisations: acknowledged in 48 hours, applicability, remediation, overdue. */
function hsaTable(view: HsaComplianceView, rows: HsaComplianceRow[], caption: string) {
  return h(
    ScrollBox,
    { label: caption },
    h(
      'table',
      { className: 'ctac-grid' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'HSA'),
          ...view.organisations.map((o) =>
            h('th', { key: o.code, scope: 'col' }, h('abbr', { title: o.name }, o.code)),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        ...rows.map((hsa) =>
          h(
            'tr',
            { key: hsa.alertId },
            h(
              'th',
              { scope: 'row' },
              `${hsa.hsaId} ${hsa.title}`,
              h('br'),
              h(
                'small',
                null,
                `${hsa.severity}, published ${hsa.publishedAtUk}${hsa.resolved ? '; alert resolved in the channel' : ''}`,
              ),
            ),
            ...hsa.cells.map((c) =>
              h(
                'td',
                {
                  key: c.orgCode,
                  className: c.overdue.length ? 'ctac-overdue' : undefined,
                },
                c.acknowledged
                  ? c.acknowledgedInTime
                    ? `Acknowledged in 48 h (${c.acknowledgedAtUk})`
                    : `Acknowledged late (${c.acknowledgedAtUk})`
                  : 'Not acknowledged',
                h('br'),
                `Applies: ${c.applicability}; ${c.remediation}`,
                c.overdue.length > 0 &&
                  h(
                    'div',
                    null,
                    h(Badge, { color: 'danger', appearance: 'filled' }, 'Overdue'),
                    h('ul', null, ...c.overdue.map((o, i) => h('li', { key: i }, o))),
                  ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * Every HSA some organisation has not finished (patched, mitigated or not affected), whether or not its
 * channel alert is resolved, then the history of HSAs every organisation has finished.
 */
export function HsaView() {
  const state = useLoad(() => getJson<HsaComplianceView>('/api/tab/hsa-compliance'), []);
  return h(
    'section',
    { 'aria-labelledby': 'hsa-heading' },
    h('h2', { id: 'hsa-heading' }, 'HSA compliance'),
    h(Loaded<HsaComplianceView>, {
      state,
      label: 'HSA compliance',
      children: (view) =>
        h(
          'div',
          null,
          view.hsas.length === 0
            ? h('p', null, 'Every organisation has finished with every High Severity Alert.')
            : hsaTable(
                view,
                view.hsas,
                'HSAs an organisation has not finished, by organisation; overdue items are marked',
              ),
          (view.history ?? []).length > 0 &&
            h(
              'div',
              null,
              h('h3', null, 'Finished HSAs'),
              hsaTable(
                view,
                view.history,
                'HSAs every organisation has patched, mitigated or found not affected',
              ),
            ),
        ),
    }),
  );
}

// The same choices, in the same words, as the response form on the HSA card.
const NO_CHANGE = 'nochange';
const APPLICABILITY_CHOICES: [string, string][] = [
  [NO_CHANGE, 'No change'],
  ['affected', 'Affected'],
  ['not affected', 'Not affected'],
  ['unknown', 'Not known yet'],
];
const REMEDIATION_CHOICES: [string, string][] = [
  [NO_CHANGE, 'No change'],
  ['not started', 'Not started'],
  ['in progress', 'In progress'],
  ['mitigated', 'Mitigated'],
  ['patched', 'Patched'],
];

/**
 * The HSAs the member's own organisation is asked to respond to: those it has still to finish first, each
 * with a form that records the response in one step (the card's form, through the same use case), then
 * those it has finished, which can still be updated.
 */
export function HsaResponsesView(props: { linkedId?: string }) {
  const { linkedId } = props;
  const state = useLoad(() => getJson<OwnHsaView>('/api/tab/hsa/mine'), []);
  const [done, setDone] = useState<{ text: string; warning: boolean }>();
  const view = state.data;
  const linked = useLinkedItem(
    linkedId,
    view && [...view.outstanding, ...view.finished].map((r) => r.alertId),
  );
  const onRecorded = (text: string, warning: boolean) => {
    setDone({ text, warning });
    state.reload();
  };
  return h(
    'section',
    { 'aria-labelledby': 'hsa-responses-heading' },
    h('h2', { id: 'hsa-responses-heading' }, 'HSA responses'),
    linked === 'missing' &&
      h(MissingItemBar, {
        what: 'Your organisation is not asked to respond to that HSA, or it is no longer followed up.',
      }),
    done &&
      h(
        MessageBar,
        { intent: done.warning ? 'warning' : 'success', role: 'status' },
        h(MessageBarBody, null, done.text),
      ),
    h(Loaded<OwnHsaView>, {
      state,
      label: 'HSA responses',
      children: (view) =>
        h(
          'div',
          null,
          h(
            'p',
            null,
            `Responses for ${view.orgName} (${view.orgCode}). Sending anything acknowledges the HSA for your organisation.`,
          ),
          h('h3', null, 'Still to finish'),
          view.outstanding.length === 0
            ? h('p', null, 'Your organisation has finished with every HSA it was asked about.')
            : ownList(view.outstanding, 'HSAs your organisation has still to finish', onRecorded),
          view.finished.length > 0 &&
            h(
              'div',
              null,
              h('h3', null, 'Finished'),
              ownList(
                view.finished,
                'HSAs your organisation has patched, mitigated or is not affected by',
                onRecorded,
              ),
            ),
        ),
    }),
  );
}

function ownList(
  rows: OwnHsaRow[],
  label: string,
  onRecorded: (text: string, warning: boolean) => void,
) {
  return h(
    'ul',
    { className: 'ctac-queue', 'aria-label': label },
    ...rows.map((row) =>
      h(
        'li',
        { key: row.alertId, id: linkedDomId(row.alertId), tabIndex: -1 },
        h(OwnHsaCard, { row, onRecorded }),
      ),
    ),
  );
}

function OwnHsaCard(props: {
  row: OwnHsaRow;
  onRecorded: (text: string, warning: boolean) => void;
}) {
  const { row } = props;
  const r = row.response;
  const [applicability, setApplicability] = useState(NO_CHANGE);
  const [remediation, setRemediation] = useState(NO_CHANGE);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body: HsaResponseRequest = {
        applicability: applicability as HsaResponseRequest['applicability'],
        remediation: remediation as HsaResponseRequest['remediation'],
        note,
      };
      const res = await postJson<HsaResponseRecorded>(
        `/api/tab/hsa/${encodeURIComponent(row.alertId)}/response`,
        body,
      );
      setApplicability(NO_CHANGE);
      setRemediation(NO_CHANGE);
      setNote('');
      props.onRecorded(
        res.refusals.length
          ? `${row.hsaId}: ${res.refusals.join(' ')}`
          : `Your organisation's response to ${row.hsaId} is recorded.`,
        res.refusals.length > 0,
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const deadlines = [
    !r.acknowledged && r.acknowledgeByUk && `acknowledge by ${r.acknowledgeByUk}`,
    r.nextUpdateByUk && `next update by ${r.nextUpdateByUk}`,
    r.remediation !== 'patched' && r.patchByUk && `patch by ${r.patchByUk}`,
  ].filter(Boolean);
  return h(
    Card,
    { className: 'ctac-card' },
    h('h4', null, `${row.hsaId}: ${row.title}`),
    h(
      'p',
      null,
      `${row.severity}, published ${row.publishedAtUk}`,
      row.resolved ? '; alert resolved in the channel' : '',
      row.clocks ? '' : '; a lead asked for responses (no deadlines)',
    ),
    h(
      'p',
      null,
      r.acknowledged
        ? `Acknowledged${r.acknowledgedBy ? ` by ${r.acknowledgedBy}` : ''} on ${r.acknowledgedAtUk}.`
        : 'Not acknowledged yet.',
      ` Applies: ${r.applicability}; remediation: ${r.remediation}.`,
      r.lastUpdateAtUk
        ? ` Last update ${r.lastUpdateAtUk}${r.lastUpdateBy ? ` by ${r.lastUpdateBy}` : ''}.`
        : '',
    ),
    r.lastNote && h('p', { className: 'ctac-description' }, `“${r.lastNote}”`),
    deadlines.length > 0 && h('p', null, `Deadlines: ${deadlines.join('; ')}.`),
    r.overdue.length > 0 &&
      h(
        'div',
        null,
        h(Badge, { color: 'danger', appearance: 'filled' }, 'Overdue'),
        h('ul', null, ...r.overdue.map((o, i) => h('li', { key: i }, o))),
      ),
    h(
      'form',
      { onSubmit: submit, 'aria-label': `Respond to ${row.hsaId}` },
      h(
        Field,
        { label: 'Are you affected?' },
        h(
          Select,
          { value: applicability, onChange: (_ev, data) => setApplicability(data.value) },
          ...APPLICABILITY_CHOICES.map(([value, label]) =>
            h('option', { key: value, value }, label),
          ),
        ),
      ),
      h(
        Field,
        { label: 'Remediation' },
        h(
          Select,
          { value: remediation, onChange: (_ev, data) => setRemediation(data.value) },
          ...REMEDIATION_CHOICES.map(([value, label]) => h('option', { key: value, value }, label)),
        ),
      ),
      h(
        Field,
        {
          label: 'Update (optional)',
          hint: `In your organisation’s words.${row.clocks ? ' It restarts the 3-day update clock.' : ''}`,
        },
        h(Textarea, {
          value: note,
          maxLength: 2000,
          resize: 'vertical',
          onChange: (_ev, data) => setNote(data.value),
        }),
      ),
      error ? h(ErrorBar, { error, title: 'The response was not recorded' }) : null,
      h(
        Button,
        { appearance: 'primary', type: 'submit', disabled: busy },
        busy ? 'Recording...' : 'Record response',
      ),
    ),
  );
}
