import type { Logger } from 'pino';
import {
  escalateDue,
  escalateUnreachable,
  mayBePaged,
  nextEscalation,
  nextFollowUpAt,
  policyFor,
  recordPageOutcome,
  recordPaged,
  stepReach,
  unreachableStepText,
  unsnoozeIfDue,
  type Alert,
  type AlertOutcome,
  type EscalatedEvent,
  type EscalationPolicy,
  type EscalationTarget,
} from '../../domain/alerts';
import type { Actor } from '../../domain/shared/actor';
import type { MemberRepository } from '../ports';
import type {
  AlertActivityFeed,
  EscalationPolicyStore,
  EscalationTimerStore,
  TeamsPageOutcome,
} from './escalation-ports';
import type { PageDelivery } from './page-delivery';
import type { PageReceipt } from './page-receipts';
import { StepRecipients, type PageRecipients } from './step-recipients';
import type { AlertNotifier, AlertRepository, OnCallSource, StoredAlert } from './ports';

export interface AlertEscalationDeps {
  alerts: AlertRepository;
  notifier: AlertNotifier;
  timers: EscalationTimerStore;
  policies: EscalationPolicyStore;
  onCall: OnCallSource;
  members: MemberRepository;
  /** The Teams activity feed (Microsoft Graph), when configured: each page also shows there. */
  activityFeed?: AlertActivityFeed;
  /**
   * Pages beyond Teams and delivery on the timeline (issue 16). Absent: Teams pages only, their
   * delivery not tracked.
   */
  delivery?: PageDelivery;
  /**
   * Called when a timer is set due now or already past (a new alert whose first step pages at once):
   * the escalation job is woken to act on it rather than at its next tick.
   */
  onDueNow?: () => void;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * How many times a step's pages (or the pages that could not be queued) are recorded again on the latest
 * alert after a lost race before they are left (and logged).
 */
const RECORD_ATTEMPTS = 10;

/**
 * Escalation: when an alert's timer should next fire, firing due steps, and paging a step's targets.
 * Used by the escalation job (timers) and by "Escalate now" (people).
 */
export class AlertEscalation {
  /** Who a step pages, and telling the leads. */
  private readonly who: StepRecipients;

  constructor(private readonly deps: AlertEscalationDeps) {
    this.who = new StepRecipients(deps);
  }

  async policyFor(alert: Pick<Alert, 'severityRank'>): Promise<EscalationPolicy> {
    return policyFor(alert.severityRank, await this.deps.policies.all());
  }

  /**
   * When the job should next look at the alert: the next step or the next text or email copy to send,
   * whichever comes first, the end of a snooze, or never.
   */
  wakeAt(alert: Alert, policy: EscalationPolicy, now: Date): Date | undefined {
    if (alert.state === 'snoozed' && alert.snoozedUntil) return new Date(alert.snoozedUntil);
    const next = nextEscalation(policy, alert, now);
    const step = next === 'done' ? undefined : next.dueAt;
    const followUp = this.deps.delivery ? nextFollowUpAt(alert) : undefined;
    if (!step || !followUp) return step ?? followUp;
    return step < followUp ? step : followUp;
  }

  /**
   * Sets the alert's timer after a committed change. A timer that is no longer needed (acknowledged,
   * resolved) is left for the job, which finds nothing due and removes it: that keeps a write off
   * the path of the person pressing Acknowledge.
   */
  async scheduleAfterChange(alert: Alert, now: Date): Promise<void> {
    // Only a triggered alert (its next step) or a snoozed one (waking) needs a timer: no policy read.
    if (alert.state !== 'triggered' && alert.state !== 'snoozed') return;
    const wake = this.wakeAt(alert, await this.policyFor(alert), now);
    if (!wake) return;
    await this.deps.timers.set(alert.id, wake);
    if (wake.getTime() <= now.getTime()) this.deps.onDueNow?.();
  }

  /**
   * The job's move for one alert whose timer is due: wakes it from a snooze when its time has come,
   * then fires every step that is due, paging each. Each step is recorded with a conditional write
   * before anyone is paged, so two instances acting on the same alert page once: the loser's write
   * fails and it pages nobody. Answers when to look next.
   */
  async runDue(alertId: string, now: Date, actor: Actor): Promise<Date | undefined> {
    const fromCopy = await this.stepFromCopy(alertId, now, actor);
    let stored = fromCopy
      ? await this.pageStep(fromCopy, actor, now)
      : await this.deps.alerts.get(alertId);
    if (!stored) return undefined;
    const policy = await this.policyFor(stored.alert);
    if (stored.alert.state === 'snoozed') {
      const woke = await this.commit(stored, unsnoozeIfDue(stored.alert, now, actor));
      if (woke === 'lost') return now;
      if (woke) {
        stored = woke;
        await this.refresh(stored.alert);
      }
    }
    // Catching up after downtime fires each overdue step in turn, at most a policy's worth.
    for (let guard = 0; guard < 100; guard++) {
      const fired = await this.commit(stored, escalateDue(stored.alert, policy, now, actor));
      if (fired === 'lost') return now; // someone changed it meanwhile: look again at once
      if (!fired) break;
      stored = await this.pageStep(fired, actor, now);
    }
    if (this.deps.delivery) {
      const sent = await this.deps.delivery.sendDue(stored, now, actor);
      if (sent.stored !== stored && !sent.unreachable.length) await this.refresh(sent.stored.alert);
      stored = sent.stored;
      // A step whose last hope was a text or an email that failed: move on now.
      for (const seq of sent.unreachable)
        stored = await this.onUnreachable(stored, seq, actor, now);
    }
    return this.wakeAt(stored.alert, policy, now);
  }

