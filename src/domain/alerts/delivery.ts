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

/** Records that people were sent the card 1:1 for an escalation step. */
export function recordPaged(
  alert: Alert,
  page: { stepIndex: number; recipients: { id: string; name: string }[] },
  actor: Actor,
  at: Date,
): AlertChange {
  return appendEvent(
    alert,
    {},
    {
      kind: 'paged',
      stepIndex: page.stepIndex,
      recipients: page.recipients.map(({ id, name }) => ({ id, name })),
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
