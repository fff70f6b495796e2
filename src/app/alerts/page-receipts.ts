import type { Logger } from 'pino';
import type { PageKey, PageReceiptStatus } from '../../domain/alerts';
import type { Actor } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import type { PageSender } from '../paging';
import type { Conditional } from '../ports';

/*
 * Delivery receipts (issue 16) by polling: GOV.UK Notify accepting a text or email is not the person
 * getting it. Each accepted message is checked with Notify until it has a final status, a little often
 * at first and then every 15 minutes, for at most 72 hours (after which Notify itself stops trying). Polling
 * needs no public callback endpoint and no callback token set up in Notify.
 */

/** A text or email GOV.UK Notify accepted, whose final status is still to be learnt. */
export interface PendingReceipt {
  alertId: string;
  page: PageKey;
  notifyId: string;
  /** When Notify accepted it (ISO 8601): checks stop RECEIPT_GIVE_UP_MS after. */
  acceptedAt: string;
  /** When it is next checked (ISO 8601). */
  dueAt: string;
  /** Checks made so far. */
  tries: number;
}

/** A pending check as stored, with the ETag a claim is conditional on. */
export interface StoredReceiptCheck extends PendingReceipt {
  etag: string;
}

/** The pending checks, in Table Storage so a restart or another instance carries on. */
export interface PageReceiptStore {
  /** Adds a check; one already there for the same message stays as it is. */
  add(check: PendingReceipt): Promise<void>;
  /** Checks due at or before `now`, earliest first, at most `limit`. */
  due(now: Date, limit: number): Promise<StoredReceiptCheck[]>;
  /**
   * Claims a due check for one instance by moving it to `until` (a lease) on its ETag: of two instances
   * claiming the same check, one gets `{ ok: false, reason: 'conflict' }`.
   */
  claim(
    check: StoredReceiptCheck,
    until: Date,
    by: string,
  ): Promise<Conditional<StoredReceiptCheck>>;
  /** After a check: sets the next one, or removes the row (`next` undefined), on the claim's ETag. */
  release(
    claimed: StoredReceiptCheck,
    next: { dueAt: Date; tries: number } | undefined,
  ): Promise<void>;
}

/** A final status to record on the alert's timeline (AlertEscalation.recordReceipt). */
export interface PageReceipt {
  alertId: string;
  page: PageKey;
  status: PageReceiptStatus;
}

/** Waits between checks: the first 30 s after Notify accepted, then 1, 2 and 5 minutes later. */
export const RECEIPT_CHECK_WAITS_MS: readonly number[] = [30_000, 60_000, 2 * 60_000, 5 * 60_000];
/** Then every 15 minutes. */
export const RECEIPT_CHECK_EVERY_MS = 15 * 60_000;
/** Notify gives up on a message after 72 hours (temporary failure); so do the checks. */
export const RECEIPT_GIVE_UP_MS = 72 * 3_600_000;

/**
 * When to check next after `tries` checks, the last made at `from`: the waits above, never later than 72
 * hours after Notify accepted; undefined once that time has passed (no more checks).
 */
export function nextReceiptCheckAt(acceptedAt: Date, tries: number, from: Date): Date | undefined {
  const last = acceptedAt.getTime() + RECEIPT_GIVE_UP_MS;
  if (from.getTime() >= last) return undefined;
  const wait = RECEIPT_CHECK_WAITS_MS[tries] ?? RECEIPT_CHECK_EVERY_MS;
  return new Date(Math.min(from.getTime() + wait, last));
}

/**
 * What a status GOV.UK Notify answers means here: a final status to record; `no-receipt` for a text to
 * an international number (`sent`: the networks tell no more), final with nothing to record; `pending`
 * for the rest (`created`, `sending`, `pending`, or anything new), to ask again later.
 */
export function receiptOf(notifyStatus: string): PageReceiptStatus | 'no-receipt' | 'pending' {
  switch (notifyStatus) {
    case 'delivered':
    case 'permanent-failure':
    case 'temporary-failure':
    case 'technical-failure':
      return notifyStatus;
    case 'sent':
      return 'no-receipt';
    default:
      return 'pending';
  }
}

export interface PageReceiptsDeps {
  store: Pick<PageReceiptStore, 'add'>;
  /** GOV.UK Notify; its `status` is what is polled. */
  sender: Required<Pick<PageSender, 'status'>>;
  /** Records a final status on the alert (AlertEscalation.recordReceipt), once however often called. */
  record: (receipt: PageReceipt, actor: Actor, now: Date) => Promise<void>;
  clock: Clock;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** What one check found: the check is done, or is to be made again at `next`. */
export type ReceiptCheckResult = { done: true } | { done: false; next: Date };

/**
 * Delivery receipts: a check for each text and email GOV.UK Notify accepted, and each check made (the
 * receipts job claims them, one instance each).
 */
export class PageReceipts {
  constructor(private readonly deps: PageReceiptsDeps) {}

  /** Adds the check for a message Notify accepted; a failure is logged, never stops the page. */
  async expect(alertId: string, page: PageKey, notifyId: string, acceptedAt: Date): Promise<void> {
    const first = nextReceiptCheckAt(acceptedAt, 0, acceptedAt);
    if (!first) return;
    await this.deps.store
      .add({
        alertId,
        page: { escalationSeq: page.escalationSeq, person: page.person, channel: page.channel },
        notifyId,
        acceptedAt: acceptedAt.toISOString(),
        dueAt: first.toISOString(),
        tries: 0,
      })
      .catch((err) =>
        this.deps.logger?.warn({ err, alertId }, 'alerts: could not add a delivery receipt check'),
      );
  }

  /**
   * Asks Notify for the message's status: a final one is recorded on the alert (and the check is
   * done); otherwise, or when Notify does not answer, the next check is set, until 72 hours have
   * passed. A failure to record throws, so the claim lapses and the check is made again.
   */
  async check(pending: PendingReceipt, actor: Actor, now: Date): Promise<ReceiptCheckResult> {
    const status = await this.deps.sender.status(pending.notifyId).then(receiptOf, (err) => {
      this.deps.logger?.warn(
        { err, alertId: pending.alertId, notifyId: pending.notifyId },
        'alerts: GOV.UK Notify did not answer a delivery receipt check',
      );
      return 'pending' as const;
    });
    if (status === 'no-receipt') return { done: true };
    if (status !== 'pending') {
      await this.deps.record({ alertId: pending.alertId, page: pending.page, status }, actor, now);
      return { done: true };
    }
    const next = nextReceiptCheckAt(new Date(pending.acceptedAt), pending.tries + 1, now);
    if (next) return { done: false, next };
    this.deps.logger?.info(
      { alertId: pending.alertId, notifyId: pending.notifyId },
      'alerts: no delivery receipt from GOV.UK Notify within 72 hours',
    );
    return { done: true };
  }
}
