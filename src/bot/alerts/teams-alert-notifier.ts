import type { Logger } from 'pino';
import {
  DigestJoinGathering,
  type AlertDigestRepository,
  type RecordPosted,
} from '../../app/alerts/alert-digests';
import type { TeamsPageOutcome } from '../../app/alerts/escalation-ports';
import type { AlertNotifier, AlertRepository } from '../../app/alerts/ports';
import type { ConversationRepository } from '../../app/ports';
import {
  alertCard,
  alertDigestCard,
  DIGEST_MAX_BYTES,
  digestFrameBytes,
  digestLineBytes,
  type HsaResponseView,
  type RegulatoryCardContext,
} from '../../cards/alerts';
import type { AdaptiveCard } from '../../cards/render';
import type { NoticeStyle } from '../../cards/views';
import {
  DEFAULT_STORM_THRESHOLD,
  digestLineChanged,
  postedAs,
  stormDecision,
  type Alert,
  type AlertSummary,
  type PageFailureReason,
  type StormThreshold,
} from '../../domain/alerts';
import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import {
  type MessageContent,
  type Mention,
  type OutboxTimers,
  type QueuedSend,
  type SendQueue,
} from '../../app/outbox';

export interface TeamsAlertNotifierDeps {
  queue: Pick<
    SendQueue,
    'enqueue' | 'newId' | 'get' | 'findPostForAlert' | 'recentPosts' | 'reviseQueued'
  > &
    Partial<Pick<SendQueue, 'drawsDigestsWhenSent'>> &
    Partial<Pick<SendQueue, 'onPosted' | 'onFailed'>>;
  /** Records what Teams answered for each tracked page (delivered, or failed and why). */
  pageOutcomes?: (outcome: TeamsPageOutcome) => Promise<void>;
  /** Which alerts are in which storm digest. */
  digests: AlertDigestRepository;
  conversations: ConversationRepository;
  /** Reads the alerts of a storm digest to render it. */
  alerts: Pick<AlertRepository, 'get'>;
  /** Records where an alert's card is, for an alert that joins a digest already in the channel. */
  recordPosted: RecordPosted;
  clock: Clock;
  /** Ends the gathering of digest joins and a digest's hold (real timers by default). */
  timers?: OutboxTimers;
  storm?: StormThreshold;
  /** For an HSA card: each organisation's response. */
  hsaLines?(alertId: string): Promise<HsaResponseView[]>;
  /** For the reporting clocks' lines and buttons on the card (issue 21). */
  regulatory?(alert: Alert): Promise<RegulatoryCardContext>;
  /** Names of the people on call now, primary first, for the card. */
  onCallNames(): Promise<string[]>;
  member(aadObjectId: string): Promise<Member | undefined>;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * How long a new digest's post waits in the outbox while alerts fill it (each joining alert changes
 * the waiting post): a storm costs about one channel message per full digest, rather than a post
 * and then an update for every few alerts that join it.
 */
export const DIGEST_HOLD_MS = 400;

/**
 * How long asks to the channel about a storm digest's alerts are gathered into one reply in its
 * thread: past the storm, so the replies do not take the channel's Teams limits from the digests.
 */
export const DIGEST_REPLY_GATHER_MS = 30_000;
/** The most alerts one gathered reply names. */
const REPLY_ALERTS_MAX = 60;

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

const cardContent = (card: AdaptiveCard, summary: string): MessageContent => ({ summary, card });

/** The outbox purpose of a tracked 1:1 page: its delivery, or why it failed, goes on the alert. */
export const ALERT_PAGE_PURPOSE = 'alert-page';

/** What a tracked page's outbox row says it is (its `subject`). */
interface PageSubject {
  alertId: string;
  memberId: string;
  name: string;
  escalationSeq: number;
  /** Whether a 1:1 chat with CTAC was saved when it was queued (a 404 then means different things). */
  hadChat: boolean;
}

/**
 * Why Teams did not take a page. A 404 where no chat was saved means Teams would not open one with
 * the stored id (they are not in the team), or CTAC had no id to open one with (no chat yet); with a
 * saved chat, that chat is gone.
 */
