import { stringify } from 'csv-stringify/sync';

import { AUDIT_ACTION_LABELS, type AuditEntry } from '../domain/audit/audit-entry';
import {
  DECISION_OUTCOME_LABELS,
  decisionMakerLabel,
  type Decision,
} from '../domain/decisions/decision';
import { markSuperseded } from '../domain/decisions/supersede';
import { cafPrincipleLabel } from '../domain/risk/caf-principle';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import { ESCALATION_CHOICE_LABELS } from '../domain/risk/escalation-choice';
import type { Risk } from '../domain/risk/risk';
import { bandLabel } from '../domain/risk/risk-bands';
import { consequenceLabel, likelihoodLabel } from '../domain/risk/risk-scale';
import { RISK_STATUS_LABELS } from '../domain/risk/risk-status';
import { formatUkDate, formatUkDateTime } from '../domain/shared/time';
import {
  CRITICALITY_LABELS,
  DSPT_LABELS,
  evidenceOf,
  type EvidenceKind,
  type Supplier,
} from '../domain/suppliers';

/** The Content-Type to send an export with. */
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface RegisterCsvOptions {
  /** Organisation names by code, so the minutes read "East Sussex County Council (ESCC)" rather than a code. */
  organisationNames?: Readonly<Record<string, string>>;
}

/**
 * One CSV format for every register, so the files open cleanly in Excel for the minutes:
 * - RFC 4180: CRLF between records, a field quoted when it holds a comma, quote or line break, quotes doubled;
 * - UTF-8 with a byte order mark, without which Excel reads "Zoë" as "ZoÃ«";
 * - formula injection guarded: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or
 *   their full-width forms) gets a leading apostrophe, so a risk titled `=HYPERLINK(...)` is shown as text and
 *   never run as a formula (OWASP "CSV Injection"). Numbers such as the score are left alone. The cost is that
 *   text which really starts with, say, "+44" or "- " shows the apostrophe.
 */
function toCsv(header: readonly string[], rows: readonly (string | number)[][]): string {
  return stringify(rows as unknown[][], {
    bom: true,
    header: true,
    columns: header.map((name) => ({ key: name, header: name })),
    record_delimiter: 'windows',
    // With an explicit record delimiter csv-stringify quotes only fields holding CRLF; Excel also breaks rows
    // on a bare LF or CR, so quote those fields too.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}

// A calendar date is the same day everywhere in the UK: noon UTC keeps it so whatever the clocks do.
const ukDay = (calendarDate: string): string => formatUkDate(`${calendarDate}T12:00:00Z`);

const organisation = (code: string, names: Readonly<Record<string, string>>): string =>
  Object.prototype.hasOwnProperty.call(names, code) ? `${names[code]} (${code})` : code;

/** Column headers of the risk register export, in order. */
export const RISK_REGISTER_HEADER = [
  'Reference',
  'Title',
  'Description',
  'Organisation',
  'CAF principle',
  'Likelihood',
  'Consequence',
  'Score',
  'Band',
  'Status',
  'Owner',
  'Mitigations',
  'Review date',
  'Raised',
  'Raised by',
  'Last updated',
  'Latest decision',
  'Decision rationale',
] as const;

/**
 * The risk register as CSV, highest score first (then oldest first), one mitigation a line within its cell.
 * Dates are UK style ("31 Jan 2027", times "28 Nov 2026, 09:00" in UK time).
 */
export function riskRegisterCsv(risks: readonly Risk[], options: RegisterCsvOptions = {}): string {
  const names = options.organisationNames ?? {};
  const ordered = [...risks].sort(
    (a, b) => b.score - a.score || a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id),
  );
  const rows = ordered.map((risk) => [
    risk.id,
    risk.title,
    risk.description,
    organisation(risk.orgCode, names),
    cafPrincipleLabel(risk.cafPrinciple),
    likelihoodLabel(risk.likelihood),
    consequenceLabel(risk.consequence),
    risk.score,
    bandLabel(risk.band),
    RISK_STATUS_LABELS[risk.status],
    risk.owner,
    risk.mitigations.join('\n'),
    ukDay(risk.reviewDate),
    formatUkDateTime(risk.raisedAt),
    risk.raisedBy.name,
    formatUkDateTime(risk.updatedAt),
    risk.lastDecision
      ? `${ESCALATION_CHOICE_LABELS[risk.lastDecision.choice]}, ${formatUkDate(risk.lastDecision.at)}, by ${risk.lastDecision.by.name}`
      : '',
    risk.lastDecision?.rationale ?? '',
  ]);
  return toCsv(RISK_REGISTER_HEADER, rows);
}

/** Column headers of the decision log export, in order. */
export const DECISION_LOG_HEADER = [
  'Reference',
  'Date decided',
  'What was decided',
  'Rationale',
  'Decided by',
  'Outcome',
  'Related to',
  'Source message',
  'Message author',
  'Logged by',
  'Logged',
  'Supersedes',
  'Superseded by',
] as const;

/**
 * The decision log as CSV in the order decisions were made (then logged), as minutes read. Superseded
 * decisions stay, with the reference of the decision that corrects them.
 */
export function decisionLogCsv(
  decisions: readonly Decision[],
  options: RegisterCsvOptions = {},
): string {
  const names = options.organisationNames ?? {};
  const ordered = [...decisions].sort(
    (a, b) =>
      a.decidedOn.localeCompare(b.decidedOn) ||
      a.loggedAt.localeCompare(b.loggedAt) ||
      a.id.localeCompare(b.id),
  );
  const rows = markSuperseded(ordered).map(({ decision, supersededBy }) => [
    decision.id,
    ukDay(decision.decidedOn),
    decision.text,
    decision.rationale,
    decisionMakerLabel(decision.decidedBy, names),
    DECISION_OUTCOME_LABELS[decision.outcome],
    decision.related
      ? `${decision.related.kind === 'risk' ? 'Risk' : 'Alert'} ${decision.related.id}`
      : '',
    decision.sourceMessageLink ?? '',
    decision.sourceMessageAuthor ?? '',
    decision.loggedBy.name,
    formatUkDateTime(decision.loggedAt),
    decision.supersedes ?? '',
    supersededBy ?? '',
  ]);
  return toCsv(DECISION_LOG_HEADER, rows);
}

/** Column headers of the audit log export, in order. */
export const AUDIT_LOG_HEADER = [
  'When',
  'What',
  'Subject',
  'Before',
  'After',
  'By',
  'From',
  'Reference',
] as const;

/** The admins' audit log as CSV, newest first, times in UK time. */
export function auditLogCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [
    formatUkDateTime(e.at),
    AUDIT_ACTION_LABELS[e.action] ?? e.action,
    e.subject,
    e.before ?? '',
    e.after ?? '',
    e.actor.name || e.actor.id,
    e.actor.source,
    e.id,
  ]);
  return toCsv(AUDIT_LOG_HEADER, rows);
}

