import type { Logger } from 'pino';
import {
  followUpsToSend,
  recordPageOutcome,
  recordPageQueued,
  recordPageReceipt,
  stepReach,
  textFollowUpAt,
  type Alert,
  type AlertChange,
  type PageKey,
  type PageReceiptStatus,
  type PageResult,
} from '../../domain/alerts';
import { DEFAULT_TEXT_AFTER_MINUTES } from '../../domain/people/contact';
import type { Actor } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import type { ContactRepository } from '../contacts';
import type { PageOutcome, PageRequest, PageSender } from '../paging';
import type { PageReceipts } from './page-receipts';
import type { AlertRepository, StoredAlert } from './ports';

export interface PageDeliveryDeps {
  alerts: Pick<AlertRepository, 'get' | 'update'>;
  /** Members' contact details and paging preferences. */
  contacts: Pick<ContactRepository, 'get'>;
  /** Texts and emails through GOV.UK Notify; absent when it is not configured. */
  sender?: PageSender;
  /**
   * The one-time acknowledge link for a text or an email (AckLinks.issue): `<CTAC_PUBLIC_URL>/ack/<token>`.
   * Without it, or when it cannot be made, the message says to acknowledge in Teams.
   */
  ackLink?: (memberId: string, alertId: string, channel: 'sms' | 'email') => Promise<string>;
  /** Delivery receipts: each text and email Notify accepted is checked later. Absent: not checked. */
  receipts?: Pick<PageReceipts, 'expect'>;
  clock: Clock;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/** How one person is paged beyond Teams for a step: when a text follows, and whether an email copy goes. */
export interface BeyondTeams {
  textAt?: Date;
  emailCopy?: boolean;
}

/** A change to an alert's timeline, re-applied to the latest alert after a lost race. */
type TimelineChange<T> = (alert: Alert) => { alert: Alert; value: T } | undefined;

/**
 * How many times a change is tried again on a lost race before it is left (and logged). Each lost race
 * means another write landed, so with N answers arriving together the last needs N tries: the outbox
 * reports one answer per person paged, and a step may page a whole layer and the leads.
 */
const ATTEMPTS = 20;

/**
 * Pages beyond Teams and every page's delivery on the alert's timeline (issue 16): when a text follows a
 * Teams page, email copies at once, texts when their time comes, and what Teams and GOV.UK Notify
 * answered. Each text and email is recorded as queued with a conditional write before it is sent, so
 * of two instances (or a run after a restart) only one sends it.
 */
export class PageDelivery {
  constructor(private readonly deps: PageDeliveryDeps) {}

  /** Per person, from their preferences: when a text follows the Teams page, and any email copy. */
  async plan(people: readonly { id: string }[], pagedAt: Date): Promise<Map<string, BeyondTeams>> {
    const plans = new Map<string, BeyondTeams>();
    const sender = this.deps.sender;
    for (const person of people) {
      const contact = await this.deps.contacts.get(person.id).catch((err) => {
        this.deps.logger?.warn({ err }, 'alerts: could not read a member’s contact details');
        return undefined;
      });
      const prefs = contact?.preferences;
      const textAt = textFollowUpAt(pagedAt, {
        textAfterMinutes: prefs?.textAfterMinutes ?? DEFAULT_TEXT_AFTER_MINUTES,
        hasMobile: !!contact?.mobile,
        textEnabled: !!sender?.textEnabled,
      });
      const emailCopy = !!prefs?.emailCopy && !!sender?.emailEnabled && !!contact?.email;
      plans.set(person.id, { ...(textAt ? { textAt } : {}), ...(emailCopy ? { emailCopy } : {}) });
    }
    return plans;
  }

  /** Records one page's outcome; answers the alert as stored after, or undefined when nothing changed. */
  recordOutcome(
    alertId: string,
    page: PageKey,
    result: PageResult,
    actor: Actor,
    at: Date,
    then?: (alert: Alert) => Alert,
  ): Promise<{ before: Alert; after: StoredAlert } | undefined> {
    return this.record(alertId, (alert) => recordPageOutcome(alert, page, result, actor, at), then);
  }

