import type { AlertSummary } from '../domain/alerts';
import type { Organisation } from '../domain/people/organisation';
import type { Risk } from '../domain/risk';
import {
  CRITICALITY_LABELS,
  DSPT_LABELS,
  dsptLine,
  EVIDENCE_LABELS,
  daysBetween,
  dueWhat,
  dueWithin,
  supplierInputOf,
  ukDay,
  whenText,
  type DsptRecord,
  type DueSupplierReminder,
  type Supplier,
  type SupplierEvidence,
} from '../domain/suppliers';
import { renderCard, type AdaptiveCard } from './render';

/** How many days ahead the list flags evidence and reviews falling due. */
export const DUE_SOON_DAYS = 30;

type OrgNames = Readonly<Record<string, string>>;

/** How many suppliers the list card shows, so it stays within Teams' 28 KB (the tab lists every one). */
export const MAX_LISTED = 15;

/** The supplier form's values, as typed or as saved (dates as day/month/year). */
export type SupplierFormValues = Record<
  | 'name'
  | 'supplies'
  | 'orgCodes'
  | 'criticality'
  | 'incidentContact'
  | 'evidenceLink'
  | 'nextReview'
  | 'dsptStatus'
  | 'dsptExpires'
  | 'iso27001Expires'
  | 'cyberEssentialsPlusExpires',
  string
>;

export const SUPPLIER_FORM_FIELDS = [
  'name',
  'supplies',
  'orgCodes',
  'criticality',
  'incidentContact',
  'evidenceLink',
  'nextReview',
  'dsptStatus',
  'dsptExpires',
  'iso27001Expires',
  'cyberEssentialsPlusExpires',
] as const satisfies readonly (keyof SupplierFormValues)[];

const dateField = (value: string): string => {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : value;
};

/** The form's values from a saved supplier. */
export const supplierFormValues = (s: Supplier): SupplierFormValues => {
  const v = supplierInputOf(s);
  return {
    ...v,
    nextReview: dateField(v.nextReview),
    dsptExpires: dateField(v.dsptExpires),
    iso27001Expires: dateField(v.iso27001Expires),
    cyberEssentialsPlusExpires: dateField(v.cyberEssentialsPlusExpires),
  };
};

/** `supplier add` / `supplier edit NAME`: the form, with every problem listed when it comes back. */
export function supplierFormCard(view: {
  organisations: readonly Organisation[];
  editing?: { supplier: Supplier; etag: string };
  values?: Partial<SupplierFormValues>;
  problems?: string[];
}): AdaptiveCard {
  const v = view.values ?? {};
  const editing = view.editing?.supplier;
  return renderCard('suppliers/supplier-form', {
    heading: editing ? `Edit supplier: ${editing.name}` : 'Add a critical supplier',
    intro: editing
      ? 'Change what has changed and save. Risks that name the supplier stay linked to it.'
      : 'A supplier the ICS depends on. The leads are reminded 30 and 7 days before its review or an assurance expiry.',
    problems: view.problems ?? [],
    name: v.name ?? '',
    supplies: v.supplies ?? '',
    orgCodes: v.orgCodes ?? '',
    criticality: v.criticality || 'high',
    incidentContact: v.incidentContact ?? '',
    evidenceLink: v.evidenceLink ?? '',
    nextReview: dateField(v.nextReview ?? ''),
    dsptStatus: v.dsptStatus || 'none',
    dsptExpires: dateField(v.dsptExpires ?? ''),
    iso27001Expires: dateField(v.iso27001Expires ?? ''),
    cyberEssentialsPlusExpires: dateField(v.cyberEssentialsPlusExpires ?? ''),
    organisations: view.organisations.map((o) => ({
      title: `${o.name} (${o.code})`,
      value: o.code,
    })),
    saveTitle: editing ? 'Save changes' : 'Add supplier',
    saveData: {
      verb: 'supplier.save',
      supplierId: editing?.id ?? '',
      etag: view.editing?.etag ?? '',
    },
  });
}

/** "ISO 27001 runs out 10 Dec 2026 (in 7 days)", "Review due 2 Jan 2027 (in 30 days)". */
export function dueLine(
  item: { what: DueSupplierReminder['what']; due: string },
  today: string,
): string {
  const days = daysBetween(today, item.due);
  const label = item.what === 'review' ? 'Review' : EVIDENCE_LABELS[item.what];
  const verb =
    item.what === 'review' ? (days < 0 ? 'was due' : 'due') : days < 0 ? 'ran out' : 'runs out';
  return `${label} ${verb} ${ukDay(item.due)} (${whenText(days)})`;
}

const orgList = (codes: readonly string[], names: OrgNames) =>
  codes.map((c) => (names[c] ? `${names[c]} (${c})` : c)).join(', ');

