import type { Logger } from 'pino';
import {
  DigestJoinGathering,
  type AlertDigestRepository,
  type DigestDraws,
  type RecordPosted,
} from '../../app/alerts/alert-digests';
import type { AlertRepository, StoredAlert } from '../../app/alerts/ports';
import {
  alertDigestCard,
  DIGEST_MAX_BYTES,
  digestFrameBytes,
  digestLineBytes,
} from '../../cards/alert-digest-card';
import type { AdaptiveCard } from '../../cards/render';
import type { NoticeStyle } from '../../cards/views';
import {
  DEFAULT_STORM_THRESHOLD,
  digestLineChanged,
  postedAs,
  stormDecision,
  type Alert,
  type AlertSummary,
  type StormThreshold,
} from '../../domain/alerts';
import type { Clock } from '../../domain/shared/clock';
import type { MessageContent, OutboxTimers, QueuedSend, SendQueue } from '../../app/outbox';

export interface StormDigestsDeps {
  queue: Pick<SendQueue, 'enqueue' | 'newId' | 'get' | 'recentPosts' | 'reviseQueued'> &
    Partial<Pick<SendQueue, 'drawsDigestsWhenSent'>>;
  /** Which alerts are in which storm digest. */
  digests: AlertDigestRepository;
  /**
   * Reads the alerts of a storm digest to render it; a post about to be sent is drawn from the
   * copies this process holds (`recent`), checked when each alert's post is recorded.
   */
  alerts: Pick<AlertRepository, 'get' | 'recent'>;
  /** Records where an alert's card is, for an alert that joins a digest already in the channel. */
  recordPosted: RecordPosted;
  clock: Clock;
  /** Ends the gathering of digest joins and a digest's hold. */
  timers: OutboxTimers;
  storm?: StormThreshold;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * How long a new digest's post waits in the outbox while alerts fill it (each joining alert changes
 * the waiting post): a storm costs about one channel message per full digest, rather than a post
 * and then an update for every few alerts that join it.
 */
export const DIGEST_HOLD_MS = 400;

/** Digests whose post's drawing is kept until its alerts are recorded (a storm's few at once). */
const DRAWS_KEPT = 64;

/** A storm digest this instance fills. */
interface OpenDigest {
  id: string;
  /** Its card's bytes so far, with room for each line to grow (digestLineBytes). */
  bytes: number;
}

/** What this instance knows of the storm in one channel. */
interface ChannelStorm {
  /** When this channel's recent new alerts arrived (single cards and digest lines). */
  arrivals: number[];
  /** The digest alerts join now, until the next one does not fit or the storm passes. */
  digest?: OpenDigest;
  /** Alerts joining digests, written together. */
  joins: DigestJoinGathering<Alert>;
  /** The first look at the table (alerts posted before this instance heard of the storm). */
  loaded: Promise<void>;
  startedAt: number;
}

/** A channel message of an adaptive card, with the summary Teams shows in notifications. */
export const cardContent = (card: AdaptiveCard, summary: string): MessageContent => ({
  summary,
  card,
});

/**
 * Storm digests (issue 18): past the storm threshold, a channel's new alerts go as lines on a digest
 * card rather than a card each, within Teams' limits and its message size, every alert on exactly one
 * digest and acknowledgeable from it. The storm is decided in memory per channel, so one instance's
 * alerts never race each other into two digests; the table is read once when a storm starts, for
 * alerts other instances or an earlier run posted. TeamsAlertNotifier asks it where each alert goes.
 */
export class StormDigests implements DigestDraws {
  /** Digest renders in flight, and the one re-run planned after each. */
  private readonly digestRuns = new Map<
    string,
    { running: Promise<void>; queued?: Promise<void> }
  >();
  /** Storms by channel: decided in memory, so alerts arriving together never race to start digests. */
  private readonly storms = new Map<string, ChannelStorm>();
  /** Alerts whose line on a storm digest this instance is writing now, until it is written. */
  private readonly joining = new Map<string, Promise<void>>();
  /** The copies of its alerts each digest's post was last drawn from here, until they are recorded. */
  private readonly draws = new Map<string, Map<string, StoredAlert>>();

  constructor(private readonly deps: StormDigestsDeps) {}

