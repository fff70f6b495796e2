import { DateTime } from 'luxon';
import type { AlertState, AlertSummary, AlertTimes } from '../domain/alerts';
import {
  acknowledgedInTime,
  newHsaResponse,
  overdueItems,
  type HsaResponse,
} from '../domain/alerts/hsa-response';
import { DECISION_OUTCOME_LABELS, type DecisionLogEntry } from '../domain/decisions';
import type { Organisation } from '../domain/people/organisation';
import {
  CAF_PRINCIPLES,
  ESCALATION_CHOICE_LABELS,
  RISK_STATUS_LABELS,
  bandLabel,
  isCafPrinciple,
  isRiskStatus,
  type Risk,
  type RiskStatus,
} from '../domain/risk';
import type { OnCallNow, RotaGap } from '../domain/rota';
import { formatUkDate, formatUkDateTime, UK_ZONE } from '../domain/shared/time';
import { untrustedText } from '../domain/shared/untrusted';
import type { RotaPerson, RotaWindow } from '../app/rota/rota-service';

/*
 * The tab's read models: pure functions from what the use cases return to what the tab shows. Times go out
 * both as ISO instants (for sorting) and already formatted for UK readers (28 Nov 2026, 09:00).
 */

/** An escalated risk as the queue shows it. */
export interface EscalationView {
  id: string;
  title: string;
  description: string;
  orgCode: string;
  orgName: string;
  cafPrinciple: string;
  score: number;
  band: string;
  owner: string;
  reason: string;
  note?: string;
  escalatedAt: string;
  escalatedAtUk: string;
  escalatedBy: string;
  infoRequest?: string;
}

/** Risks waiting for the ICS cyber group, oldest escalation first. */
export function escalationQueue(risks: readonly Risk[], orgs: OrgNames): EscalationView[] {
  return risks
    .filter((r) => r.status === 'escalated')
    .map((r): EscalationView => {
      const at = r.escalation?.at ?? r.updatedAt;
      return {
        id: r.id,
        title: r.title,
        description: r.description,
        orgCode: r.orgCode,
        orgName: orgs[r.orgCode] ?? r.orgCode,
        cafPrinciple: `${r.cafPrinciple} ${CAF_PRINCIPLES[r.cafPrinciple]}`,
        score: r.score,
        band: bandLabel(r.band),
        owner: r.owner,
        reason:
          r.escalation?.reason === 'above-appetite'
            ? 'Above the risk appetite'
            : 'Escalated by hand',
        ...(r.escalation?.note && { note: r.escalation.note }),
        escalatedAt: at,
        escalatedAtUk: formatUkDateTime(at),
        escalatedBy: r.escalation?.by.name ?? r.raisedBy.name,
        ...(r.infoRequest && { infoRequest: r.infoRequest.text }),
      };
    })
    .sort((a, b) => a.escalatedAt.localeCompare(b.escalatedAt) || a.id.localeCompare(b.id));
}

export type OrgNames = Readonly<Record<string, string>>;
export const orgNames = (orgs: readonly Organisation[]): OrgNames =>
  Object.fromEntries(orgs.map((o) => [o.code, o.name]));

/** The risk register's filters, from the query string; anything unknown is ignored. */
export interface RiskFilter {
  org?: string;
  caf?: string;
  band?: string;
  status?: RiskStatus;
}

export function parseRiskFilter(query: Record<string, unknown>): RiskFilter {
  const org = untrustedText(query['org'], 12).toUpperCase();
  const caf = untrustedText(query['caf'], 3).toUpperCase();
  const band = untrustedText(query['band'], 40).toLowerCase();
  const status = untrustedText(query['status'], 20).toLowerCase();
  return {
    ...(org && { org }),
    ...(isCafPrinciple(caf) && { caf }),
    ...(band && { band }),
    ...(isRiskStatus(status) && { status }),
  };
}

export interface RiskRowView {
  id: string;
  title: string;
  orgCode: string;
  orgName: string;
  cafPrinciple: string;
  likelihood: number;
  consequence: number;
  score: number;
  band: string;
  status: string;
  statusLabel: string;
  owner: string;
  reviewDate: string;
  lastDecision?: string;
}