export function teamsPageFailure(
  failure: { statusCode?: number; detail: string },
  hadChat: boolean,
): PageFailureReason {
  switch (failure.statusCode) {
    case 429:
      return 'throttled';
    case 403:
      return 'forbidden';
    case 404:
      if (hadChat) return 'not-found';
      if (/Teams id is unknown/.test(failure.detail)) return 'no-chat';
      if (/not installed in a team/.test(failure.detail)) return 'error';
      return 'not-in-team';
    default:
      return 'error';
  }
}
/**
 * Alert cards to Teams through the persisted send queue: a new thread in the ICS cyber channel (the
 * ICS cyber channel, ConversationRepository.cyberChannel, as for risks and the rota), updates of that message in
 * place, thread replies and 1:1 pages. Each call returns once the message is queued durably.
 */
export class TeamsAlertNotifier implements AlertNotifier {
  /** Digest renders in flight, and the one re-run planned after each. */
  private readonly digestRuns = new Map<
    string,
    { running: Promise<void>; queued?: Promise<void> }
  >();

  /** By storm digest thread: asks to the channel gathered into one reply. */
  private readonly threadReplies = new Map<
    string,
    { asks: { alert: AlertSummary; text: string }[]; cancel: () => void }
  >();

  /** Storms by channel: decided in memory, so alerts arriving together never race to start digests. */
  private readonly storms = new Map<string, ChannelStorm>();
  /** Alerts whose line on a storm digest this instance is writing now, until it is written. */
  private readonly joining = new Map<string, Promise<void>>();

  private readonly timers: OutboxTimers;

  constructor(private readonly deps: TeamsAlertNotifierDeps) {
    this.timers = deps.timers ?? backgroundTimers;
    const record = deps.pageOutcomes;
    if (!record) return;
    deps.queue.onPosted?.(
      ALERT_PAGE_PURPOSE,
      (row) => record(pageOutcome(row, { kind: 'delivered' }, row.sentAt)),
      { evenWithoutMessageId: true },
    );
    deps.queue.onFailed?.(ALERT_PAGE_PURPOSE, (row, failure) =>
      record(
        pageOutcome(row, {
          kind: 'failed',
          reason: teamsPageFailure(failure, subjectOf(row).hadChat),
        }),
      ),
    );
  }

