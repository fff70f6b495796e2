/*
 * A step nobody could be reached by: recording what Teams and GOV.UK Notify answered for a step's
 * pages and, when a write of ours leaves every page of the step failed, firing the next step at once,
 * telling the leads and paging it. Used by AlertEscalation.
 */
import {
  escalateUnreachable,
  stepReach,
  unreachableStepText,
  type Alert,
  type EscalationPolicy,
} from '../../domain/alerts';
import type { Actor } from '../../domain/shared/actor';
import type { TeamsPageOutcome } from './escalation-ports';
import type { PageDelivery } from './page-delivery';
import type { PageReceipt } from './page-receipts';
import type { AlertRepository, StoredAlert } from './ports';
import type { StepRecipients } from './step-recipients';

export interface UnreachableStepsDeps {
  alerts: Pick<AlertRepository, 'get' | 'update'>;
  /** Pages beyond Teams and delivery on the timeline. Absent: no answer is recorded. */
  delivery?: PageDelivery;
}

/** What moving on asks of the escalation: the policy, and paging, timing and re-rendering a step. */
export interface EscalationMoves {
  policyFor(alert: Pick<Alert, 'severityRank'>): Promise<EscalationPolicy>;
  pageStep(stored: StoredAlert, actor: Actor, now: Date): Promise<StoredAlert>;
  scheduleAfterChange(alert: Alert, now: Date): Promise<void>;
  refresh(alert: Alert): Promise<void>;
}

/** Page answers and unreachable steps, for AlertEscalation (which pages the step fired). */
export class UnreachableSteps {
  constructor(
    private readonly deps: UnreachableStepsDeps,
    /** Telling the leads nobody could be reached. */
    private readonly who: Pick<StepRecipients, 'tellLeads'>,
    private readonly escalation: EscalationMoves,
  ) {}

  /**
   * Records what Teams answered for a page (the outbox's callbacks). When that makes every page of the
   * step fail, the next step fires in the same write (not after its delay), the leads are told 1:1 and
   * the next step is paged. The write is conditional on the alert's ETag, so of two instances (or a
   * callback run again after a restart) one records it, and only the write that made the step
   * unreachable acts on it.
   */
  async recordTeamsPage(outcome: TeamsPageOutcome, actor: Actor, now: Date): Promise<void> {
    await this.recordAndMoveOn(
      outcome.alertId,
      outcome.escalationSeq,
      actor,
      now,
      true,
      (delivery, then) =>
        delivery.recordOutcome(
          outcome.alertId,
          { escalationSeq: outcome.escalationSeq, person: outcome.person, channel: 'teams' },
          outcome.result,
          actor,
          outcome.at ?? now,
          then,
        ),
    );
  }

  /**
   * Records GOV.UK Notify's delivery receipt for a text or email (the receipts job). A failed receipt
   * makes the page failed: when that leaves the step with every page failed, the next step fires in the
   * same write, the leads are told 1:1 and the next step is paged, as for Teams (recordTeamsPage). A
   * page has one receipt however often it is reported; a delivered one changes nothing on the card.
   */
  async recordReceipt(receipt: PageReceipt, actor: Actor, now: Date): Promise<void> {
    const seq = receipt.page.escalationSeq;
    await this.recordAndMoveOn(
      receipt.alertId,
      seq,
      actor,
      now,
      receipt.status !== 'delivered',
      (delivery, then) =>
        delivery.recordReceipt(receipt.alertId, receipt.page, receipt.status, actor, now, then),
    );
  }

  /**
   * One page's answer recorded by `record`, which re-applies `then` (firing the next step when the step
   * is left with every page failed) with each attempt of its conditional write: only the write that
   * made the step unreachable acts on it (tells the leads, pages the next step). Otherwise the card is
   * refreshed when `refresh` says the answer shows on it.
   */
  private async recordAndMoveOn(
    alertId: string,
    seq: number,
    actor: Actor,
    now: Date,
    refresh: boolean,
    record: (
      delivery: PageDelivery,
      then: (alert: Alert) => Alert,
    ) => Promise<{ before: Alert; after: StoredAlert } | undefined>,
  ): Promise<void> {
    const delivery = this.deps.delivery;
    if (!delivery) return;
    const stored = await this.deps.alerts.get(alertId);
    if (!stored) return;
    const policy = await this.escalation.policyFor(stored.alert);
    // Set by each application of the change: the last is the one whose write landed.
    let fired = false;
    const recorded = await record(delivery, (alert) => {
      const next = escalateUnreachable(alert, policy, seq, actor, now);
      fired = next.ok;
      return next.ok ? next.alert : alert;
    });
    if (!recorded) return;
    const { before, after } = recorded;
    if (stepReach(before, seq) === 'unreachable' || stepReach(after.alert, seq) !== 'unreachable') {
      if (refresh) await this.escalation.refresh(after.alert);
      return;
    }
    await this.afterUnreachable(after, seq, fired, actor, now);
  }

  /**
   * A write of ours left a step with every page failed: fires the next step at once (re-applied on a
   * lost race; nothing if the step fired last is another, or none is left), then tells the leads and
   * pages it.
   */
  async onUnreachable(
    stored: StoredAlert,
    seq: number,
    actor: Actor,
    now: Date,
  ): Promise<StoredAlert> {
    const policy = await this.escalation.policyFor(stored.alert);
    let current = stored;
    let fired = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const next = escalateUnreachable(current.alert, policy, seq, actor, now);
      if (!next.ok) break;
      const saved = await this.deps.alerts.update(next.alert, current.etag);
      if (saved.ok) {
        current = saved.value;
        fired = true;
        break;
      }
      const again = await this.deps.alerts.get(stored.alert.id);
      if (!again) return current;
      current = again;
    }
    return this.afterUnreachable(current, seq, fired, actor, now);
  }

  /**
   * Every page of a step failed: the leads are told, and the step our write fired (`fired`: its last
   * event), if it fired one, is paged. A step someone else fired is theirs to page.
   */
  private async afterUnreachable(
    after: StoredAlert,
    seq: number,
    fired: boolean,
    actor: Actor,
    now: Date,
  ): Promise<StoredAlert> {
    const last = after.alert.timeline[after.alert.timeline.length - 1];
    const movedTo = fired && last?.kind === 'escalated' ? last : undefined;
    // Acknowledged, snoozed or resolved meanwhile: someone has it in hand.
    if (movedTo || after.alert.state === 'triggered')
      await this.who.tellLeads(after.alert, unreachableStepText(after.alert, seq, movedTo));
    if (!movedTo) {
      await this.escalation.refresh(after.alert);
      return after;
    }
    const paged = await this.escalation.pageStep(after, actor, now);
    await this.escalation.scheduleAfterChange(paged.alert, now);
    return paged;
  }
}