  /**
   * Records GOV.UK Notify's delivery receipt for a text or email it accepted; answers the alert as
   * stored after, or undefined when nothing changed (the page has its receipt already).
   */
  recordReceipt(
    alertId: string,
    page: PageKey,
    status: PageReceiptStatus,
    actor: Actor,
    at: Date,
    then?: (alert: Alert) => Alert,
  ): Promise<{ before: Alert; after: StoredAlert } | undefined> {
    return this.record(alertId, (alert) => recordPageReceipt(alert, page, status, actor, at), then);
  }

  /** One change to one page, then `then` in the same write; `before`: the alert it was applied to. */
  private async record(
    alertId: string,
    change: (alert: Alert) => AlertChange | undefined,
    then?: (alert: Alert) => Alert,
  ): Promise<{ before: Alert; after: StoredAlert } | undefined> {
    const stored = await this.deps.alerts.get(alertId);
    if (!stored) return undefined;
    let before = stored.alert;
    const saved = await this.change(stored, (alert) => {
      before = alert;
      const changed = change(alert);
      return changed && { alert: then ? then(changed.alert) : changed.alert, value: true };
    });
    return saved && { before, after: saved.stored };
  }

  /**
   * Sends the texts and email copies that are due (the alert still unacknowledged), each once. Answers
   * the alert as stored after, and the steps (their escalated events' seqs) this left with every page
   * failed, for the escalation to move on from. One CTAC can no longer send (the number or address
   * removed, Notify switched off) fails as not set up.
   */
  async sendDue(stored: StoredAlert, now: Date, actor: Actor): Promise<Sent> {
    const due = followUpsToSend(stored.alert, now);
    let sent: Sent = { stored, unreachable: [] };
    if (!due.length) return sent;
    const sender = this.deps.sender;
    const texts: { key: PageKey; to: string }[] = [];
    const emails: { key: PageKey; to: string }[] = [];
    const notSetUp: PageKey[] = [];
    for (const page of due) {
      const contact = await this.deps.contacts.get(page.person.id);
      const to =
        page.channel === 'text'
          ? sender?.textEnabled && contact?.mobile
          : sender?.emailEnabled && contact?.email;
      if (!to) notSetUp.push(page);
      else (page.channel === 'text' ? texts : emails).push({ key: page, to });
    }
    const then = (next: Sent): Sent => ({
      stored: next.stored,
      unreachable: [...new Set([...sent.unreachable, ...next.unreachable])],
    });
    if (notSetUp.length) sent = then(await this.failUnsent(sent.stored, notSetUp, actor));
    if (sender && texts.length)
      sent = then(await this.send(sent.stored, texts, actor, (to, r) => sender.sendText(to, r)));
    if (sender && emails.length)
      sent = then(await this.send(sent.stored, emails, actor, (to, r) => sender.sendEmail(to, r)));
    return sent;
  }

  /** Records follow-ups CTAC cannot send as queued and failed, in one write. */
  private async failUnsent(stored: StoredAlert, pages: PageKey[], actor: Actor): Promise<Sent> {
    const now = this.deps.clock.now();
    const saved = await this.change(stored, (alert) => {
      let next = alert;
      for (const page of pages) {
        const queued = recordPageQueued(next, page, actor, now);
        if (!queued) continue;
        next = queued.alert;
        next =
          recordPageOutcome(next, page, { kind: 'failed', reason: 'not-set-up' }, actor, now)
            ?.alert ?? next;
      }
      return next === alert
        ? undefined
        : { alert: next, value: newlyUnreachable(alert, next, pages) };
    });
    return saved ? { stored: saved.stored, unreachable: saved.value } : { stored, unreachable: [] };
  }

