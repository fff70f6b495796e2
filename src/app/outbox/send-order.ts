import type { QueuedSend } from './ports';

/*
 * The order a conversation's queued rows go in (issue 18): the queue's order, bent so that a storm's new
 * alerts reach the channel first, while Teams' Retry-After still holds the whole conversation.
 */

/**
 * A conversation's rows in the order they go: queue order, except that among the rows due now (those
 * before the first that must wait: a throttled row holds up everything behind it) new channel posts go
 * before the card updates and thread replies queued ahead of them. Under Teams' limits (8 messages in
 * 2 seconds a conversation) a storm's new alerts and digests then reach the channel before the edits of
 * cards already there (paging lines, "Nobody on call has acknowledged" replies). Posts keep their order,
 * and an update never goes before the post it edits (it waits for that post's message id).
 */
export function newPostsFirst(rows: QueuedSend[], now: Date): QueuedSend[] {
  const firstWaiting = rows.findIndex((row) => Date.parse(row.notBefore) > now.getTime());
  const due = firstWaiting < 0 ? rows : rows.slice(0, firstWaiting);
  const posts = due.filter((row) => row.message.kind === 'channelPost');
  if (!posts.length || posts.length === due.length) return rows;
  return [
    ...posts,
    ...due.filter((row) => row.message.kind !== 'channelPost'),
    ...rows.slice(due.length),
  ];
}

/** The longest a card update or reply waits for a storm digest about to go (heldForDigest). */
export const DIGEST_PRECEDENCE_MAX_MS = 5_000;
/** How soon a held digest must be due for the rows behind it to leave it Teams' next sends. */
const DIGEST_DUE_WITHIN_MS = 1_000;

/**
 * Until when a card update, refresh or thread reply (not a new post) waits because a storm digest is
 * held in the queue and due within DIGEST_DUE_WITHIN_MS (filling with the alerts joining it): under
 * Teams' limits of 8 messages in 2 seconds a conversation, a storm keeps its channel at the limit, so
 * each edit sent while a digest fills is a digest sent a quarter of a second later, and the last
 * alerts of a storm reach the channel that much later. An edit waits at most DIGEST_PRECEDENCE_MAX_MS
 * after it was queued, so a long storm never holds back someone's acknowledgement for long.
 */
export function heldForDigest(rows: QueuedSend[], row: QueuedSend, now: Date): Date | undefined {
  if (row.message.kind === 'channelPost') return undefined;
  const latest = Date.parse(row.enqueuedAt) + DIGEST_PRECEDENCE_MAX_MS;
  if (latest <= now.getTime()) return undefined;
  const digestDue = Math.min(
    ...rows
      .filter((other) => other.digest && other.message.kind === 'channelPost')
      .map((other) => Date.parse(other.notBefore))
      .filter((due) => due > now.getTime() && due - now.getTime() <= DIGEST_DUE_WITHIN_MS),
  );
  return Number.isFinite(digestDue) ? new Date(Math.min(digestDue, latest)) : undefined;
}

/**
 * Until when Teams throttled this conversation (the latest Retry-After of its throttled rows), if that is
 * still ahead: nothing goes to it before then, whatever was queued before the throttled row (a new post
 * may have gone ahead of older rows).
 */
export function throttledUntil(rows: QueuedSend[], now: Date): Date | undefined {
  const until = Math.max(
    ...rows.filter((row) => row.state === 'throttled').map((row) => Date.parse(row.notBefore)),
  );
  return until > now.getTime() ? new Date(until) : undefined;
}
