import type { Actor } from '../shared/actor';
import type { Alert, ChannelPost } from './alert';
import { appendEvent, type AlertChange } from './alert-outcome';

/**
 * Records that the alert's card is in the channel (on its own, or in a storm digest), so later
 * actions update that message in place. Always recorded: it is a fact, whatever the state.
 */
export function recordPosted(
  alert: Alert,
  post: ChannelPost & { digest?: boolean },
  actor: Actor,
  at: Date,
): AlertChange {
  const { conversationId, activityId } = post;
  return appendEvent(
    alert,
    { channelPost: { conversationId, activityId } },
    { kind: 'posted', conversationId, activityId, digest: post.digest ?? false },
    actor,
    at,
  );
}

/**
 * Records that people's Teams pages (the card, 1:1) were queued for an escalation step, with when a
 * text follows and whether an email copy goes, for each who wants them. Delivery is recorded later
 * (page-delivery.ts).
 */
export function recordPaged(
  alert: Alert,
  page: {
    stepIndex: number;
    escalationSeq?: number;
    recipients: { id: string; name: string; textAt?: Date; emailCopy?: boolean }[];
  },
  actor: Actor,
  at: Date,
): AlertChange {
  return appendEvent(
    alert,
    {},
    {
      kind: 'paged',
      stepIndex: page.stepIndex,
      ...(page.escalationSeq === undefined ? {} : { escalationSeq: page.escalationSeq }),
      recipients: page.recipients.map(({ id, name, textAt, emailCopy }) => ({
        id,
        name,
        ...(textAt ? { textAt: textAt.toISOString() } : {}),
        ...(emailCopy ? { emailCopy: true as const } : {}),
      })),
    },
    actor,
    at,
  );
}

/**
 * Where the alert's card was last posted: 'single' (its own message), 'digest' (a line on a storm
 * digest), or undefined while it has not been posted yet.
 */
export function postedAs(alert: Alert): 'single' | 'digest' | undefined {
  for (let i = alert.timeline.length - 1; i >= 0; i--) {
    const event = alert.timeline[i]!;
    if (event.kind === 'posted') return event.digest ? 'digest' : 'single';
  }
  return undefined;
}
