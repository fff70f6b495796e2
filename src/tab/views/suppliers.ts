import { Button } from '@fluentui/react-components';
import { useState } from 'react';
import type { SupplierListView, SupplierPageView } from '../../contract/suppliers';
import { getJson } from '../api';
import { DataTable, h, Loaded, useLoad } from '../ui';

/**
 * The critical supplier register (issue 20): every supplier with its criticality, next review and what falls
 * due within 30 days, each organisation's DSPT status, and one supplier's page (a deep link opens it).
 */
export function SuppliersView(props: { linkedId?: string }) {
  const [open, setOpen] = useState<string | undefined>(props.linkedId);
  const state = useLoad(() => getJson<SupplierListView>('/api/tab/suppliers'), []);
  return h(
    'section',
    { 'aria-labelledby': 'suppliers-heading' },
    h('h2', { id: 'suppliers-heading' }, 'Critical suppliers'),
    open && h(SupplierPage, { id: open, onClose: () => setOpen(undefined) }),
    h(Loaded<SupplierListView>, {
      state,
      label: 'the supplier register',
      children: (view) =>
        h(
          'div',
          null,
          h(DataTable, {
            caption: 'Suppliers, most critical first',
            columns: [
              'Supplier',
              'Criticality',
              'Supplies',
              'Organisations',
              'Next review',
              'Due soon',
              '',
            ],
            empty: 'No suppliers on the register yet. Leads add them in chat with "supplier add".',
            rows: view.suppliers.map((s) => ({
              key: s.id,
              className: s.dueSoon.length ? 'ctac-overdue' : undefined,
              cells: [
                s.name,
                s.criticalityLabel,
                s.supplies,
                s.orgCodes.join(', '),
                s.nextReviewText,
                s.dueSoon.join('; ') || 'Nothing in the next 30 days',
                h(
                  Button,
                  { size: 'small', onClick: () => setOpen(s.id), 'aria-label': `Open ${s.name}` },
                  'Open',
                ),
              ],
            })),
          }),
          h('h3', null, 'DSPT status by organisation'),
          h(DataTable, {
            caption: 'Each organisation’s latest DSPT status, as its lead recorded it',
            columns: ['Organisation', 'Status', 'Recorded by'],
            empty: 'No organisations yet.',
            rows: view.dspt.map((d) => ({
              key: d.orgCode,
              className: d.status === 'not-met' ? 'ctac-overdue' : undefined,
              cells: [`${d.orgName} (${d.orgCode})`, d.statusText, d.recordedBy ?? ''],
            })),
          }),
        ),
    }),
  );
}

/** One supplier's page: details, evidence, the open risks naming it and the open alerts mentioning it. */
function SupplierPage(props: { id: string; onClose: () => void }) {
  const state = useLoad(
    () => getJson<SupplierPageView>(`/api/tab/suppliers/${encodeURIComponent(props.id)}`),
    [props.id],
  );
  return h(
    'div',
    { className: 'ctac-card', role: 'region', 'aria-label': 'Supplier' },
    h(Loaded<SupplierPageView>, {
      state,
      label: 'the supplier',
      children: ({ supplier: s, risks, alerts }) =>
        h(
          'div',
          null,
          h('h3', null, `${s.name} · ${s.criticalityLabel}`),
          h('p', null, s.supplies),
          h(
            'dl',
            null,
            h('dt', null, 'Organisations'),
            h('dd', null, s.organisations),
            h('dt', null, 'Contact for incidents'),
            h('dd', null, s.incidentContact),
            h('dt', null, 'Next review'),
            h('dd', null, s.nextReviewText),
          ),
          h(DataTable, {
            caption: 'Assurance evidence',
            columns: ['Evidence', 'Status', 'Expires'],
            empty: 'No assurance evidence recorded.',
            rows: s.evidence.map((e) => ({
              key: e.kind,
              className: e.daysLeft <= 30 ? 'ctac-overdue' : undefined,
              cells: [e.label, e.statusLabel ?? '', e.expiresText],
            })),
          }),
          s.evidenceLink &&
            h(
              'p',
              null,
              h(
                'a',
                { href: s.evidenceLink, target: '_blank', rel: 'noreferrer' },
                'Where the evidence is kept',
              ),
            ),
          h(DataTable, {
            caption: 'Open risks naming it',
            columns: ['Risk', 'Title', 'Organisation', 'Band', 'Score'],
            empty: 'No open risk names this supplier.',
            rows: risks.map((r) => ({
              key: r.id,
              cells: [r.id, r.title, r.orgCode, r.band, String(r.score)],
            })),
          }),
          h(DataTable, {
            caption: 'Open alerts mentioning it',
            columns: ['Alert', 'Title', 'Severity', 'State'],
            empty: 'No open alert mentions this supplier.',
            rows: alerts.map((a) => ({ key: a.id, cells: [a.id, a.title, a.severity, a.state] })),
          }),
          h('p', null, `Last changed by ${s.updatedBy}, ${s.updatedAt}.`),
        ),
    }),
    h(Button, { onClick: props.onClose }, 'Close'),
  );
}
