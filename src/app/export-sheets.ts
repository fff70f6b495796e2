import {
  hasResponseClocks,
  hsaResponseDueDates,
  acknowledgedInTime,
  type Alert,
  type AlertEvent,
  type HsaResponse,
  type HsaResponseEvent,
} from '../domain/alerts';
import { AUDIT_ACTION_LABELS, type AuditEntry } from '../domain/audit/audit-entry';
import type { Decision } from '../domain/decisions/decision';
import { DECISION_OUTCOME_LABELS } from '../domain/decisions/decision';
import type { Organisation } from '../domain/people/organisation';
import type { Risk } from '../domain/risk/risk';
import type { RiskEvent } from '../domain/risk/risk-events';
import type { RotaOverride } from '../domain/rota/rota-override';
import { formatUkDateTime } from '../domain/shared/time';
import type { AlertSeverity } from '../domain/alerts/severity';
import type { ExportSheet } from './export-files';

/**
 * What each export file holds, row by row (src/app/exports.ts makes the files): the alert workbook's sheets,
 * the HSA responses, and the lines of the audit trail, with the headers outside clients read.
 */

/** "HSA CC-4719", "Incident INC-77". */
export const alertReference = (alert: Pick<Alert, 'source' | 'dedupKey'>): string =>
  `${alert.source === 'hsa' ? 'HSA' : 'Incident'} ${alert.dedupKey}`;

const when = (at: string | undefined): string => (at ? formatUkDateTime(at) : '');

/** Column headers of the alerts sheet, and the alert half of the alerts CSV. */
export const ALERTS_HEADER = [
  'Reference',
  'CTAC id',
  'Title',
  'Severity',
  'State',
  'Organisations',
  'Raised',
  'Published',
  'Acknowledged',
  'Acknowledged by',
  'Resolved',
  'Resolved by',
  'Resolution',
] as const;

/** Column headers of the timeline sheet. */
export const TIMELINE_HEADER = ['Reference', 'CTAC id', 'When', 'Event', 'Who', 'Detail'] as const;

/**
 * The alerts CSV: one row per alert (Record "Alert"), each followed by its timeline's rows (Record
 * "Timeline": when, event, who, detail), so one file carries both.
 */
export const ALERTS_CSV_HEADER = [
  'Record',
  ...ALERTS_HEADER,
  'When',
  'Event',
  'Who',
  'Detail',
] as const;

