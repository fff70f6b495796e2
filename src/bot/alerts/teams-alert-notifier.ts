import type { Logger } from 'pino';
import type {
  AlertDigestRepository,
  DigestDraws,
  RecordPosted,
} from '../../app/alerts/alert-digests';
import type { TeamsPageOutcome } from '../../app/alerts/escalation-ports';
import type { AlertNotifier, AlertRepository } from '../../app/alerts/ports';
import type { ConversationRepository } from '../../app/ports';
import { alertCard, type RegulatoryCardContext } from '../../cards/alerts';
import type { HsaResponseView } from '../../cards/hsa-response-view';
import type { AdaptiveCard } from '../../cards/render';
import type { NoticeStyle } from '../../cards/views';
import {
  postedAs,
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
import { cardContent, StormDigests } from './storm-digests';

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
  alerts: Pick<AlertRepository, 'get' | 'recent'>;
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
 * How long asks to the channel about a storm digest's alerts are gathered into one reply in its
 * thread: past the storm, so the replies do not take the channel's Teams limits from the digests.
 */
export const DIGEST_REPLY_GATHER_MS = 30_000;
/** The most alerts one gathered reply names. */
const REPLY_ALERTS_MAX = 60;

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

/** Where a thread reply goes: the thread, or the channel and the queued post whose thread it waits for. */
interface ThreadOf {
  conversationId: string;
  afterPostId?: string;
}

/**
 * Alert cards to Teams through the persisted send queue: a new thread in the ICS cyber channel (the
 * ICS cyber channel, ConversationRepository.cyberChannel, as for risks and the rota), updates of that message in
 * place, thread replies and 1:1 pages. Each call returns once the message is queued durably.
 */
export class TeamsAlertNotifier implements AlertNotifier {
  /** By storm digest thread (or its queued post): asks to the channel gathered into one reply. */
  private readonly threadReplies = new Map<
    string,
    { where: ThreadOf; asks: { alert: AlertSummary; text: string }[]; cancel: () => void }
  >();

  private readonly timers: OutboxTimers;
  /** Where a storm's alerts go: lines on digest cards. */
  private readonly storms: StormDigests;

  constructor(private readonly deps: TeamsAlertNotifierDeps) {
    this.timers = deps.timers ?? backgroundTimers;
    this.storms = new StormDigests({ ...deps, timers: this.timers });
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
   * on the current storm digest (StormDigests).
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
    if ((await this.storms.place(channel, alert)) === 'joined') return;
    await this.deps.queue.enqueue(
      { kind: 'channelPost', channelId: channel, content: await this.content(alert) },
      { alertId: alert.id },
    );
  }

  /** Writes the digest joins and queues the digest thread replies gathered so far now (tests, and before stopping). */
  async flushDigests(): Promise<void> {
    await this.storms.flush();
    await Promise.all([...this.threadReplies.keys()].map((t) => this.sendGatheredReply(t)));
  }

  /** The digest card as it stands, with a message on top for the person who pressed a button. */
  digestCard(
    digestId: string,
    notice?: { text: string; style: NoticeStyle },
  ): Promise<AdaptiveCard | undefined> {
    return this.storms.digestCard(digestId, notice);
  }

  /** How this instance drew its storm digests' posts, checked as their alerts are recorded. */
  get digestDraws(): DigestDraws {
    return this.storms;
  }

  /** The digest's card as it stands, for its queued post about to be sent (the send queue's renderDigest). */
  digestNow(digestId: string): Promise<MessageContent | undefined> {
    return this.storms.digestNow(digestId);
  }

  async ensurePosted(alert: Alert): Promise<void> {
    if (postedAs(alert)) return;
    // Its own card is queued (or sent, and being recorded).
    if (await this.deps.queue.findPostForAlert(alert.id)) return;
    if (await this.storms.ensureShown(alert, () => this.alertChannel())) return;
    await this.postToChannel(alert);
  }

  async refreshCard(alert: Alert): Promise<void> {
    if (await this.storms.refreshFor(alert)) return;
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
    const digestId = await this.storms.digestOf(alert);
    // A storm's asks about lines of a digest still queued join those gathered for it, with no read.
    const waiting = digestId && !alert.channelPost && this.threadReplies.get(`after:${digestId}`);
    if (waiting) {
      waiting.asks.push({ alert, text });
      return;
    }
    const where = await this.threadOf(alert, digestId);
    if (!where) {
      this.deps.logger.warn({ alertId: alert.id }, 'alerts: no card in the channel to reply under');
      return;
    }
    if (digestId) {
      const key = where.afterPostId ? `after:${where.afterPostId}` : where.conversationId;
      const gathering = this.threadReplies.get(key) ?? {
        where,
        asks: [],
        cancel: this.timers.after(DIGEST_REPLY_GATHER_MS, () => {
          this.sendGatheredReply(key).catch((err) =>
            this.deps.logger.error({ err }, 'alerts: replying in a storm digest thread failed'),
          );
        }),
      };
      gathering.asks.push({ alert, text });
      this.threadReplies.set(key, gathering);
      return;
    }
    await this.enqueueReply(where, { text: escapeText(text) });
  }

  /**
   * The thread a reply about the alert goes in: its card's (a digest's for a line on one), or, while
   * that card is still queued (a new alert's first step asking the channel at once), the queued post,
   * which the reply then waits for. Undefined when no card of it is posted or queued.
   */
  private async threadOf(alert: AlertSummary, digestId?: string): Promise<ThreadOf | undefined> {
    if (alert.channelPost) return { conversationId: alert.channelPost.conversationId };
    const post = digestId
      ? await this.deps.queue.get(digestId)
      : await this.deps.queue.findPostForAlert(alert.id);
    return post && { conversationId: post.conversationKey, afterPostId: post.id };
  }

  private async enqueueReply(where: ThreadOf, content: MessageContent): Promise<void> {
    await this.deps.queue.enqueue({ kind: 'threadReply', ...where, content });
  }

  /** One reply in a digest's thread for the asks gathered there: each ask once, with its alerts. */
  private async sendGatheredReply(key: string): Promise<void> {
    const gathering = this.threadReplies.get(key);
    if (!gathering) return;
    this.threadReplies.delete(key);
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
    await this.enqueueReply(gathering.where, { text: body });
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
    const where = await this.threadOf(alert);
    if (!where) {
      this.deps.logger.warn({ alertId: alert.id }, 'alerts: no card in the channel to reply under');
      return;
    }
    await this.enqueueReply(where, content);
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
