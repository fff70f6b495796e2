import type { Logger } from 'pino';
import {
  escalateDue,
  mayBePaged,
  nextEscalation,
  nextFollowUpAt,
  policyFor,
  recordPageOutcome,
  recordPaged,
  stepReach,
  unsnoozeIfDue,
  type Alert,
  type AlertOutcome,
  type EscalatedEvent,
  type EscalationPolicy,
  type EscalationTarget,
} from '../../domain/alerts';
import { jobActor, type Actor } from '../../domain/shared/actor';
import type { MemberRepository } from '../ports';
import type {
  AlertActivityFeed,
  EscalationPolicyStore,
  EscalationTimerStore,
  TeamsPageOutcome,
} from './escalation-ports';
import type { PageDelivery } from './page-delivery';
import type { PageReceipt } from './page-receipts';
import type { AlertNotifier, AlertRepository, OnCallSource, StoredAlert } from './ports';
import { StepPager } from './step-pager';
import { StepRecipients, type PageRecipients } from './step-recipients';
import { UnreachableSteps } from './unreachable-steps';

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

/** Who fires escalation steps on the timeline: the escalation job, or a new alert's first step with it. */
const ESCALATION = jobActor('escalation');

/**
 * Escalation: when an alert's timer should next fire, firing due steps, and paging a step's targets.
 * Used by the escalation job (timers) and by "Escalate now" (people).
 */
export class AlertEscalation {
  /** Who a step pages, and telling the leads. */
  private readonly who: StepRecipients;
  /** Queuing a step's pages. */
  private readonly pager: StepPager;
  /** Page answers, and moving on from a step nobody could be reached by. */
  private readonly unreachable: UnreachableSteps;

  constructor(private readonly deps: AlertEscalationDeps) {
    this.who = new StepRecipients(deps);
    this.pager = new StepPager(deps, this.who);
    this.unreachable = new UnreachableSteps(deps, this.who, {
      policyFor: (alert) => this.policyFor(alert),
      pageStep: (stored, actor, now) => this.pageStep(stored, actor, now),
      scheduleAfterChange: (alert, now) => this.scheduleAfterChange(alert, now),
      refresh: (alert) => this.refresh(alert),
    });
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
   * A new alert with its first escalation step fired, when its policy pages at once: the step goes in
   * the write that makes the alert, so neither a second write nor a timer due now is needed for it
   * (issue 18). The caller pages it (`pageFirstStep`) once the alert is stored and its card queued.
   */
  async fireAtRaise(alert: Alert, now: Date): Promise<Alert> {
    if (alert.state !== 'triggered') return alert;
    const fired = escalateDue(alert, await this.policyFor(alert), now, ESCALATION);
    return fired.ok ? fired.alert : alert;
  }

  /**
   * Pages the first step of an alert made with it fired (`fireAtRaise`), unless the alert shows it paged
   * already or has moved on: acknowledged, resolved or snoozed since, or a later step fired. Called just
   * after the alert is made, and again when its making is applied once more after a crash before the
   * pages were sent (AlertInbox: `raised` still false), so those pages are not lost. A step that pages
   * nobody by name (it asks the channel) leaves nothing to show, so such a repeat asks again.
   */
  async pageFirstStep(stored: StoredAlert, now: Date): Promise<StoredAlert> {
    const timeline = stored.alert.timeline;
    if (stored.alert.state !== 'triggered') return stored;
    const steps = timeline.filter((e): e is EscalatedEvent => e.kind === 'escalated');
    const first = steps[0];
    if (steps.length !== 1 || first?.stepIndex !== 0) return stored;
    if (timeline.some((e) => e.kind === 'paged' && e.seq > first.seq)) return stored;
    return this.pageStep(stored, ESCALATION, now, first);
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
        stored = await this.unreachable.onUnreachable(stored, seq, actor, now);
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
   * Pages the targets of the step the alert's last `escalated` event fired (or `fired`), records who was paged
   * and re-renders the card. With delivery tracked, the step's pages (and each person's text and
   * email copy) are recorded first, re-applied to the latest alert on a lost race, and only then
   * queued: Teams' answers, recorded on the same alert as they come, never race that write.
   */
  async pageStep(
    stored: StoredAlert,
    actor: Actor,
    now: Date,
    /** The step to page: the alert's last event unless named (pageFirstStep). */
    fired: EscalatedEvent | undefined = undefined,
  ): Promise<StoredAlert> {
    const event = fired ?? stored.alert.timeline[stored.alert.timeline.length - 1];
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
    const unqueued = await this.pager.sendPages(stored.alert, recipients, event.seq);
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
          return this.unreachable.onUnreachable(current, event.seq, actor, now);
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
    const unqueued = await this.pager.sendPages(stored.alert, recipients, event.seq);
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
   * Records what Teams answered for a page (the outbox's callbacks), moving the escalation on at once
   * when that leaves every page of the step failed (UnreachableSteps).
   */
  recordTeamsPage(outcome: TeamsPageOutcome, actor: Actor, now: Date): Promise<void> {
    return this.unreachable.recordTeamsPage(outcome, actor, now);
  }

  /**
   * Records GOV.UK Notify's delivery receipt for a text or email (the receipts job), moving the
   * escalation on at once when a failed one leaves every page of the step failed (UnreachableSteps).
   */
  recordReceipt(receipt: PageReceipt, actor: Actor, now: Date): Promise<void> {
    return this.unreachable.recordReceipt(receipt, actor, now);
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
