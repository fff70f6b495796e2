import type { Actor } from '../shared/actor';

/** The admin actions CTAC keeps a record of: who changed what, from what, to what, and when. */
export type AuditAction =
  | 'member.added'
  | 'member.changed'
  | 'member.removed'
  | 'organisation.added'
  | 'organisation.changed'
  | 'organisation.removed'
  | 'organisation.essential'
  | 'regulatory.flagged'
  | 'regulatory.reported'
  | 'channel.chosen'
  | 'risk.appetite'
  | 'risk.bands'
  | 'alert.policy'
  | 'alert.on-call-list'
  | 'retention.deleted';

/** How each action reads on the audit card and in the export. */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'member.added': 'Member added',
  'member.changed': 'Member changed',
  'member.removed': 'Member removed',
  'organisation.added': 'Organisation added',
  'organisation.changed': 'Organisation changed',
  'organisation.removed': 'Organisation removed',
  'organisation.essential': 'Operator of essential services mark changed',
  'regulatory.flagged': 'Reporting clock started (NIS or data breach)',
  'regulatory.reported': 'Reported to the authority (NIS or data breach)',
  'channel.chosen': 'ICS cyber channel chosen',
  'risk.appetite': 'Risk appetite changed',
  'risk.bands': 'Risk bands changed',
  'alert.policy': 'Escalation policy changed',
  'alert.on-call-list': 'Interim on-call list changed',
  'retention.deleted': 'Old records deleted',
};

/** One admin action: `before` and `after` are short plain-text descriptions, absent where nothing was there. */
export interface AuditEntry {
  id: string;
  at: string;
  action: AuditAction;
  actor: Actor;
  /** What was changed, in words: "Ben Okafor", "ESCC", "Escalation policy: high". */
  subject: string;
  before?: string;
  after?: string;
}

/** Longest description kept for `before` or `after`; an audit row is a record, not a copy of the data. */
export const MAX_AUDIT_TEXT = 2_000;

/** Builds an entry, trimming long descriptions so a row always fits in Table Storage. */
export function auditEntry(
  fields: Omit<AuditEntry, 'before' | 'after'> & { before?: string; after?: string },
): AuditEntry {
  const clip = (s: string | undefined) =>
    s === undefined
      ? undefined
      : s.length > MAX_AUDIT_TEXT
        ? `${s.slice(0, MAX_AUDIT_TEXT - 1)}…`
        : s;
  const entry: AuditEntry = {
    id: fields.id,
    at: fields.at,
    action: fields.action,
    actor: fields.actor,
    subject: fields.subject,
  };
  const before = clip(fields.before);
  const after = clip(fields.after);
  if (before !== undefined) entry.before = before;
  if (after !== undefined) entry.after = after;
  return entry;
}