/** "ctac-risk-register-2026-11-28.csv": the UK date of the export, safe in a Content-Disposition header. */
export function registerCsvFileName(
  register: 'risk-register' | 'decision-log' | 'audit-log' | 'supplier-register',
  at: Date,
): string {
  return `ctac-${register}-${ukCalendarDate(at)}.csv`;
}

/** Column headers of the supplier register export, in order. */
export const SUPPLIER_REGISTER_HEADER = [
  'Supplier',
  'Supplies',
  'Organisations',
  'Criticality',
  'Contact for incidents',
  'DSPT status',
  'DSPT expiry',
  'ISO 27001 expiry',
  'Cyber Essentials Plus expiry',
  'Evidence link',
  'Next review',
  'Last changed',
  'Last changed by',
] as const;

/** The critical supplier register as CSV (issue 20), in the order given (most critical first). */
export function supplierRegisterCsv(
  suppliers: readonly Supplier[],
  options: RegisterCsvOptions = {},
): string {
  const names = options.organisationNames ?? {};
  const expiry = (s: Supplier, kind: EvidenceKind) => {
    const e = evidenceOf(s, kind);
    return e ? ukDay(e.expires) : '';
  };
  const rows = suppliers.map((s) => {
    const dspt = evidenceOf(s, 'dspt');
    return [
      s.name,
      s.supplies,
      s.orgCodes.map((code) => organisation(code, names)).join('\n'),
      CRITICALITY_LABELS[s.criticality],
      s.incidentContact,
      dspt?.status ? DSPT_LABELS[dspt.status] : '',
      expiry(s, 'dspt'),
      expiry(s, 'iso27001'),
      expiry(s, 'cyber-essentials-plus'),
      s.evidenceLink ?? '',
      ukDay(s.nextReview),
      formatUkDateTime(s.updatedAt),
      s.updatedBy.name,
    ];
  });
  return toCsv(SUPPLIER_REGISTER_HEADER, rows);
}