const STATE_LABEL: Record<Alert['state'], string> = {
  triggered: 'Needs action',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

const severityLabel = (s: AlertSeverity): string => s;

export function alertSheets(
  alerts: readonly Alert[],
  detail: (event: AlertEvent) => string,
): { xlsx: ExportSheet[]; csv: ExportSheet } {
  const alertCells = (a: Alert): (string | number)[] => [
    alertReference(a),
    a.id,
    a.title,
    severityLabel(a.severity),
    STATE_LABEL[a.state],
    a.organisations.join(', '),
    when(a.raisedAt),
    when(a.publishedAt),
    when(a.acknowledgedAt),
    a.acknowledgedBy?.name ?? '',
    when(a.resolvedAt),
    a.resolvedBy?.name ?? '',
    a.resolutionNote ?? '',
  ];
  const eventCells = (e: AlertEvent): string[] => [
    formatUkDateTime(e.at),
    e.kind,
    e.actor.name || e.actor.id,
    detail(e),
  ];
  const blankAlert = ALERTS_HEADER.map(() => '');
  const csvRows: (string | number)[][] = [];
  for (const a of alerts) {
    csvRows.push(['Alert', ...alertCells(a), '', '', '', '']);
    for (const e of a.timeline) {
      const cells = [...blankAlert] as (string | number)[];
      cells[0] = alertReference(a);
      cells[1] = a.id;
      csvRows.push(['Timeline', ...cells, ...eventCells(e)]);
    }
  }
  return {
    xlsx: [
      { name: 'Alerts', header: ALERTS_HEADER, rows: alerts.map(alertCells) },
      {
        name: 'Timeline',
        header: TIMELINE_HEADER,
        rows: alerts.flatMap((a) =>
          a.timeline.map((e) => [alertReference(a), a.id, ...eventCells(e)]),
        ),
      },
    ],
    csv: { name: 'Alerts', header: ALERTS_CSV_HEADER, rows: csvRows },
  };
}

/** For the entries the card leaves out (deliveries): what happened, in words. */
export function fallbackDetail(event: AlertEvent): string {
  switch (event.kind) {
    case 'posted':
      return event.digest ? 'posted to the channel in a digest' : 'posted to the channel';
    case 'page.queued':
      return `${event.channel} page to ${event.person.name} queued`;
    case 'page.delivered':
      return `${event.channel} page to ${event.person.name} delivered`;
    case 'page.failed':
      return `${event.channel} page to ${event.person.name} failed: ${event.reason}`;
    case 'page.receipt':
      return `${event.channel} page to ${event.person.name}: ${event.status}`;
    default:
      return '';
  }
}

/** Column headers of the HSA responses export. */
export const HSA_RESPONSES_HEADER = [
  'HSA',
  'Title',
  'Severity',
  'Published',
  'Organisation',
  'Code',
  'Affected',
  'Remediation',
  'Acknowledged',
  'Acknowledged by',
  'Patched',
  'Acknowledged within 48 hours',
  'Patched or mitigated within 14 days',
  'Latest update',
] as const;

export function hsaRow(
  alert: Alert,
  response: HsaResponse,
  events: readonly HsaResponseEvent[],
  orgs: readonly Organisation[],
): string[] {
  const own = events.filter((e) => e.orgCode === response.orgCode);
  const firstTo = (to: readonly string[]) =>
    own.find((e) => e.kind === 'remediation' && to.includes(e.to))?.at;
  const patchedAt = response.remediation === 'patched' ? firstTo(['patched']) : undefined;
  const fixedAt =
    response.remediation === 'patched' || response.remediation === 'mitigated'
      ? firstTo(['patched', 'mitigated'])
      : undefined;
  const clocks = hasResponseClocks(alert);
  const ackInTime = !clocks
    ? 'No deadline'
    : acknowledgedInTime(response, alert)
      ? 'Yes'
      : response.acknowledgedAt
        ? 'No'
        : 'Not acknowledged';
  const patchBy = hsaResponseDueDates(response, alert).patchBy;
  const fixInTime = !clocks
    ? 'No deadline'
    : response.applicability === 'not affected'
      ? 'Not affected'
      : fixedAt && patchBy
        ? Date.parse(fixedAt) <= patchBy.getTime()
          ? 'Yes'
          : 'No'
        : 'Not yet';
  const org = orgs.find((o) => o.code === response.orgCode);
  return [
    alert.dedupKey,
    alert.title,
    alert.severity,
    when(alert.publishedAt),
    org?.name ?? response.orgCode,
    response.orgCode,
    response.applicability === 'unknown' ? 'Not known' : response.applicability,
    response.remediation,
    when(response.acknowledgedAt),
    response.acknowledgedBy?.name ?? '',
    when(patchedAt),
    ackInTime,
    fixInTime,
    response.lastNote ?? '',
  ];
}

/** Column headers of the audit trail. */
export const AUDIT_TRAIL_HEADER = [
  'When',
  'Area',
  'Reference',
  'Event',
  'Who',
  'From',
  'Detail',
] as const;

export interface AuditLine {
  at: string;
  area: string;
  reference: string;
  event: string;
  who: string;
  source: string;
  detail: string;
}

export function hsaEventDetail(event: HsaResponseEvent): string {
  switch (event.kind) {
    case 'acknowledged':
      return 'acknowledged the HSA';
    case 'applicability':
      return `${event.from} to ${event.to}`;
    case 'remediation':
      return `remediation ${event.from} to ${event.to}`;
    case 'update':
      return event.note;
  }
}

export function riskEventDetail(risk: Risk, event: RiskEvent): string {
  switch (event.kind) {
    case 'raised':
      return `${risk.title} (score ${event.rating.score}, ${event.rating.band})`;
    case 'edited':
      return `changed ${Object.keys(event.changes).join(', ')}`;
    case 'rescored':
      return `score ${event.from.score} to ${event.to.score}${event.note ? `: ${event.note}` : ''}`;
    case 'escalated':
      return `escalated (${event.reason}, score ${event.score})${event.note ? `: ${event.note}` : ''}`;
    case 'decided':
      return `${event.choice}: ${event.rationale} (decision ${event.decisionId})`;
    case 'closed':
      return `closed: ${event.reason}`;
  }
}

export function decisionLine(decision: Decision): AuditLine {
  return {
    at: decision.loggedAt,
    area: 'Decision',
    reference: decision.id,
    event: 'decision.logged',
    who: decision.loggedBy.name || decision.loggedBy.id,
    source: decision.loggedBy.source,
    detail: `${DECISION_OUTCOME_LABELS[decision.outcome]}: ${decision.text}`,
  };
}

export function overrideDetail(o: RotaOverride, nameOf: (id: string) => string): string {
  const span = `${formatUkDateTime(o.start)} to ${formatUkDateTime(o.end)}`;
  const what =
    o.kind === 'cover'
      ? `${nameOf(o.memberId)} covers ${nameOf(o.coveredMemberId)}`
      : o.kind === 'add'
        ? `${nameOf(o.memberId)} added to the ${o.layer} layer`
        : `${nameOf(o.memberId)} taken off call`;
  return `${what}, ${span}${o.note ? `: ${o.note}` : ''}`;
}

export function adminLine(entry: AuditEntry): AuditLine {
  const change = [entry.before && `from ${entry.before}`, entry.after && `to ${entry.after}`]
    .filter(Boolean)
    .join(' ');
  return {
    at: entry.at,
    area: 'Admin',
    reference: entry.id,
    event: AUDIT_ACTION_LABELS[entry.action] ?? entry.action,
    who: entry.actor.name || entry.actor.id,
    source: entry.actor.source,
    detail: `${entry.subject}${change ? `: ${change}` : ''}`,
  };
}
