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