/** The heat map: counts[likelihood - 1][consequence - 1]. */
export interface HeatMap {
  counts: number[][];
  total: number;
}

export interface RiskRegisterView {
  risks: RiskRowView[];
  heatMap: HeatMap;
  /** What the filter lists offer. */
  organisations: { code: string; name: string }[];
  bands: string[];
}

export function riskRegisterView(
  risks: readonly Risk[],
  filter: RiskFilter,
  orgs: readonly Organisation[],
): RiskRegisterView {
  const names = orgNames(orgs);
  const matching = risks.filter(
    (r) =>
      (!filter.org || r.orgCode === filter.org) &&
      (!filter.caf || r.cafPrinciple === filter.caf) &&
      (!filter.band || r.band.toLowerCase() === filter.band) &&
      (!filter.status || r.status === filter.status),
  );
  const counts = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
  for (const r of matching) counts[r.likelihood - 1]![r.consequence - 1]! += 1;
  return {
    risks: matching
      .map((r): RiskRowView => ({
        id: r.id,
        title: r.title,
        orgCode: r.orgCode,
        orgName: names[r.orgCode] ?? r.orgCode,
        cafPrinciple: `${r.cafPrinciple} ${CAF_PRINCIPLES[r.cafPrinciple]}`,
        likelihood: r.likelihood,
        consequence: r.consequence,
        score: r.score,
        band: bandLabel(r.band),
        status: r.status,
        statusLabel: RISK_STATUS_LABELS[r.status],
        owner: r.owner,
        reviewDate: formatUkDate(`${r.reviewDate}T12:00:00Z`),
        ...(r.lastDecision && {
          lastDecision: `${ESCALATION_CHOICE_LABELS[r.lastDecision.choice]} (${r.lastDecision.by.name}, ${formatUkDateTime(r.lastDecision.at)})`,
        }),
      }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)),
    heatMap: { counts, total: matching.length },
    organisations: orgs.map((o) => ({ code: o.code, name: o.name })),
    bands: [...new Set(risks.map((r) => bandLabel(r.band)))],
  };
}