  /**
   * A step due on the copy of the alert this process wrote or read moments ago (a new alert's first
   * step is due at once, just after it was stored), committed on that copy's ETag without reading the
   * alert again: the write succeeding shows the copy was the alert as stored (issue 18). Undefined
   * when there is no such copy, nothing is due on it or the write lost: the caller reads the alert.
   */
  private async stepFromCopy(
    alertId: string,
    now: Date,
    actor: Actor,
  ): Promise<StoredAlert | undefined> {
    const copy = this.deps.alerts.recent?.(alertId);
    if (copy?.alert.state !== 'triggered') return undefined;
    const policy = await this.policyFor(copy.alert);
    const fired = await this.commit(copy, escalateDue(copy.alert, policy, now, actor));
    return fired === 'lost' ? undefined : fired;
  }

  /**
   * Pages the targets of the step the alert's last `escalated` event fired, records who was paged
   * and re-renders the card. With delivery tracked, the step's pages (and each person's text and
   * email copy) are recorded first, re-applied to the latest alert on a lost race, and only then
   * queued: Teams' answers, recorded on the same alert as they come, never race that write.
   */
  async pageStep(stored: StoredAlert, actor: Actor, now: Date): Promise<StoredAlert> {
    const event = stored.alert.timeline[stored.alert.timeline.length - 1];
    if (event?.kind !== 'escalated') return stored;
    const all = await this.recipients(event.targets, now);
    // An exercise run with pages to participants only pages nobody else, and tells no lead of rota gaps.
    const recipients = stored.alert.exercise?.pageOnly
      ? { ...all, people: all.people.filter((p) => mayBePaged(stored.alert, p.id)), gaps: [] }
      : all;
    const delivery = this.deps.delivery;
    if (!delivery) return this.pageUntracked(stored, event, recipients, actor, now);
    const plans = await delivery.plan(recipients.people, now);
    let current = stored;
    let recorded = false;
    if (recipients.people.length > 0) {
      const page = {
        stepIndex: event.stepIndex,
        escalationSeq: event.seq,
        recipients: recipients.people.map((p) => ({ ...p, ...plans.get(p.id) })),
      };
      // Paged anyway if it cannot be recorded: reaching people comes first.
      const saved = await this.onLatest(stored, (alert) => recordPaged(alert, page, actor, now))
        .then((changed) => changed?.stored)
        .catch((err) => {
          this.deps.logger?.error(
            { err, alertId: stored.alert.id },
            'alerts: recording a page failed',
          );
          return undefined;
        });
      if (saved) {
        current = saved;
        recorded = true;
      } else
        this.deps.logger?.error(
          { alertId: stored.alert.id, escalationSeq: event.seq },
          'alerts: a step’s pages could not be recorded; its texts and email copies are not planned',
        );
    }
    const unqueued = await this.sendPages(stored.alert, recipients, event.seq);
    if (recorded && unqueued.length > 0) {
      // A page that could not be queued failed: the step's reach counts it, and when no page of the
      // step is left, this write (the one that made it so) moves the escalation on.
      const failed = await this.onLatest(current, (alert) => {
        let next = alert;
        for (const person of unqueued)
          next =
            recordPageOutcome(
              next,
              { escalationSeq: event.seq, person, channel: 'teams' },
              { kind: 'failed', reason: 'error' },
              actor,
              now,
            )?.alert ?? next;
        return next === alert ? undefined : { alert: next };
      });
      if (failed) {
        current = failed.stored;
        if (
          stepReach(failed.before, event.seq) !== 'unreachable' &&
          stepReach(current.alert, event.seq) === 'unreachable'
        )
          return this.onUnreachable(current, event.seq, actor, now);
      }
    }
    // Texts and email copies go from the escalation job (off the path of "Escalate now"): its
    // timer wakes for the first of them.
    if (recorded && [...plans.values()].some((p) => p.textAt || p.emailCopy))
      await this.scheduleAfterChange(current.alert, now);
    await this.refresh(current.alert);
    return current;
  }