  /**
   * Where a new alert goes in the channel: `post` (its own card, which the caller queues) or, past
   * the storm threshold, `joined` once it is a line on the current digest (a new digest once that one
   * is full).
   */
  async place(channel: string, alert: Alert): Promise<'post' | 'joined'> {
    const threshold = this.deps.storm ?? DEFAULT_STORM_THRESHOLD;
    const storm = this.stormIn(channel, threshold);
    await storm.loaded;
    // From here to the first await the decision is taken and recorded without interruption.
    const now = this.deps.clock.now();
    storm.arrivals = storm.arrivals.filter((at) => at > now.getTime() - threshold.windowMs);
    const decision = stormDecision(storm.arrivals, now, threshold);
    storm.arrivals.push(now.getTime());
    if (decision === 'post') return 'post';
    // Written with the other alerts joining now; resolves once it is in a digest for good. A refresh
    // asked meanwhile (its first page, due at once) waits for it instead of looking the alert up.
    const joined = storm.joins.add(alert);
    this.joining.set(alert.id, joined);
    try {
      await joined;
    } finally {
      if (this.joining.get(alert.id) === joined) this.joining.delete(alert.id);
    }
    return 'joined';
  }

  /**
   * Puts alerts that arrived together into digests (the current one while they fit, then new ones):
   * one batch of writes per digest, then one message: a new digest's post, held DIGEST_HOLD_MS in
   * the outbox, or one re-render of a digest already queued or out for all that joined it.
   */
  private async writeJoins(channel: string, storm: ChannelStorm, alerts: Alert[]): Promise<void> {
    const joined = new Map<OpenDigest, Alert[]>();
    const opened = new Set<OpenDigest>();
    for (const alert of alerts) {
      let digest = storm.digest;
      // Measured once for the digest it joins (a new one only when a line does not fit).
      let line = digest && digestLineBytes(digest.id, alert);
      if (!digest || line === undefined || digest.bytes + line > DIGEST_MAX_BYTES) {
        const id = this.deps.queue.newId();
        digest = { id, bytes: digestFrameBytes(id) };
        opened.add(digest);
        storm.digest = digest;
        line = digestLineBytes(digest.id, alert);
      }
      digest.bytes += line;
      joined.set(digest, [...(joined.get(digest) ?? []), alert]);
    }
    const now = this.deps.clock.now();
    for (const [digest, members] of joined) {
      await this.deps.digests.addMany(
        digest.id,
        members.map((a) => a.id),
        now,
      );
      if (opened.has(digest)) {
        try {
          // A new digest holds just these alerts; drawn afresh when sent, it needs no read now.
          const card = this.deps.queue.drawsDigestsWhenSent
            ? alertDigestCard(digest.id, members)
            : await this.digestCard(digest.id);
          if (card) await this.queueDigestPost(channel, digest.id, card, now);
        } catch (e) {
          // Not queued: the next alert starts a digest afresh; the check for unposted alerts
          // queues this one.
          if (storm.digest === digest) storm.digest = undefined;
          throw e;
        }
        continue;
      }
      // One look at the digest's post for all that joined it. Still waiting to go out and drawn
      // afresh from its alerts when sent: it shows these then, and its callback records them.
      const waiting = await this.deps.queue.get(digest.id);
      if (waiting?.state === 'queued' && this.deps.queue.drawsDigestsWhenSent) continue;
      await this.refreshDigestCoalesced(digest.id);
      const post = await this.deps.queue.get(digest.id);
      for (const alert of members) await this.recordJoined(alert, digest.id, post);
    }
  }

  /** Writes the digest joins gathered so far now (tests, and before stopping). */
  async flush(): Promise<void> {
    await Promise.all([...this.storms.values()].map((storm) => storm.joins.flush()));
  }

  /** Queues a digest's card as a new post in the channel, under the digest's own id. */
  private async queueDigestPost(
    channel: string,
    digestId: string,
    card: AdaptiveCard,
    /** A new digest: its post waits DIGEST_HOLD_MS from then while alerts fill it. */
    openedAt?: Date,
  ) {
    await this.deps.queue.enqueue(
      { kind: 'channelPost', channelId: channel, content: cardContent(card, 'Alert storm') },
      {
        digest: true,
        id: digestId,
        ...(openedAt ? { notBefore: new Date(openedAt.getTime() + DIGEST_HOLD_MS) } : {}),
      },
    );
  }