/** The decision register's search. */
export interface DecisionFilter {
  q?: string;
  decidedBy?: string;
  outcome?: string;
  /** YYYY-MM-DD, inclusive, on the day decided. */
  from?: string;
  to?: string;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseDecisionFilter(query: Record<string, unknown>): DecisionFilter {
  const q = untrustedText(query['q'], 100).toLowerCase();
  const decidedBy = untrustedText(query['decidedBy'], 20);
  const outcome = untrustedText(query['outcome'], 20).toLowerCase();
  const from = untrustedText(query['from'], 10);
  const to = untrustedText(query['to'], 10);
  return {
    ...(q && { q }),
    ...(decidedBy && { decidedBy }),
    ...(outcome && { outcome }),
    ...(ISO_DAY.test(from) && { from }),
    ...(ISO_DAY.test(to) && { to }),
  };
}

export interface DecisionRowView {
  id: string;
  text: string;
  rationale: string;
  decidedBy: string;
  outcome: string;
  decidedOn: string;
  decidedOnUk: string;
  loggedBy: string;
  related?: string;
  sourceMessageLink?: string;
  supersedes?: string;
  supersededBy?: string;
}

/** The most decisions one answer lists. */
export const MAX_DECISIONS_LISTED = 500;

const DECIDED_BY_LABELS: Record<string, string> = {
  forum: 'The forum',
  'ics-cyber-group': 'ICS cyber group',
};

export function decisionRegisterView(
  entries: readonly DecisionLogEntry[],
  filter: DecisionFilter,
): DecisionRowView[] {
  return entries
    .filter(({ decision: d }) => {
      if (filter.decidedBy && d.decidedBy !== filter.decidedBy) return false;
      if (filter.outcome && d.outcome !== filter.outcome) return false;
      if (filter.from && d.decidedOn < filter.from) return false;
      if (filter.to && d.decidedOn > filter.to) return false;
      if (filter.q) {
        const haystack = `${d.id} ${d.text} ${d.rationale} ${d.related?.id ?? ''}`.toLowerCase();
        if (!haystack.includes(filter.q)) return false;
      }
      return true;
    })
    .slice(0, MAX_DECISIONS_LISTED)
    .map(({ decision: d, supersededBy }) => ({
      id: d.id,
      text: d.text,
      rationale: d.rationale,
      decidedBy: DECIDED_BY_LABELS[d.decidedBy] ?? d.decidedBy,
      outcome: DECISION_OUTCOME_LABELS[d.outcome] ?? d.outcome,
      decidedOn: d.decidedOn,
      decidedOnUk: formatUkDate(`${d.decidedOn}T12:00:00Z`),
      loggedBy: d.loggedBy.name,
      ...(d.related && {
        related: `${d.related.kind === 'risk' ? 'Risk' : 'Alert'} ${d.related.id}`,
      }),
      ...(d.sourceMessageLink &&
        /^https:\/\//.test(d.sourceMessageLink) && { sourceMessageLink: d.sourceMessageLink }),
      ...(d.supersedes && { supersedes: d.supersedes }),
      ...(supersededBy && { supersededBy }),
    }));
}

/** One organisation's standing on one HSA. */
export interface HsaComplianceCell {
  orgCode: string;
  acknowledged: boolean;
  /** True when acknowledged within 48 hours of publication. */
  acknowledgedInTime: boolean;
  acknowledgedAtUk?: string;
  applicability: HsaResponse['applicability'];
  remediation: HsaResponse['remediation'];
  overdue: string[];
}

export interface HsaComplianceRow {
  alertId: string;
  hsaId: string;
  title: string;
  severity: string;
  publishedAtUk: string;
  cells: HsaComplianceCell[];
}

export interface HsaComplianceView {
  organisations: { code: string; name: string }[];
  hsas: HsaComplianceRow[];
}

/**
 * Each open HSA against each organisation. A response nobody has recorded counts as not acknowledged,
 * applicability unknown, remediation not started, so a silent organisation shows as overdue.
 */
export function hsaComplianceView(
  hsas: readonly AlertSummary[],
  orgs: readonly Organisation[],
  responses: readonly HsaResponse[],
  now: Date,
): HsaComplianceView {
  const byKey = new Map(responses.map((r) => [`${r.alertId}|${r.orgCode}`, r]));
  return {
    organisations: orgs.map((o) => ({ code: o.code, name: o.name })),
    hsas: hsas
      .filter((a) => a.source === 'hsa')
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))
      .map((hsa) => ({
        alertId: hsa.id,
        hsaId: hsa.dedupKey,
        title: hsa.title,
        severity: hsa.severity,
        publishedAtUk: formatUkDateTime(hsa.publishedAt),
        cells: orgs.map((org): HsaComplianceCell => {
          const response = byKey.get(`${hsa.id}|${org.code}`) ?? newHsaResponse(hsa.id, org.code);
          const ackAt = response.acknowledgedAt;
          return {
            orgCode: org.code,
            acknowledged: !!ackAt,
            acknowledgedInTime: acknowledgedInTime(response, hsa),
            ...(ackAt && { acknowledgedAtUk: formatUkDateTime(ackAt) }),
            applicability: response.applicability,
            remediation: response.remediation,
            overdue: overdueItems(response, hsa, now).map((item) => item.message),
          };
        }),
      })),
  };
}

export interface AlertRowView {
  id: string;
  source: string;
  key: string;
  title: string;
  severity: string;
  state: string;
  /** The state in the words the alert cards use ("Needs action"). */
  stateLabel: string;
  raisedAtUk: string;
  acknowledgedBy?: string;
}

export interface AlertWeekView {
  /** Monday of the week, UK date. */
  weekOfUk: string;
  weekOf: string;
  raised: number;
  acknowledged: number;
  /** Median minutes from raising to acknowledgement; undefined when none were acknowledged. */
  medianMinutesToAcknowledge?: number;
  resolved: number;
  medianMinutesToResolve?: number;
}

const median = (values: number[]): number | undefined => {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return Math.round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
};

