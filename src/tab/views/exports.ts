import { Button, Field, Select, Text } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import { openExport, type ExportAsk } from '../api';
import { DateField } from '../date-field';
import { dateHelp, datePattern, parseLocalDate, type DatePattern } from '../locale-dates';
import { ErrorBar, h } from '../ui';

/** What the leads can export over a range, and the registers (whole, as CSV); the admin audit log for admins. */
const KINDS: { value: ExportAsk['kind']; label: string; ranged: boolean; adminOnly?: true }[] = [
  { value: 'alerts', label: 'Alerts with their timelines', ranged: true },
  { value: 'hsa-responses', label: 'HSA responses by organisation', ranged: true },
  { value: 'audit', label: 'Audit trail of every recorded event', ranged: true },
  { value: 'risks', label: 'Risk register (CSV)', ranged: false },
  { value: 'decisions', label: 'Decision log (CSV)', ranged: false },
  { value: 'audit-log', label: 'Admin audit log (CSV)', ranged: false, adminOnly: true },
];

/** A day written the person's way: 3 Dec 2026 as 03/12/2026 in en-GB. */
function writeDay(day: Date, pattern: DatePattern): string {
  const parts = {
    day: String(day.getDate()).padStart(2, '0'),
    month: String(day.getMonth() + 1).padStart(2, '0'),
    year: String(day.getFullYear()),
  };
  const separator = pattern.pattern.replace(/[dmy]/g, '').charAt(0) || '/';
  return pattern.order.map((p) => parts[p]).join(separator);
}

/**
 * Exports and evidence (leads): alerts with their timelines, HSA responses by organisation and the audit
 * trail over a range of days, as CSV or Excel, and the registers. The file opens through a one-time link
 * in the system browser (teams-js openLink): browser downloads from inside Teams fail in the new client and
 * on phones.
 */
export function ExportsView(props: { isAdmin: boolean; locale: string }) {
  const pattern = useMemo(() => datePattern(props.locale), [props.locale]);
  const [form, setForm] = useState(() => ({
    kind: 'alerts' as ExportAsk['kind'],
    format: 'xlsx' as ExportAsk['format'],
    from: writeDay(new Date(Date.now() - 30 * 86_400_000), pattern),
    to: writeDay(new Date(), pattern),
  }));
  const [dateErrors, setDateErrors] = useState<{ from?: string; to?: string }>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [opened, setOpened] = useState<string>();
  const kinds = KINDS.filter((k) => props.isAdmin || !k.adminOnly);
  const ranged = KINDS.find((k) => k.value === form.kind)?.ranged ?? true;

  const submit = async () => {
    setError(undefined);
    setOpened(undefined);
    let ask: ExportAsk = { kind: form.kind, format: ranged ? form.format : 'csv' };
    if (ranged) {
      const [from, to] = [parseLocalDate(form.from, pattern), parseLocalDate(form.to, pattern)];
      setDateErrors({
        ...(from === undefined && { from: dateHelp(pattern) }),
        ...(to === undefined && { to: dateHelp(pattern) }),
      });
      if (from === undefined || to === undefined) return;
      ask = { ...ask, from, to };
    }
    setBusy(true);
    try {
      await openExport(ask);
      setOpened(
        'The export is opening in your browser. Its link works once, for five minutes, for you only; ask again for another copy.',
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return h(
    'section',
    { 'aria-labelledby': 'exports-heading' },
    h('h2', { id: 'exports-heading' }, 'Exports and evidence'),
    h(
      'p',
      null,
      'Alerts with their timelines, HSA responses by organisation and the audit trail of every recorded event, for a range of up to 366 days, as CSV or Excel. Exercise alerts are left out.',
    ),
    h(
      'form',
      {
        'aria-label': 'Export',
        className: 'ctac-filters',
        onSubmit: (ev: { preventDefault(): void }) => {
          ev.preventDefault();
          void submit();
        },
      },
      h(
        Field,
        { label: 'What to export' },
        h(
          Select,
          {
            value: form.kind,
            onChange: (_ev, data) =>
              setForm((f) => ({ ...f, kind: data.value as ExportAsk['kind'] })),
          },
          ...kinds.map((k) => h('option', { key: k.value, value: k.value }, k.label)),
        ),
      ),
      ranged &&
        h(
          Field,
          { label: 'Format' },
          h(
            Select,
            {
              value: form.format,
              onChange: (_ev, data) =>
                setForm((f) => ({ ...f, format: data.value as ExportAsk['format'] })),
            },
            h('option', { value: 'xlsx' }, 'Excel workbook (.xlsx)'),
            h('option', { value: 'csv' }, 'CSV (.csv)'),
          ),
        ),
      ranged &&
        h(DateField, {
          label: 'First day',
          value: form.from,
          pattern,
          error: dateErrors.from,
          onChange: (value) => setForm((f) => ({ ...f, from: value })),
        }),
      ranged &&
        h(DateField, {
          label: 'Last day',
          value: form.to,
          pattern,
          error: dateErrors.to,
          onChange: (value) => setForm((f) => ({ ...f, to: value })),
        }),
      h(
        Button,
        { type: 'submit', appearance: 'primary', disabled: busy },
        busy ? 'Making the link…' : 'Open the export',
      ),
    ),
    opened && h(Text, { as: 'p', role: 'status' }, opened),
    error ? h(ErrorBar, { error, title: 'The export was not made' }) : null,
  );
}