  /** Records the pages as queued (only those this instance won), sends them, records each outcome. */
  private async send(
    stored: StoredAlert,
    pages: { key: PageKey; to: string }[],
    actor: Actor,
    send: (to: string, request: PageRequest) => Promise<PageOutcome>,
  ): Promise<Sent> {
    const queued = await this.change(stored, (alert) => {
      const won: typeof pages = [];
      let next = alert;
      for (const page of pages) {
        const changed = recordPageQueued(next, page.key, actor, this.deps.clock.now());
        if (!changed) continue;
        next = changed.alert;
        won.push(page);
      }
      return won.length ? { alert: next, value: won } : undefined;
    });
    if (!queued) return { stored, unreachable: [] };
    const current = queued.stored;
    const outcomes = await Promise.all(
      queued.value.map(async (page) => ({
        page,
        outcome: await this.request(current.alert, page.key)
          .then((request) => send(page.to, request))
          .catch((err): PageOutcome => ({
            kind: 'failed',
            reason: 'error',
            retryable: true,
            detail: String(err),
            at: this.deps.clock.now(),
          })),
      })),
    );
    const recorded = await this.change(current, (alert) => {
      let next = alert;
      // What this write records as accepted by Notify: each is checked for its receipt later.
      const accepted: { key: PageKey; notifyId: string; at: Date }[] = [];
      for (const { page, outcome } of outcomes) {
        const result: PageResult =
          outcome.kind === 'delivered'
            ? { kind: 'delivered', notifyId: outcome.notifyId }
            : { kind: 'failed', reason: outcome.reason };
        const changed = recordPageOutcome(next, page.key, result, actor, this.deps.clock.now());
        if (!changed) continue;
        next = changed.alert;
        if (outcome.kind === 'delivered')
          accepted.push({ key: page.key, notifyId: outcome.notifyId, at: this.deps.clock.now() });
      }
      if (next === alert) return undefined;
      return {
        alert: next,
        value: {
          accepted,
          unreachable: newlyUnreachable(
            alert,
            next,
            outcomes.map((o) => o.page.key),
          ),
        },
      };
    });
    if (!recorded) return { stored: current, unreachable: [] };
    for (const a of recorded.value.accepted)
      await this.deps.receipts?.expect(current.alert.id, a.key, a.notifyId, a.at);
    return { stored: recorded.stored, unreachable: recorded.value.unreachable };
  }

  /**
   * The text or email: short, with the alert's title, severity and CTAC id, and in the `link` placeholder
   * the person's one-time acknowledge link (<CTAC_PUBLIC_URL>/ack/<token>), made only for a page this
   * instance won. Without a link the message says to acknowledge in Teams.
   */
  private async request(alert: Alert, page: PageKey): Promise<PageRequest> {
    const title = alert.title.length > 100 ? `${alert.title.slice(0, 99)}…` : alert.title;
    const link = await this.ackLink(alert, page);
    const ask = link
      ? 'Nobody has acknowledged it yet: acknowledge it with this link or in Teams.'
      : 'Nobody has acknowledged it yet: acknowledge it in Teams.';
    return {
      reference: `page-${alert.id}-${page.escalationSeq}-${page.person.id}-${page.channel}`,
      personalisation: {
        subject: `CTAC ${alert.severity} alert ${alert.id}`,
        message: `CTAC ${alert.severity} alert ${alert.id}: ${title}. ${ask}`,
        link: link ?? '',
      },
    };
  }

  /** The page's acknowledge link; a page still goes (saying to use Teams) if the link cannot be made. */
  private async ackLink(alert: Alert, page: PageKey): Promise<string | undefined> {
    if (!this.deps.ackLink || page.channel === 'teams') return undefined;
    const channel = page.channel === 'text' ? 'sms' : 'email';
    return this.deps.ackLink(page.person.id, alert.id, channel).catch((err) => {
      this.deps.logger?.warn(
        { err, alertId: alert.id },
        'alerts: could not make an acknowledge link',
      );
      return undefined;
    });
  }

  /**
   * Applies a change to the alert and stores it on its ETag; on a lost race, re-reads and applies it
   * again to the latest alert. Undefined when the change finds nothing to do.
   */
  private async change<T>(
    stored: StoredAlert,
    change: TimelineChange<T>,
  ): Promise<{ stored: StoredAlert; value: T } | undefined> {
    let current = stored;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const next = change(current.alert);
      if (!next) return undefined;
      const saved = await this.deps.alerts.update(next.alert, current.etag);
      if (saved.ok) return { stored: saved.value, value: next.value };
      const again = await this.deps.alerts.get(current.alert.id);
      if (!again) return undefined;
      current = again;
    }
    this.deps.logger?.warn({ alertId: stored.alert.id }, 'alerts: could not record a page');
    return undefined;
  }
}

/** The alert as stored after sending, and the steps that sending left with every page failed. */
export interface Sent {
  stored: StoredAlert;
  unreachable: number[];
}

/** The steps of `pages` that `after` leaves with every page failed and `before` did not. */
const newlyUnreachable = (before: Alert, after: Alert, pages: PageKey[]): number[] =>
  [...new Set(pages.map((p) => p.escalationSeq))].filter(
    (seq) => stepReach(before, seq) !== 'unreachable' && stepReach(after, seq) === 'unreachable',
  );