/** Alerts grouped by the UK week they were raised in, newest week first, the last `weeks` weeks. */
export function alertWeeks(alerts: readonly AlertTimes[], now: Date, weeks = 8): AlertWeekView[] {
  const weekStart = (iso: string | Date) =>
    DateTime.fromJSDate(new Date(iso), { zone: UK_ZONE }).startOf('week');
  const thisWeek = weekStart(now);
  const out: AlertWeekView[] = [];
  for (let i = 0; i < weeks; i++) {
    const start = thisWeek.minus({ weeks: i });
    const end = start.plus({ weeks: 1 });
    const inWeek = alerts.filter((a) => {
      const t = Date.parse(a.raisedAt);
      return t >= start.toMillis() && t < end.toMillis();
    });
    const minutes = (from: string, to: string | undefined) =>
      to ? (Date.parse(to) - Date.parse(from)) / 60_000 : undefined;
    const ack = inWeek
      .map((a) => minutes(a.raisedAt, a.acknowledgedAt))
      .filter((m): m is number => m !== undefined);
    const res = inWeek
      .map((a) => minutes(a.raisedAt, a.resolvedAt))
      .filter((m): m is number => m !== undefined);
    out.push({
      weekOf: start.toISODate() ?? '',
      weekOfUk: start.toFormat('d LLL yyyy'),
      raised: inWeek.length,
      acknowledged: ack.length,
      medianMinutesToAcknowledge: median(ack),
      resolved: res.length,
      medianMinutesToResolve: median(res),
    });
  }
  return out;
}

/** Alert states as people read them; the same words as the alert cards in the channel. */
export const ALERT_STATE_LABELS: Readonly<Record<AlertState, string>> = {
  triggered: 'Needs action',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

export const alertRowView = (a: AlertSummary): AlertRowView => ({
  id: a.id,
  source: a.source === 'hsa' ? 'HSA' : 'Incident',
  key: a.dedupKey,
  title: a.title,
  severity: a.severity,
  state: a.state,
  stateLabel: ALERT_STATE_LABELS[a.state],
  raisedAtUk: formatUkDateTime(a.raisedAt),
  ...(a.acknowledgedBy && { acknowledgedBy: a.acknowledgedBy.name }),
});

export interface RotaLayerView {
  layer: string;
  now: string[];
  gapNow: boolean;
  untilUk?: string;
  next: string[];
}

export interface RotaShiftView {
  layer: string;
  who: string;
  startUk: string;
  endUk: string;
  start: string;
  coveringFor?: string;
}

export interface RotaGapView {
  layer: string;
  startUk: string;
  endUk: string;
}

export interface RotaView {
  layers: RotaLayerView[];
  shifts: RotaShiftView[];
  gaps: RotaGapView[];
}

export function rotaView(
  now: OnCallNow,
  window: RotaWindow,
  people: ReadonlyMap<string, RotaPerson>,
): RotaView {
  const name = (id: string) => people.get(id)?.name ?? 'someone no longer in CTAC';
  return {
    layers: [now.primary, now.secondary].map((l) => ({
      layer: l.layer === 'primary' ? 'Primary' : 'Secondary',
      now: l.onCall.map((a) => name(a.memberId)),
      gapNow: l.gap,
      ...(l.until && { untilUk: formatUkDateTime(l.until) }),
      next: l.next?.onCall.map((a) => name(a.memberId)) ?? [],
    })),
    shifts: window.shifts
      .map((s) => ({
        layer: s.layer === 'primary' ? 'Primary' : 'Secondary',
        who: name(s.memberId),
        start: s.start.toISOString(),
        startUk: formatUkDateTime(s.start),
        endUk: formatUkDateTime(s.end),
        ...(s.coveringFor && { coveringFor: name(s.coveringFor) }),
      }))
      .sort((a, b) => a.start.localeCompare(b.start) || a.layer.localeCompare(b.layer)),
    gaps: window.gaps.map((g: RotaGap) => ({
      layer: g.layer === 'primary' ? 'Primary' : 'Secondary',
      startUk: formatUkDateTime(g.start),
      endUk: formatUkDateTime(g.end),
    })),
  };
}