  /** Joined a digest already in the channel: its "posted" callback has run, so record it here. */
  private async recordJoined(
    alert: Alert,
    digestId: string,
    /** The digest's post, read just now (read here when not given). */
    post?: QueuedSend,
  ): Promise<void> {
    const latest = post ?? (await this.deps.queue.get(digestId));
    if (latest?.state === 'sent' && !latest.callbackPending && latest.delivered?.activityId)
      await this.deps.recordPosted(alert.id, {
        conversationId: latest.delivered.conversationId,
        activityId: latest.delivered.activityId,
        digest: true,
      });
  }

  /**
   * Makes sure an alert in a digest is shown: its digest's post queued (with every alert it holds)
   * or re-rendered. False when the alert is in no digest.
   */
  async ensureShown(alert: Alert, channel: () => Promise<string | undefined>): Promise<boolean> {
    const digestId = await this.deps.digests.digestOf(alert.id);
    if (!digestId) return false;
    if (!(await this.deps.queue.get(digestId))) {
      // In a digest whose card was never queued: queue it now, with every alert it holds.
      const [where, card] = await Promise.all([channel(), this.digestCard(digestId)]);
      if (!where || !card) return true;
      await this.queueDigestPost(where, digestId, card);
      return true;
    }
    // The digest is out or queued but may not show this alert yet.
    await this.refreshDigestCoalesced(digestId);
    await this.recordJoined(alert, digestId);
    return true;
  }

  /**
   * Shows an alert's change on its digest, when it is on one (after its line, if being written here,
   * is written). False when the alert is not on a digest: its own card is the caller's to update.
   */
  async refreshFor(alert: Alert): Promise<boolean> {
    const digestId = await this.digestOf(alert);
    if (!digestId) return false;
    // Paging a storm's alerts changes nothing its line shows: no update for each. A change that
    // does shares one render with the others in flight.
    if (digestLineChanged(alert)) await this.refreshDigestCoalesced(digestId);
    return true;
  }

  /** The storm digest the alert is a line on; undefined when it has a card of its own (or none yet). */
  async digestOf(alert: AlertSummary | Alert): Promise<string | undefined> {
    // Its line on a digest being written here: once written, its digest is known without a read.
    await this.joining.get(alert.id)?.catch(() => undefined);
    // A card posted on its own is not in a digest: no need to look it up.
    if ('timeline' in alert && postedAs(alert) === 'single') return undefined;
    return this.deps.digests.digestOf(alert.id);
  }

  /**
   * This instance's view of the storm in a channel, started afresh (from the table) once the last storm
   * has passed.
   */
  private stormIn(channel: string, threshold: StormThreshold): ChannelStorm {
    const now = this.deps.clock.now().getTime();
    const known = this.storms.get(channel);
    const from = now - threshold.windowMs;
    if (known && (known.startedAt > from || known.arrivals.some((at) => at > from))) return known;
    const storm: ChannelStorm = {
      arrivals: [],
      loaded: Promise.resolve(),
      startedAt: now,
      joins: new DigestJoinGathering<Alert>(
        (alerts) => this.writeJoins(channel, storm, alerts),
        this.deps.timers,
      ),
    };
    storm.loaded = this.loadStorm(channel, storm, new Date(now - threshold.windowMs)).catch(
      (err) => {
        // Decide on what this instance knows; the table is looked at again next storm.
        this.deps.logger.warn({ err }, 'alerts: could not read the channel’s recent posts');
      },
    );
    this.storms.set(channel, storm);
    return storm;
  }

  /**
   * Alerts posted to the channel within the window before this instance heard of the storm: they
   * count towards it, but a digest found there is not joined (its fill is known only to whoever
   * filled it), so this instance's digest alerts start one of its own.
   */
  private async loadStorm(channel: string, storm: ChannelStorm, since: Date): Promise<void> {
    const recent = await this.deps.queue.recentPosts(channel, since);
    const arrivals: number[] = [];
    for (const row of recent) {
      const at = Date.parse(row.enqueuedAt);
      if (row.digest) {
        const size = (await this.deps.digests.alerts(row.id)).length;
        arrivals.push(...Array.from({ length: size }, () => at));
      }
      // Other channel posts (rota handovers...) are not alerts and do not make a storm.
      else if (row.alertId) arrivals.push(at);
    }
    storm.arrivals.unshift(...arrivals);
  }

