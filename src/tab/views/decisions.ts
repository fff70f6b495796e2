import { Button, Field, Input, Link, Select } from '@fluentui/react-components';
import { useState } from 'react';
import type { DecisionRowView } from '../../api/tab-views';
import { downloadCsv, getJson, query } from '../api';
import { DataTable, ErrorBar, h, Loaded, useLoad } from '../ui';

/** The decision register: search and filters, links back to the chat, CSV export. */
export function DecisionsView({ isLead, version }: { isLead: boolean; version: number }) {
  const [form, setForm] = useState({ q: '', decidedBy: '', outcome: '', from: '', to: '' });
  const [filter, setFilter] = useState(form);
  const state = useLoad(
    () => getJson<{ decisions: DecisionRowView[] }>(`/api/tab/decisions${query(filter)}`),
    [filter, version],
  );
  const [exportError, setExportError] = useState<unknown>();
  const set = (key: keyof typeof form) => (_ev: unknown, data: { value: string }) =>
    setForm((f) => ({ ...f, [key]: data.value }));

  return h(
    'section',
    { 'aria-labelledby': 'decisions-heading' },
    h('h2', { id: 'decisions-heading' }, 'Decision register'),
    h(
      'form',
      {
        role: 'search',
        'aria-label': 'Search the decisions',
        className: 'ctac-filters',
        onSubmit: (ev: { preventDefault(): void }) => {
          ev.preventDefault();
          setFilter(form);
        },
      },
      h(Field, { label: 'Words or reference' }, h(Input, { value: form.q, onChange: set('q') })),
      h(
        Field,
        { label: 'Decided by' },
        h(
          Select,
          { value: form.decidedBy, onChange: set('decidedBy') },
          h('option', { value: '' }, 'Anyone'),
          h('option', { value: 'ics-cyber-group' }, 'ICS cyber group'),
          h('option', { value: 'forum' }, 'The forum'),
        ),
      ),
      h(
        Field,
        { label: 'Outcome' },
        h(
          Select,
          { value: form.outcome, onChange: set('outcome') },
          h('option', { value: '' }, 'Any outcome'),
          ...['approved', 'rejected', 'deferred', 'noted'].map((o) =>
            h('option', { key: o, value: o }, o.charAt(0).toUpperCase() + o.slice(1)),
          ),
        ),
      ),
      h(
        Field,
        { label: 'Decided from' },
        h(Input, { type: 'date', value: form.from, onChange: set('from') }),
      ),
      h(
        Field,
        { label: 'Decided to' },
        h(Input, { type: 'date', value: form.to, onChange: set('to') }),
      ),
      h(Button, { type: 'submit', appearance: 'primary' }, 'Search'),
    ),
    isLead &&
      h(
        Button,
        {
          onClick: () =>
            downloadCsv('/api/registers/decisions.csv', 'decision-log.csv').catch(setExportError),
        },
        'Export the decisions as CSV',
      ),
    exportError ? h(ErrorBar, { error: exportError }) : null,
    h(Loaded<{ decisions: DecisionRowView[] }>, {
      state,
      label: 'decisions',
      children: ({ decisions }) =>
        h(DataTable, {
          caption: 'Decisions, newest first',
          columns: ['Ref', 'Decided on', 'Decision', 'Rationale', 'By', 'Outcome', 'About', 'Chat'],
          empty: 'No decisions match.',
          rows: decisions.map((d) => ({
            key: d.id,
            cells: [
              d.supersededBy ? `${d.id} (superseded by ${d.supersededBy})` : d.id,
              d.decidedOnUk,
              d.text,
              d.rationale,
              `${d.decidedBy} (logged by ${d.loggedBy})`,
              d.outcome,
              d.related ?? '',
              d.sourceMessageLink
                ? h(
                    Link,
                    { href: d.sourceMessageLink, target: '_blank', rel: 'noreferrer' },
                    'Open the message',
                  )
                : '',
            ],
          })),
        }),
    }),
  );
}
