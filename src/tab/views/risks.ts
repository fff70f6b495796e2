import { Badge, Button, Field, Select } from '@fluentui/react-components';
import { useState } from 'react';
import type { RiskRegisterView } from '../../contract/risks';
import { getJson, openExport, query } from '../api';
import { ErrorBar, DataTable, h, Loaded, ScrollBox, useLoad } from '../ui';
import { bandColour } from './escalations';

const CAF = [
  'A1',
  'A2',
  'A3',
  'A4',
  'B1',
  'B2',
  'B3',
  'B4',
  'B5',
  'B6',
  'C1',
  'C2',
  'D1',
  'D2',
  'E1',
  'E2',
  'E3',
  'E4',
];
const STATUSES: [string, string][] = [
  ['', 'Every open status'],
  ['open', 'Open'],
  ['escalated', 'Escalated'],
  ['accepted', 'Accepted'],
  ['treating', 'Being treated'],
  ['transferred', 'Transferred'],
  ['tolerated', 'Tolerated'],
  ['closed', 'Closed'],
];
const LIKELIHOOD = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'];
const CONSEQUENCE = ['Negligible', 'Minor', 'Moderate', 'Major', 'Catastrophic'];

/** The band a cell of the NHS 5x5 matrix falls in (default bands), for its colour. */
const cellBand = (score: number) =>
  score >= 15 ? 'extreme' : score >= 8 ? 'high' : score >= 4 ? 'moderate' : 'low';

/** The risk register: filters, the 5x5 heat map and the list. */
export function RisksView({ isLead }: { isLead: boolean }) {
  const [filter, setFilter] = useState({ org: '', caf: '', band: '', status: '' });
  const state = useLoad(
    () => getJson<RiskRegisterView>(`/api/tab/risks${query(filter)}`),
    [filter.org, filter.caf, filter.band, filter.status],
  );
  const [exportError, setExportError] = useState<unknown>();
  const set = (key: keyof typeof filter) => (_ev: unknown, data: { value: string }) =>
    setFilter((f) => ({ ...f, [key]: data.value }));

  return h(
    'section',
    { 'aria-labelledby': 'risks-heading' },
    h('h2', { id: 'risks-heading' }, 'Risk register'),
    h(
      'div',
      { className: 'ctac-filters', role: 'group', 'aria-label': 'Filter the risks' },
      h(
        Field,
        { label: 'Organisation' },
        h(
          Select,
          { value: filter.org, onChange: set('org') },
          h('option', { value: '' }, 'Every organisation'),
          ...(state.data?.organisations ?? []).map((o) =>
            h('option', { key: o.code, value: o.code }, `${o.name} (${o.code})`),
          ),
        ),
      ),
      h(
        Field,
        { label: 'CAF principle' },
        h(
          Select,
          { value: filter.caf, onChange: set('caf') },
          h('option', { value: '' }, 'Every principle'),
          ...CAF.map((c) => h('option', { key: c, value: c }, c)),
        ),
      ),
      h(
        Field,
        { label: 'Band' },
        h(
          Select,
          { value: filter.band, onChange: set('band') },
          h('option', { value: '' }, 'Every band'),
          ...['Low', 'Moderate', 'High', 'Extreme'].map((b) =>
            h('option', { key: b, value: b.toLowerCase() }, b),
          ),
        ),
      ),
      h(
        Field,
        { label: 'Status' },
        h(
          Select,
          { value: filter.status, onChange: set('status') },
          ...STATUSES.map(([v, l]) => h('option', { key: v, value: v }, l)),
        ),
      ),
    ),
    isLead &&
      h(
        Button,
        {
          onClick: () => openExport({ kind: 'risks', format: 'csv' }).catch(setExportError),
        },
        'Export the register as CSV',
      ),
    exportError ? h(ErrorBar, { error: exportError }) : null,
    h(Loaded<RiskRegisterView>, {
      state,
      label: 'risks',
      children: (view) =>
        h(
          'div',
          null,
          h(HeatMapTable, { counts: view.heatMap.counts, total: view.heatMap.total }),
          h('h3', null, `Risks (${view.risks.length})`),
          h(DataTable, {
            caption: 'Risks, highest score first',
            columns: [
              'Ref',
              'Title',
              'Organisation',
              'CAF principle',
              'Score',
              'Status',
              'Owner',
              'Review by',
            ],
            empty: 'No risks match these filters.',
            rows: view.risks.map((r) => ({
              key: r.id,
              cells: [
                r.id,
                r.title,
                r.orgName,
                r.cafPrinciple,
                h(
                  Badge,
                  { appearance: 'filled', color: bandColour(r.band) },
                  `${r.band} ${r.score}`,
                ),
                r.statusLabel,
                r.owner,
                r.reviewDate,
              ],
            })),
          }),
        ),
    }),
  );
}

/** Likelihood down the side (most likely at the top), consequence across, counts in the cells. */
function HeatMapTable({ counts, total }: { counts: number[][]; total: number }) {
  return h(
    ScrollBox,
    { label: 'Heat map' },
    h(
      'table',
      { className: 'ctac-heatmap' },
      h(
        'caption',
        null,
        `Heat map: ${total} risk${total === 1 ? '' : 's'} by likelihood and consequence`,
      ),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Likelihood \\ Consequence'),
          ...CONSEQUENCE.map((c, i) => h('th', { key: c, scope: 'col' }, `${i + 1} ${c}`)),
        ),
      ),
      h(
        'tbody',
        null,
        ...[5, 4, 3, 2, 1].map((l) =>
          h(
            'tr',
            { key: l },
            h('th', { scope: 'row' }, `${l} ${LIKELIHOOD[l - 1]}`),
            ...[1, 2, 3, 4, 5].map((c) =>
              h(
                'td',
                {
                  key: c,
                  className: `ctac-cell ctac-${cellBand(l * c)}`,
                  'data-count': counts[l - 1]![c - 1],
                },
                String(counts[l - 1]![c - 1]),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