  /**
   * A new alert's card for the ICS cyber channel: its own card, or, past the storm threshold, a line
   * on the current digest card (a new digest once that one is full). The decision is made in memory
   * (one instance's alerts never race each other into two digests); the table is read once when a
   * storm starts, for alerts other instances or an earlier run posted.
   */
  async postToChannel(alert: Alert): Promise<void> {
    const channel = await this.alertChannel();
    if (!channel) {
      this.deps.logger.warn(
        { alertId: alert.id },
        'alerts: no ICS cyber channel saved yet; install the app in the team',
      );
      return;
    }
    const threshold = this.deps.storm ?? DEFAULT_STORM_THRESHOLD;
    const storm = this.stormIn(channel, threshold);
    await storm.loaded;
    // From here to the first await the decision is taken and recorded without interruption.
    const now = this.deps.clock.now();
    storm.arrivals = storm.arrivals.filter((at) => at > now.getTime() - threshold.windowMs);
    const decision = stormDecision(storm.arrivals, now, threshold);
    storm.arrivals.push(now.getTime());
    if (decision === 'post') {
      await this.deps.queue.enqueue(
        { kind: 'channelPost', channelId: channel, content: await this.content(alert) },
        { alertId: alert.id },
      );
      return;
    }
    // Written with the other alerts joining now; resolves once it is in a digest for good. A refresh
    // asked meanwhile (its first page, due at once) waits for it instead of looking the alert up.
    const joined = storm.joins.add(alert);
    this.joining.set(alert.id, joined);
    try {
      await joined;
    } finally {
      if (this.joining.get(alert.id) === joined) this.joining.delete(alert.id);
    }
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
          const card = await this.digestCard(digest.id);
          if (card) await this.queueDigestPost(channel, digest.id, card, now);
        } catch (e) {
          // Not queued: the next alert starts a digest afresh; the check for unposted alerts
          // queues this one.
          if (storm.digest === digest) storm.digest = undefined;
          throw e;
        }
        continue;
      }
      await this.refreshDigestCoalesced(digest.id);
      // One look at the digest's post for all that joined it.
      const post = await this.deps.queue.get(digest.id);
      for (const alert of members) await this.recordJoined(alert, digest.id, post);
    }
  }

  /** Writes the digest joins and queues the digest thread replies gathered so far now (tests, and before stopping). */
  async flushDigests(): Promise<void> {
    await Promise.all([...this.storms.values()].map((storm) => storm.joins.flush()));
    await Promise.all([...this.threadReplies.keys()].map((t) => this.sendGatheredReply(t)));
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

  async ensurePosted(alert: Alert): Promise<void> {
    if (postedAs(alert)) return;
    // Its own card is queued (or sent, and being recorded).
    if (await this.deps.queue.findPostForAlert(alert.id)) return;
    const digestId = await this.deps.digests.digestOf(alert.id);
    if (!digestId) {
      await this.postToChannel(alert);
      return;
    }
    if (!(await this.deps.queue.get(digestId))) {
      // In a digest whose card was never queued: queue it now, with every alert it holds.
      const [channel, card] = await Promise.all([this.alertChannel(), this.digestCard(digestId)]);
      if (!channel || !card) return;
      await this.queueDigestPost(channel, digestId, card);
      return;
    }
    // The digest is out or queued but may not show this alert yet.
    await this.refreshDigestCoalesced(digestId);
    await this.recordJoined(alert, digestId);
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
        this.timers,
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

  /** The digest's card as it stands, for its queued post about to be sent (the send queue's renderDigest). */
  async digestNow(digestId: string): Promise<MessageContent | undefined> {
    const card = await this.digestCard(digestId);
    return card && cardContent(card, 'Alert storm');
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

  async refreshCard(alert: Alert): Promise<void> {
    // Its line on a digest being written here: once written, its digest is known without a read.
    await this.joining.get(alert.id)?.catch(() => undefined);
    // A card posted on its own is not in a digest: no need to look it up.
    const digestId =
      postedAs(alert) === 'single' ? undefined : await this.deps.digests.digestOf(alert.id);
    if (digestId) {
      // Paging a storm's alerts changes nothing its line shows: no update for each. A change that
      // does shares one render with the others in flight.
      if (digestLineChanged(alert)) await this.refreshDigestCoalesced(digestId);
      return;
    }
    // The card itself is rendered when the update is sent (cardNow), from the alert as it stands then.
    if (alert.channelPost) {
      await this.deps.queue.enqueue({
        kind: 'refresh',
        conversationId: alert.channelPost.conversationId,
        activityId: alert.channelPost.activityId,
        alertId: alert.id,
      });
      return;
    }
    // Not posted yet: the update follows the queued post and edits it once it is out.
    const post = await this.deps.queue.findPostForAlert(alert.id);
    if (!post) return;
    await this.deps.queue.enqueue({
      kind: 'refresh',
      conversationId: post.conversationKey,
      afterPostId: post.id,
      alertId: alert.id,
    });
  }

  /**
   * The alert's card as it stands, for a refresh the send queue is about to send; undefined when the
   * alert is no longer stored.
   */
  async cardNow(alertId: string): Promise<MessageContent | undefined> {
    const stored = await this.deps.alerts.get(alertId);
    return stored && this.content(stored.alert);
  }

  async page(
    memberAadObjectId: string,
    alert: Alert,
    tracking?: { escalationSeq: number; name: string },
  ): Promise<void> {
    const message = {
      kind: 'personal' as const,
      aadObjectId: memberAadObjectId,
      content: await this.content(alert),
    };
    if (!tracking || !this.deps.pageOutcomes) {
      await this.deps.queue.enqueue(message);
      return;
    }
    const memberId = memberAadObjectId.toLowerCase();
    const subject: PageSubject = {
      alertId: alert.id,
      memberId,
      name: tracking.name,
      escalationSeq: tracking.escalationSeq,
      hadChat: !!(await this.deps.conversations.get('personal', memberId)),
    };
    await this.deps.queue.enqueue(message, {
      purpose: ALERT_PAGE_PURPOSE,
      subject: JSON.stringify(subject),
    });
  }

  async messageMember(memberAadObjectId: string, text: string): Promise<void> {
    await this.deps.queue.enqueue({
      kind: 'personal',
      aadObjectId: memberAadObjectId,
      content: { text: escapeText(text) },
    });
  }

  /**
   * A reply in the alert's thread. For an alert on a storm digest, whose thread is the digest's, the
   * asks for its alerts are gathered for DIGEST_REPLY_GATHER_MS and sent as one reply naming each
   * alert: a storm's every alert asking the channel would otherwise cost the channel a message each.
   */
  async replyInThread(alert: AlertSummary, text: string): Promise<void> {
    const thread = alert.channelPost?.conversationId;
    if (thread && (await this.deps.digests.digestOf(alert.id))) {
      const gathering = this.threadReplies.get(thread) ?? {
        asks: [],
        cancel: this.timers.after(DIGEST_REPLY_GATHER_MS, () => {
          this.sendGatheredReply(thread).catch((err) =>
            this.deps.logger.error({ err }, 'alerts: replying in a storm digest thread failed'),
          );
        }),
      };
      gathering.asks.push({ alert, text });
      this.threadReplies.set(thread, gathering);
      return;
    }
    await this.reply(alert, { text: escapeText(text) });
  }

  /** One reply in a digest's thread for the asks gathered there: each ask once, with its alerts. */
  private async sendGatheredReply(thread: string): Promise<void> {
    const gathering = this.threadReplies.get(thread);
    if (!gathering) return;
    this.threadReplies.delete(thread);
    gathering.cancel();
    const byText = new Map<string, AlertSummary[]>();
    for (const { alert, text } of gathering.asks)
      byText.set(text, [...(byText.get(text) ?? []), alert]);
    const body = [...byText]
      .map(([text, alerts]) => {
        const named = alerts
          .slice(0, REPLY_ALERTS_MAX)
          .map((a) => `- ${escapeText(a.id)}: ${escapeText(clipText(a.title, 80))}`);
        if (alerts.length > REPLY_ALERTS_MAX)
          named.push(`- and ${alerts.length - REPLY_ALERTS_MAX} more`);
        return [escapeText(text), ...named].join('\n');
      })
      .join('\n\n');
    await this.reply(gathering.asks[0]!.alert, { text: body });
  }

  async replyInThreadMentioning(
    alert: AlertSummary,
    text: string,
    memberAadObjectIds: string[],
  ): Promise<void> {
    const people = (await Promise.all(memberAadObjectIds.map((id) => this.deps.member(id)))).filter(
      (m): m is Member => !!m,
    );
    const mentions: Mention[] = people.map((m) => ({
      text: `<at>${escapeText(m.name)}</at>`,
      id: m.teamsUserId ?? m.aadObjectId,
      name: m.name,
    }));
    const body = [escapeText(text), mentions.map((m) => m.text).join(' ')]
      .filter(Boolean)
      .join(' ');
    await this.reply(alert, { text: body, mentions });
  }

  private async reply(alert: AlertSummary, content: MessageContent): Promise<void> {
    if (!alert.channelPost) {
      this.deps.logger.warn({ alertId: alert.id }, 'alerts: no card in the channel to reply under');
      return;
    }
    await this.deps.queue.enqueue({
      kind: 'threadReply',
      conversationId: alert.channelPost.conversationId,
      content,
    });
  }

  private async content(alert: Alert): Promise<MessageContent> {
    const onCall = await this.deps.onCallNames().catch((err) => {
      this.deps.logger.error({ err }, 'alerts: could not find who is on call');
      return [];
    });
    const responses =
      alert.source === 'hsa' && this.deps.hsaLines
        ? await this.deps.hsaLines(alert.id).catch((err) => {
            this.deps.logger.error({ err }, 'alerts: could not read the HSA responses');
            return [];
          })
        : undefined;
    const regulatory = await this.deps.regulatory?.(alert).catch((err) => {
      this.deps.logger.error({ err }, 'alerts: could not read the operators of essential services');
      return undefined;
    });
    return cardContent(
      alertCard(alert, { onCall, responses, ...(regulatory && { regulatory }) }),
      `${alert.severity}: ${alert.title}`,
    );
  }

  private async alertChannel(): Promise<string | undefined> {
    return (await this.deps.conversations.cyberChannel())?.id;
  }
}

/** Real timers that do not keep the process alive (a gathering is not worth waiting 30 s to exit). */
const backgroundTimers: OutboxTimers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

const clipText = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;

/** Plain text in a Teams message: markup characters are shown, not interpreted. */
const escapeText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const subjectOf = (row: QueuedSend): PageSubject => JSON.parse(row.subject ?? '{}') as PageSubject;

function pageOutcome(
  row: QueuedSend,
  result: TeamsPageOutcome['result'],
  at?: string,
): TeamsPageOutcome {
  const s = subjectOf(row);
  return {
    alertId: s.alertId,
    person: { id: s.memberId, name: s.name },
    escalationSeq: s.escalationSeq,
    result,
    // A failure is recorded as of when it is known.
    ...(at ? { at: new Date(at) } : {}),
  };
}
