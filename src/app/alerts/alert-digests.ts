import type { MessageContent, PostedCallback, QueuedSend } from '../outbox';

/**
 * Storm digests: past the storm threshold, new alerts are lines on one channel post (a digest) instead
 * of a post each. Which alerts are in which digest is stored (src/store/alert-digest-repository.ts);
 * the digest's post is an outbox row under the digest's id.
 */
export interface AlertDigestRepository {
  /** Puts an alert in a storm digest (the digest's row id). */
  add(digestId: string, alertId: string, at: Date): Promise<void>;
  /** Puts several alerts in a digest at once, in that order (a few writes, not two each). */
  addMany(digestId: string, alertIds: readonly string[], at: Date): Promise<void>;
  /** The digest an alert is in, if any. */
  digestOf(alertId: string): Promise<string | undefined>;
  /** The alerts in a digest, in the order they joined. */
  alerts(digestId: string): Promise<string[]>;
}

/** Where an alert's card is in the channel: its own post, or a line on a digest. */
export type RecordPosted = (
  alertId: string,
  post: { conversationId: string; activityId: string; digest?: boolean },
) => Promise<void>;

/** Whether a storm digest's message lists the alert (each line's buttons carry its id). */
export const digestShows = (content: MessageContent, alertId: string): boolean =>
  JSON.stringify(content).includes(`"alertId":${JSON.stringify(alertId)}`);

/**
 * The outbox's "posted" callback for alerts: a single card records where its alert is; a digest
 * records it for every alert its delivered message shows (an alert can join a digest just before its
 * post goes out, with the line that shows it still to come: that one is recorded by the update).
 */
export function alertPostRecorder(
  digests: Pick<AlertDigestRepository, 'alerts'>,
  recordPosted: RecordPosted,
): PostedCallback {
  return async (post: QueuedSend, where) => {
    if (post.digest) {
      const content = post.message.kind === 'channelPost' ? post.message.content : undefined;
      for (const alertId of await digests.alerts(post.id))
        if (!content || digestShows(content, alertId))
          await recordPosted(alertId, { ...where, digest: true });
    } else if (post.alertId) await recordPosted(post.alertId, where);
  };
}
