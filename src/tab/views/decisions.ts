import { Button, Field, Input, Link, Select } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import type { DecisionRowView } from '../../contract/decisions';
import { getJson, openExport, query } from '../api';
import { DateField } from '../date-field';
import { dateHelp, datePattern, parseLocalDate } from '../locale-dates';
import { DataTable, ErrorBar, h, Loaded, useLoad } from '../ui';

/** The decision register: search and filters, links back to the chat, CSV export. */
export function DecisionsView(props: { isLead: boolean; version: number; locale: string }) {
  const { isLead, version } = props;
  const pattern = useMemo(() => datePattern(props.locale), [props.locale]);
  const [form, setForm] = useState({ q: '', decidedBy: '', outcome: '', from: '', to: '' });
  const [filter, setFilter] = useState(form);
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});
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
          // Dates go to the API as ISO days; one it cannot read stops the search and says why.
          const day = (typed: string) => (typed.trim() ? parseLocalDate(typed, pattern) : '');
          const [from, to] = [day(form.from), day(form.to)];
          setDateErrors({
            ...(from === undefined && { from: dateHelp(pattern) }),
            ...(to === undefined && { to: dateHelp(pattern) }),
          });
          if (from === undefined || to === undefined) return;
          setFilter({ ...form, from, to });
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
      h(DateField, {
        label: 'Decided from',
        value: form.from,
        pattern,
        error: dateErrors.from,
        onChange: (value) => setForm((f) => ({ ...f, from: value })),
      }),
      h(DateField, {
        label: 'Decided to',
        value: form.to,
        pattern,
        error: dateErrors.to,
        onChange: (value) => setForm((f) => ({ ...f, to: value })),
      }),
      h(Button, { type: 'submit', appearance: 'primary' }, 'Search'),
    ),
    isLead &&
      h(
        Button,
        {
          onClick: () => openExport({ kind: 'decisions', format: 'csv' }).catch(setExportError),
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
