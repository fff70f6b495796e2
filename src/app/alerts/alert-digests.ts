import type { Alert } from '../../domain/alerts';
import type { MessageContent, OutboxTimers, PostedCallback, QueuedSend } from '../outbox';
import type { StoredAlert } from './ports';

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

/**
 * Where an alert's card is in the channel: its own post, or a line on a digest. `drawn`: the copy of
 * the alert the card was drawn from, tried first; the answer says whether the write went on it.
 */
export type RecordPosted = (
  alertId: string,
  post: { conversationId: string; activityId: string; digest?: boolean },
  drawn?: StoredAlert,
) => Promise<{ alert: Alert; drawnCurrent: boolean } | void>;

/**
 * Storm digests drawn from the copies of their alerts this process holds when their post is sent
 * (StormDigests), rather than a read of each: the write recording where each alert was posted is
 * conditional on the copy its line was drawn from, so it proves the line or shows it may be out of
 * date.
 */
export interface DigestDraws {
  /** The copy of an alert the digest's post drew its line from, when it was drawn here. */
  drawnFrom(digestId: string, alertId: string): StoredAlert | undefined;
  /**
   * Once every alert the post shows is recorded: `moved` holds those changed after they were drawn,
   * as drawn and as now; a digest whose lines may be out of date is drawn again for everyone.
   */
  recorded(digestId: string, moved: { drawn: Alert; latest: Alert }[]): Promise<void>;
}

/**
 * Which of these alerts a storm digest's message lists (each line's buttons carry its id): the
 * message is written out once for all of them, not once an alert.
 */
export const digestShows = (content: MessageContent, alertIds: readonly string[]): string[] => {
  const json = JSON.stringify(content);
  return alertIds.filter((alertId) => json.includes(`"alertId":${JSON.stringify(alertId)}`));
};

/** Alerts recorded at once when a digest goes out (each is a read and a conditional write). */
const RECORD_CONCURRENCY = 8;

/**
 * The outbox's "posted" callback for alerts: a single card records where its alert is; a digest
 * records it for every alert its delivered message shows (an alert can join a digest just before its
 * post goes out, with the line that shows it still to come: that one is recorded by the update),
 * a few at a time, as the channel's next message waits for it.
 */
export function alertPostRecorder(
  digests: Pick<AlertDigestRepository, 'alerts'>,
  recordPosted: RecordPosted,
  draws?: DigestDraws,
): PostedCallback {
  return async (post: QueuedSend, where) => {
    if (post.digest) {
      const content = post.message.kind === 'channelPost' ? post.message.content : undefined;
      const inDigest = await digests.alerts(post.id);
      const shown = content ? digestShows(content, inDigest) : inDigest;
      const moved: { drawn: Alert; latest: Alert }[] = [];
      const record = async () => {
        for (let alertId = shown.shift(); alertId; alertId = shown.shift()) {
          const drawn = draws?.drawnFrom(post.id, alertId);
          const recorded = await recordPosted(alertId, { ...where, digest: true }, drawn);
          if (drawn && recorded && !recorded.drawnCurrent)
            moved.push({ drawn: drawn.alert, latest: recorded.alert });
        }
      };
      await Promise.all(Array.from({ length: RECORD_CONCURRENCY }, record));
      await draws?.recorded(post.id, moved);
    } else if (post.alertId) await recordPosted(post.alertId, where);
  };
}

/** How long the first alert to join a digest waits for others, so they are written together. */
export const DIGEST_JOIN_GATHER_MS = 50;

/**
 * Alerts joining a channel's storm digests, gathered and written together (src/bot/alerts: one
 * batch of membership writes, one render and one queued message per digest): the first waits
 * DIGEST_JOIN_GATHER_MS for others, and those arriving while a batch is written go in the next.
 * Each caller's promise settles once its batch is written.
 */
export class DigestJoinGathering<T> {
  private waiting: { item: T; resolve(): void; reject(e: unknown): void }[] = [];
  private cancel?: () => void;
  private running?: Promise<void>;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly timers: OutboxTimers,
    private readonly gatherMs = DIGEST_JOIN_GATHER_MS,
  ) {}

  add(item: T): Promise<void> {
    const written = new Promise<void>((resolve, reject) =>
      this.waiting.push({ item, resolve, reject }),
    );
    if (!this.running && !this.cancel)
      this.cancel = this.timers.after(this.gatherMs, () => {
        this.cancel = undefined;
        void this.run();
      });
    return written;
  }

  /** Writes what is waiting now rather than when its gathering ends (tests, shutdown). */
  flush(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    return this.run();
  }

  private run(): Promise<void> {
    this.running ??= (async () => {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0);
        try {
          await this.write(batch.map((w) => w.item));
          for (const w of batch) w.resolve();
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    })().finally(() => {
      this.running = undefined;
      // One added after the last batch was taken, before this ran, has no timer of its own.
      if (this.waiting.length) void this.run();
    });
    return this.running;
  }
}