  /**
   * A step's pages without delivery tracking: queued, then those whose page was queued are recorded
   * as paged (re-reading on a lost race).
   */
  private async pageUntracked(
    stored: StoredAlert,
    event: EscalatedEvent,
    recipients: PageRecipients,
    actor: Actor,
    now: Date,
  ): Promise<StoredAlert> {
    const unqueued = await this.sendPages(stored.alert, recipients, event.seq);
    // Only people whose page was queued are recorded as paged.
    const paged = recipients.people.filter((p) => !unqueued.includes(p));
    let current = stored;
    if (paged.length > 0) {
      const page = { stepIndex: event.stepIndex, recipients: paged };
      for (let attempt = 0; attempt < 3; attempt++) {
        const saved = await this.deps.alerts.update(
          recordPaged(current.alert, page, actor, now).alert,
          current.etag,
        );
        if (saved.ok) {
          current = saved.value;
          break;
        }
        const again = await this.deps.alerts.get(stored.alert.id);
        if (!again) break;
        current = again;
      }
    }
    await this.refresh(current.alert);
    return current;
  }

  /**
   * Queues each person's Teams page (tracked when delivery is), asks the channel when the step says
   * so and tells the leads of any rota gap. Answers the people whose page could not be queued.
   */
  private async sendPages(
    alert: Alert,
    recipients: PageRecipients,
    escalationSeq: number,
  ): Promise<PageRecipients['people']> {
    const tracking = (name: string) => (this.deps.delivery ? { escalationSeq, name } : undefined);
    const unqueued: PageRecipients['people'] = [];
    for (const person of recipients.people)
      await this.deps.notifier.page(person.id, alert, tracking(person.name)).then(
        () =>
          this.deps.activityFeed
            ?.alertPaged(person.id, alert)
            .catch((err) =>
              this.deps.logger?.warn(
                { err, alertId: alert.id },
                'alerts: activity feed notification failed',
              ),
            ),
        (err) => {
          unqueued.push(person);
          this.deps.logger?.error(
            { err, alertId: alert.id, memberAadObjectId: person.id },
            'paging a member failed',
          );
        },
      );
    if (recipients.channel)
      await this.deps.notifier
        .replyInThread(
          alert,
          `Nobody on call has acknowledged this ${alert.severity} alert yet. Can anyone in the channel pick it up?`,
        )
        .catch((err) =>
          this.deps.logger?.error({ err, alertId: alert.id }, 'asking the channel failed'),
        );
    await this.who.tellLeadsAboutGaps(alert, recipients);
    return unqueued;
  }

  /**
   * Applies a change to the alert and stores it on its ETag; on a lost race re-reads and applies it to
   * the latest alert, up to RECORD_ATTEMPTS times. Answers the alert as stored after and the alert the
   * landed change was applied to; undefined when the change finds nothing to do or keeps losing.
   */
  private async onLatest(
    stored: StoredAlert,
    change: (alert: Alert) => { alert: Alert } | undefined,
  ): Promise<{ stored: StoredAlert; before: Alert } | undefined> {
    let current = stored;
    for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt++) {
      const next = change(current.alert);
      if (!next) return undefined;
      const saved = await this.deps.alerts.update(next.alert, current.etag);
      if (saved.ok) return { stored: saved.value, before: current.alert };
      const again = await this.deps.alerts.get(current.alert.id);
      if (!again) return undefined;
      current = again;
    }
    this.deps.logger?.warn({ alertId: stored.alert.id }, 'alerts: the alert kept changing');
    return undefined;
  }

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
    const policy = await this.policyFor(stored.alert);
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
      if (refresh) await this.refresh(after.alert);
      return;
    }
    await this.afterUnreachable(after, seq, fired, actor, now);
  }

  /**
   * A write of ours left a step with every page failed: fires the next step at once (re-applied on a
   * lost race; nothing if the step fired last is another, or none is left), then tells the leads and
   * pages it.
   */
  private async onUnreachable(
    stored: StoredAlert,
    seq: number,
    actor: Actor,
    now: Date,
  ): Promise<StoredAlert> {
    const policy = await this.policyFor(stored.alert);
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
      await this.refresh(after.alert);
      return after;
    }
    const paged = await this.pageStep(after, actor, now);
    await this.scheduleAfterChange(paged.alert, now);
    return paged;
  }

  /** The people (and the channel) a step's targets mean now, each once (StepRecipients). */
  recipients(targets: EscalationTarget[], now: Date): Promise<PageRecipients> {
    return this.who.of(targets, now);
  }

  /** Commits a domain change; undefined when the domain refused (nothing to do), 'lost' on a lost race. */
  private async commit(
    stored: StoredAlert,
    outcome: AlertOutcome,
  ): Promise<StoredAlert | 'lost' | undefined> {
    if (!outcome.ok) return undefined;
    const saved = await this.deps.alerts.update(outcome.alert, stored.etag);
    return saved.ok ? saved.value : 'lost';
  }

  private async refresh(alert: Alert): Promise<void> {
    await this.deps.notifier
      .refreshCard(alert)
      .catch((err) =>
        this.deps.logger?.error({ err, alertId: alert.id }, 'refreshing the alert card failed'),
      );
  }
}
