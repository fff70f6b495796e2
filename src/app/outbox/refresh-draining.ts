/*
 * Sending a row of gathered card refreshes (a `refreshes` row): one update each, in order, within
 * the conversation's budget, storing what is left back in the row when it must wait.
 */
import type { Clock } from '../../domain/shared/clock';
import type { Metrics } from '../metrics';
import type { SendBudget } from './budget';
import { targetKey, type OutboxMessage } from './message';
import type { QueuedSend, RenderCard } from './ports';
import { describeFailure, retryState, sendFailure, type RetryPolicy } from './retry';
import { updatedLater } from './row-cache';
import type { RowDelivery } from './row-delivery';

type RefreshBundle = Extract<OutboxMessage, { kind: 'refreshes' }>;

/** What a pass counts (the send queue's TickReport). */
export interface DeliveryCounts {
  sent: number;
  retried: number;
  failed: number;
}

/** Sends `refreshes` rows for the send queue. */
export class RefreshDraining {
  constructor(
    private readonly delivery: RowDelivery,
    private readonly budget: SendBudget,
    private readonly retries: RetryPolicy,
    private readonly deps: { clock: Clock; render?: RenderCard; metrics?: Metrics },
  ) {}

  /**
   * Sends a row of gathered refreshes, one update each, in order, while the conversation's budget
   * allows; what is left is stored back in the row with when to go on (a restart goes on from there,
   * at worst sending one card again, which changes nothing). A refresh whose card a later row
   * updates anyway, whose post failed or whose alert is gone is dropped. Answers when to come back,
   * or undefined when the row is done (or lost to another worker).
   */
  async drain(
    original: QueuedSend,
    bundle: RefreshBundle,
    rows: QueuedSend[],
    report: DeliveryCounts,
  ): Promise<Date | undefined> {
    const row = await this.delivery.claim(original);
    if (!row) return undefined;
    const left = [...bundle.targets];
    let attempts = row.attempts;
    const stopAt = async (at: Date, patch: Partial<QueuedSend> = {}): Promise<Date | undefined> => {
      if (!left.length) return this.done(row, bundle);
      await this.delivery.finish(row, {
        state: 'queued',
        attempts,
        notBefore: at.toISOString(),
        message: { ...bundle, targets: left },
        ...patch,
      });
      return at;
    };
    while (left.length) {
      const now = this.deps.clock.now();
      const budget = this.budget.nextSendAt(row.conversationKey, now);
      if (budget.getTime() > now.getTime()) return stopAt(budget);
      const target = left[0]!;
      if (updatedLater(rows, row, targetKey(target))) {
        left.shift();
        continue;
      }
      const where = await this.delivery.whereToUpdate(target);
      if (where === 'wait') return stopAt(new Date(now.getTime() + 1_000));
      try {
        const content = where === 'gone' ? undefined : await this.deps.render?.(target.alertId);
        if (where !== 'gone' && content)
          await this.delivery.send(row.conversationKey, { kind: 'update', ...where, content }, now);
        left.shift();
        attempts = 0;
        if (content) {
          report.sent++;
          this.deps.metrics?.pageDelivered('refresh');
        }
      } catch (e) {
        const error = sendFailure(e);
        if (error.statusCode === 429) this.deps.metrics?.teamsThrottled();
        if (this.delivery.givesUp(error, attempts, 'refresh')) {
          left.shift();
          attempts = 0;
          report.failed++;
          this.deps.metrics?.pageFailed('refresh');
          continue;
        }
        report.retried++;
        const at = this.retries.retryAt(error, Math.max(1, attempts), this.deps.clock.now());
        return stopAt(at, { state: retryState(error), lastError: describeFailure(error) });
      }
    }
    return this.done(row, bundle);
  }

  /** A row of refreshes with nothing left to send: kept a day as the record, like any sent row. */
  private async done(row: QueuedSend, bundle: RefreshBundle): Promise<undefined> {
    await this.delivery.finish(row, {
      state: 'sent',
      sentAt: this.deps.clock.now().toISOString(),
      message: { ...bundle, targets: [] },
      lastError: undefined,
    });
    return undefined;
  }
}