  /** The digest card as it stands, with a message on top for the person who pressed a button. */
  async digestCard(
    digestId: string,
    notice?: { text: string; style: NoticeStyle },
  ): Promise<AdaptiveCard | undefined> {
    const ids = await this.deps.digests.alerts(digestId);
    if (!ids.length) return undefined;
    const alerts = (await Promise.all(ids.map((id) => this.deps.alerts.get(id)))).flatMap((s) =>
      s ? [s.alert] : [],
    );
    return alertDigestCard(digestId, alerts, notice);
  }

  /**
   * Re-renders a digest, at most one render in flight per digest: alerts joining while one runs share
   * the single re-run after it (which includes them all), so a storm of n alerts costs a few renders
   * rather than n, each reading every alert in the digest. Resolves once a render that includes the
   * caller's alert has queued its update.
   */
  private refreshDigestCoalesced(digestId: string): Promise<void> {
    const state = this.digestRuns.get(digestId);
    if (!state) return this.startDigestRun(digestId);
    state.queued ??= state.running.catch(() => undefined).then(() => this.startDigestRun(digestId));
    return state.queued;
  }

  private startDigestRun(digestId: string): Promise<void> {
    const running: Promise<void> = this.refreshDigest(digestId).finally(() => {
      if (this.digestRuns.get(digestId)?.running === running) this.digestRuns.delete(digestId);
    });
    this.digestRuns.set(digestId, { running });
    return running;
  }

  /**
   * The digest's card for its queued post about to be sent (the send queue's renderDigest), drawn
   * from the copies of its alerts this process wrote or read last (the storm's alerts were made here
   * moments ago) rather than a read of each. A copy may miss another instance's change: recording
   * where each alert was posted is conditional on the copy drawn (`drawnFrom`), and a digest with a
   * line changed since is drawn again (`recorded`).
   */
  async digestNow(digestId: string): Promise<MessageContent | undefined> {
    const ids = await this.deps.digests.alerts(digestId);
    if (!ids.length) return undefined;
    const drawn = await Promise.all(
      ids.map((id) => this.deps.alerts.recent?.(id) ?? this.deps.alerts.get(id)),
    );
    const found = drawn.flatMap((s) => (s ? [s] : []));
    this.draws.delete(digestId);
    this.draws.set(digestId, new Map(found.map((s) => [s.alert.id, s])));
    if (this.draws.size > DRAWS_KEPT) this.draws.delete(this.draws.keys().next().value!);
    return cardContent(
      alertDigestCard(
        digestId,
        found.map((s) => s.alert),
      ),
      'Alert storm',
    );
  }

  drawnFrom(digestId: string, alertId: string): StoredAlert | undefined {
    return this.draws.get(digestId)?.get(alertId);
  }

  async recorded(digestId: string, moved: { drawn: Alert; latest: Alert }[]): Promise<void> {
    const drawnHere = this.draws.delete(digestId);
    // Drawn by another instance (its "posted" callback run here after a restart): nothing proves
    // its lines, so it is drawn again from the alerts as stored.
    const unproven = !drawnHere && !!this.deps.queue.drawsDigestsWhenSent;
    const lineOf = (alert: Alert) => JSON.stringify(alertDigestCard(digestId, [alert]));
    if (unproven || moved.some(({ drawn, latest }) => lineOf(drawn) !== lineOf(latest)))
      await this.refreshDigestCoalesced(digestId);
  }

  /** Re-renders a digest for everyone: an update of its message, after the post if still queued. */
  private async refreshDigest(digestId: string): Promise<void> {
    const row = await this.deps.queue.get(digestId);
    if (!row) return;
    // Still waiting to go out, and drawn afresh from its alerts when it goes: the alert that changed
    // (or just joined, and is in the table already) is shown then, with no revision now.
    if (row.state === 'queued' && this.deps.queue.drawsDigestsWhenSent) return;
    const card = await this.digestCard(digestId);
    if (!card) return;
    const content = cardContent(card, 'Alert storm');
    // Still waiting to go out (a storm's digests queue behind Teams' limits): send the latest
    // content with the post itself rather than an update after it.
    if (row.state === 'queued' && (await this.deps.queue.reviseQueued(row, content))) return;
    if (row.delivered?.activityId)
      await this.deps.queue.enqueue({
        kind: 'update',
        conversationId: row.delivered.conversationId,
        activityId: row.delivered.activityId,
        content,
      });
    else
      await this.deps.queue.enqueue({
        kind: 'update',
        conversationId: row.conversationKey,
        afterPostId: row.id,
        content,
      });
  }
}
