import type { Actor } from '../shared/actor';
import { CtacError } from '../shared/errors';
import { normaliseIncomingAlert, type Alert, type IncomingAlert } from './alert';
import { appendEvent, type AlertChange } from './alert-outcome';
import { severityRank } from './severity';
import type { AlertContentField } from './timeline';

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
};

/**
 * Compares what the sender sent again with the alert. Returns 'unchanged' when nothing it said
 * differs (fields it left out, order of lists and white space do not count), else the alert with
 * the new content and an `updated` event naming the fields that changed. The state is kept, and so
 * is `publishedAt` (response deadlines run from the first publication), unless the alert was raised
 * in the chat, whose time is only when someone typed it: then the sender's publication time is taken. A version the sender sent
 * before the one last taken (`sentAt` older than the alert's `lastSentAt`) is 'unchanged' too: a
 * replayed older request never undoes a newer one.
 * Throws a `validation` CtacError for invalid content and a `conflict` CtacError if the incoming
 * alert is a different one (source or id differ): that is a caller's mistake, not a user's.
 */
export function applyUpdate(
  alert: Alert,
  incoming: IncomingAlert,
  actor: Actor,
  at: Date,
): 'unchanged' | AlertChange {
  const next = normaliseIncomingAlert(incoming);
  if (next.source !== alert.source || next.dedupKey !== alert.dedupKey)
    throw new CtacError(
      'conflict',
      `An update for ${next.source} ${next.dedupKey} cannot change alert ${alert.id} (${alert.source} ${alert.dedupKey}).`,
    );

  if (next.sentAt && alert.lastSentAt && next.sentAt < alert.lastSentAt) return 'unchanged';

  const changes: AlertContentField[] = [];
  const patch: Partial<Alert> = next.sentAt ? { lastSentAt: next.sentAt } : {};
  if (next.title !== alert.title) {
    changes.push('title');
    patch.title = next.title;
  }
  if (next.severity !== alert.severity) {
    changes.push('severity');
    patch.severity = next.severity;
    patch.severityRank = severityRank(next.severity);
  }
  if (next.summary !== undefined && next.summary !== alert.summary) {
    changes.push('summary');
    patch.summary = next.summary;
  }
  if (next.url !== undefined && next.url !== (alert.url ?? '')) {
    changes.push('url');
    patch.url = next.url;
  }
  const lists = [
    ['cves', next.cves, alert.cves],
    ['affectedProducts', next.affectedProducts, alert.affectedProducts],
    ['organisations', next.organisations, alert.organisations],
  ] as const;
  for (const [field, incomingList, current] of lists)
    if (incomingList !== undefined && !sameSet(incomingList, current)) {
      changes.push(field);
      patch[field] = incomingList;
    }
  if (next.remediation !== undefined && next.remediation !== (alert.remediation ?? '')) {
    changes.push('remediation');
    patch.remediation = next.remediation || undefined;
  }
  // An HSA raised from the chat before the NHS feed had it carries the time someone typed it: the
  // feed's publication time replaces it, so the organisations' clocks start at publication.
  const typedInChat = alert.raisedBy.source === 'teams' && alert.publishedAt === alert.raisedAt;
  if (typedInChat && next.publishedAt !== undefined && next.publishedAt !== alert.publishedAt) {
    changes.push('publishedAt');
    patch.publishedAt = next.publishedAt;
  }
  if (changes.length === 0) return 'unchanged';
  return appendEvent(
    alert,
    patch,
    changes.includes('severity')
      ? { kind: 'updated', changes, severityBefore: alert.severity }
      : { kind: 'updated', changes },
    actor,
    at,
  );
}