/** Each supplier, most critical first, with what falls due within 30 days; leads get Edit and Add. */
export function supplierListCard(
  suppliers: readonly Supplier[],
  opts: { canEdit: boolean; today: string; names: OrgNames },
): AdaptiveCard {
  return renderCard('suppliers/supplier-list', {
    style: 'emphasis',
    heading: `Critical suppliers (${suppliers.length})`,
    intro: !suppliers.length
      ? 'No suppliers on the register yet. Leads add them with "supplier add".'
      : suppliers.length > MAX_LISTED
        ? `The ${MAX_LISTED} most critical are shown; the tab's Suppliers view lists them all. Open one to see its evidence, contact, open risks and alerts mentioning it.`
        : 'Open one to see its evidence, contact, open risks and alerts mentioning it.',
    suppliers: suppliers.slice(0, MAX_LISTED).map((s) => ({
      heading: `${s.name} · ${CRITICALITY_LABELS[s.criticality]}`,
      detail: `${s.supplies}. For ${s.orgCodes.join(', ')}. Next review ${ukDay(s.nextReview)}.`,
      dueSoon: dueWithin([s], opts.today, DUE_SOON_DAYS).map((item) => dueLine(item, opts.today)),
      openData: { verb: 'command.run', command: `supplier ${s.id}` },
      canEdit: opts.canEdit,
      editData: { verb: 'command.run', command: `supplier edit ${s.id}` },
    })),
    footer: opts.canEdit
      ? 'Leads: the register as a spreadsheet is at GET /api/registers/suppliers.csv.'
      : '',
    buttons: opts.canEdit ? [{ title: 'Add a supplier', command: 'supplier add' }] : [],
  });
}

const evidenceText = (e: SupplierEvidence, today: string): { text: string; colour: string } => {
  const days = daysBetween(today, e.expires);
  const status = e.status ? `: ${DSPT_LABELS[e.status]}` : '';
  return {
    text: `${EVIDENCE_LABELS[e.kind]}${status}, ${days < 0 ? 'ran out' : 'until'} ${ukDay(e.expires)} (${whenText(days)})`,
    colour: days < 0 ? 'Attention' : days <= DUE_SOON_DAYS ? 'Warning' : 'Default',
  };
};

/**
 * `supplier NAME`: the supplier's details and evidence, and (on its page) the open risks naming it and the
 * open alerts mentioning it. A reminder shows the same card with a notice on top and no linked lists.
 */
export function supplierCard(view: {
  supplier: Supplier;
  today: string;
  names: OrgNames;
  canEdit: boolean;
  risks?: readonly Risk[];
  alerts?: readonly AlertSummary[];
  notice?: { text: string; style: 'good' | 'warning' | 'attention' };
}): AdaptiveCard {
  const s = view.supplier;
  const links = !!view.risks && !!view.alerts;
  return renderCard('suppliers/supplier-detail', {
    notice: view.notice?.text ?? '',
    noticeStyle: view.notice?.style ?? 'default',
    heading: `${s.name} · ${CRITICALITY_LABELS[s.criticality]} supplier`,
    supplies: s.supplies,
    facts: [
      { title: 'Organisations', value: orgList(s.orgCodes, view.names) },
      { title: 'Criticality', value: CRITICALITY_LABELS[s.criticality] },
      { title: 'Contact for incidents', value: s.incidentContact },
      {
        title: 'Next review',
        value: `${ukDay(s.nextReview)} (${whenText(daysBetween(view.today, s.nextReview))})`,
      },
    ],
    evidence: s.evidence.length
      ? s.evidence.map((e) => evidenceText(e, view.today))
      : [{ text: 'None recorded.', colour: 'Warning' }],
    evidenceLink: s.evidenceLink ?? '',
    showLinks: links,
    risksHeading: `Open risks naming it (${view.risks?.length ?? 0})`,
    risks: links
      ? view.risks!.length
        ? view.risks!.map((r) => `${r.id}: ${r.title} (${r.band}, score ${r.score})`)
        : ['None.']
      : [],
    alertsHeading: `Open alerts mentioning it (${view.alerts?.length ?? 0})`,
    alerts: links
      ? view.alerts!.length
        ? view.alerts!.map((a) => `${a.id}: ${a.title} (${a.severity}, ${a.state})`)
        : ['None.']
      : [],
    footer: `Added by ${s.addedBy.name}; last changed by ${s.updatedBy.name} on ${ukDay(s.updatedAt.slice(0, 10))}.`,
    buttons: [
      ...(view.canEdit ? [{ title: 'Edit', command: `supplier edit ${s.id}` }] : []),
      ...(links ? [] : [{ title: 'Open its page', command: `supplier ${s.id}` }]),
      { title: 'All suppliers', command: 'suppliers' },
    ],
  });
}

/** A reminder to the leads: the supplier's card with what falls due on top. */
export const supplierReminderCard = (
  supplier: Supplier,
  reminder: DueSupplierReminder,
  today: string,
  names: OrgNames,
): AdaptiveCard =>
  supplierCard({
    supplier,
    today,
    names,
    canEdit: true,
    notice: {
      text: `${supplier.name}: the ${dueWhat(reminder.what)} falls due ${whenText(reminder.daysLeft)}, on ${ukDay(reminder.due)}.`,
      style: reminder.window === 7 ? 'attention' : 'warning',
    },
  });

/** `dspt`: each organisation's latest DSPT status; after `dspt ...`, what was recorded on top. */
export function dsptStatusesCard(view: {
  organisations: readonly Organisation[];
  statuses: ReadonlyMap<string, DsptRecord>;
  recorded?: DsptRecord;
}): AdaptiveCard {
  const r = view.recorded;
  return renderCard('suppliers/dspt-statuses', {
    notice: r
      ? `Recorded for ${r.orgCode}: ${dsptLine(r)}, by ${r.recordedBy.name}. Earlier statuses are kept.`
      : '',
    heading: 'DSPT status by organisation',
    intro:
      'Each organisation’s lead records its Data Security and Protection Toolkit status: "dspt standards met 30/06/2026" (or exceeded, not met).',
    organisations: view.organisations.map((o) => ({
      title: `${o.name} (${o.code})`,
      value: dsptLine(view.statuses.get(o.code)),
    })),
  });
}
