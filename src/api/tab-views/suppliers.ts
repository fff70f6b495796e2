import type {
  DsptStatusView,
  SupplierListView,
  SupplierPageView,
  SupplierRowView,
} from '../../contract/suppliers';
import type { AlertSummary } from '../../domain/alerts';
import type { Organisation } from '../../domain/people/organisation';
import type { Risk } from '../../domain/risk';
import {
  CRITICALITY_LABELS,
  DSPT_LABELS,
  EVIDENCE_LABELS,
  daysBetween,
  dsptLine,
  dueWithin,
  ukDay,
  whenText,
  type DsptRecord,
  type Supplier,
} from '../../domain/suppliers';
import { formatUkDateTime } from '../../domain/shared/time';
import type { OrgNames } from './org-names';

/** How many days ahead the register flags what falls due. */
const DUE_SOON_DAYS = 30;

const orgList = (codes: readonly string[], names: OrgNames) =>
  codes.map((c) => (names[c] ? `${names[c]} (${c})` : c)).join(', ');

/** One supplier as the tab lists it. */
export function supplierRowView(s: Supplier, today: string, names: OrgNames): SupplierRowView {
  return {
    id: s.id,
    name: s.name,
    supplies: s.supplies,
    orgCodes: [...s.orgCodes],
    organisations: orgList(s.orgCodes, names),
    criticality: s.criticality,
    criticalityLabel: CRITICALITY_LABELS[s.criticality],
    nextReview: s.nextReview,
    nextReviewText: ukDay(s.nextReview),
    evidence: s.evidence.map((e) => ({
      kind: e.kind,
      label: EVIDENCE_LABELS[e.kind],
      expires: e.expires,
      expiresText: ukDay(e.expires),
      daysLeft: daysBetween(today, e.expires),
      ...(e.status ? { status: e.status, statusLabel: DSPT_LABELS[e.status] } : {}),
    })),
    dueSoon: dueWithin([s], today, DUE_SOON_DAYS).map((item) => {
      const what = item.what === 'review' ? 'Review' : EVIDENCE_LABELS[item.what];
      return `${what}: ${ukDay(item.due)} (${whenText(daysBetween(today, item.due))})`;
    }),
  };
}

/** Each organisation's latest DSPT status, every organisation listed. */
export const dsptStatusViews = (
  orgs: readonly Organisation[],
  statuses: ReadonlyMap<string, DsptRecord>,
): DsptStatusView[] =>
  orgs.map((o) => {
    const r = statuses.get(o.code);
    return {
      orgCode: o.code,
      orgName: o.name,
      statusText: dsptLine(r),
      ...(r ? { status: r.status, assessedOn: r.assessedOn, recordedBy: r.recordedBy.name } : {}),
    };
  });

export const supplierListView = (
  suppliers: readonly Supplier[],
  orgs: readonly Organisation[],
  statuses: ReadonlyMap<string, DsptRecord>,
  today: string,
  names: OrgNames,
): SupplierListView => ({
  suppliers: suppliers.map((s) => supplierRowView(s, today, names)),
  dspt: dsptStatusViews(orgs, statuses),
});

export const supplierPageView = (
  page: { supplier: Supplier; risks: readonly Risk[]; alerts: readonly AlertSummary[] },
  today: string,
  names: OrgNames,
): SupplierPageView => ({
  supplier: {
    ...supplierRowView(page.supplier, today, names),
    incidentContact: page.supplier.incidentContact,
    ...(page.supplier.evidenceLink ? { evidenceLink: page.supplier.evidenceLink } : {}),
    addedBy: page.supplier.addedBy.name,
    updatedBy: page.supplier.updatedBy.name,
    updatedAt: formatUkDateTime(page.supplier.updatedAt),
  },
  risks: page.risks.map((r) => ({
    id: r.id,
    title: r.title,
    orgCode: r.orgCode,
    band: r.band,
    score: r.score,
    status: r.status,
  })),
  alerts: page.alerts.map((a) => ({
    id: a.id,
    title: a.title,
    severity: a.severity,
    state: a.state,
  })),
});
