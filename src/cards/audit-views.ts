import { AUDIT_ACTION_LABELS, type AuditEntry } from '../domain/audit/audit-entry';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';

/** `audit`: the latest admin changes, newest first, with where to get the whole log. */
export const auditLogCard = (entries: readonly AuditEntry[], shown: number): AdaptiveCard =>
  renderCard('audit-log', {
    heading: entries.length ? `Audit log: the latest ${entries.length}` : 'Audit log',
    intro: `Changes admins made to roles, organisations, the ICS cyber channel, risk appetite and bands, and escalation policies (UK time; at most ${shown} shown). Admins can export the whole log as CSV from the leads' tab.`,
    entries: entries.map((e) => ({
      what: AUDIT_ACTION_LABELS[e.action] ?? e.action,
      subject: e.subject,
      when: formatUkDateTime(new Date(e.at)),
      who: e.actor.name || e.actor.id,
      before: e.before ?? '',
      after: e.after ?? '',
    })),
  });
