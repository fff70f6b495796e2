import type { Logger } from 'pino';
import {
  escalateDue,
  escalateUnreachable,
  layerGapText,
  nextEscalation,
  nextFollowUpAt,
  policyFor,
  recordPaged,
  stepReach,
  unreachableStepText,
  unsnoozeIfDue,
  whoAStepPages,
  type Alert,
  type AlertOutcome,
  type EscalationPolicy,
  type EscalationTarget,
  type LayerGap,
} from '../../domain/alerts';
import { hasRole } from '../../domain/people/member';
import type { Actor } from '../../domain/shared/actor';
import type { MemberRepository } from '../ports';
import type {
  AlertActivityFeed,
  EscalationPolicyStore,
  EscalationTimerStore,
  TeamsPageOutcome,
} from './escalation-ports';
import type { BeyondTeams, PageDelivery } from './page-delivery';
import type { PageReceipt } from './page-receipts';
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
  logger?: Pick<Logger, 'warn' | 'error'>;
}

/**
 * Who a step's targets are right now, each once: Entra object ids with names, whether the channel is
 * in, and the rota gaps the step found with the leads to tell about them (Entra object ids).
 */
export interface PageRecipients {
  people: { id: string; name: string }[];
  channel: boolean;
  gaps: LayerGap[];
  leads: string[];
}

/**
 * Escalation: when an alert's timer should next fire, firing due steps, and paging a step's targets.
 * Used by the escalation job (timers) and by "Escalate now" (people).
 */
export class AlertEscalation {
  constructor(private readonly deps: AlertEscalationDeps) {}

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
    if (wake) await this.deps.timers.set(alert.id, wake);
  }

  /**
   * The job's move for one alert whose timer is due: wakes it from a snooze when its time has come,
   * then fires every step that is due, paging each. Each step is recorded with a conditional write
   * before anyone is paged, so two instances acting on the same alert page once: the loser's write
   * fails and it pages nobody. Answers when to look next.
   */
  async runDue(alertId: string, now: Date, actor: Actor): Promise<Date | undefined> {
    let stored = await this.deps.alerts.get(alertId);
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
   * Pages the targets of the step the alert's last `escalated` event fired, records who was paged
   * (re-reading on a lost race) and re-renders the card.
   */
  async pageStep(stored: StoredAlert, actor: Actor, now: Date): Promise<StoredAlert> {
    const event = stored.alert.timeline[stored.alert.timeline.length - 1];
    if (event?.kind !== 'escalated') return stored;
    const recipients = await this.recipients(event.targets, now);
    const delivery = this.deps.delivery;
    const plans = delivery
      ? await delivery.plan(recipients.people, now)
      : new Map<string, BeyondTeams>();
    const tracking = (name: string) => (delivery ? { escalationSeq: event.seq, name } : undefined);
    // Only people whose page was queued are recorded as paged.
    const paged: PageRecipients['people'] = [];
    for (const person of recipients.people)
      await this.deps.notifier.page(person.id, stored.alert, tracking(person.name)).then(
        async () => {
          paged.push(person);
          await this.deps.activityFeed
            ?.alertPaged(person.id, stored.alert)
            .catch((err) =>
              this.deps.logger?.warn(
                { err, alertId: stored.alert.id },
                'alerts: activity feed notification failed',
              ),
            );
        },
        (err) =>
          this.deps.logger?.error(
            { err, alertId: stored.alert.id, memberAadObjectId: person.id },
            'paging a member failed',
          ),
      );
    if (recipients.channel)
      await this.deps.notifier
        .replyInThread(
          stored.alert,
          `Nobody on call has acknowledged this ${stored.alert.severity} alert yet. Can anyone in the channel pick it up?`,
        )
        .catch((err) =>
          this.deps.logger?.error({ err, alertId: stored.alert.id }, 'asking the channel failed'),
        );
    await this.tellLeadsAboutGaps(stored.alert, recipients);
    let current = stored;
    let recorded = false;
    if (paged.length > 0) {
      const page = {
        stepIndex: event.stepIndex,
        ...(delivery ? { escalationSeq: event.seq } : {}),
        recipients: paged.map((p) => ({ ...p, ...plans.get(p.id) })),
      };
      for (let attempt = 0; attempt < 3; attempt++) {
        const saved = await this.deps.alerts.update(
          recordPaged(current.alert, page, actor, now).alert,
          current.etag,
        );
        if (saved.ok) {
          current = saved.value;
          recorded = true;
          break;
        }
        const again = await this.deps.alerts.get(stored.alert.id);
        if (!again) break;
        current = again;
      }
    }
    if (delivery && recorded) {
      // Teams failures reported before this step's pages were recorded: the write just made (whose
      // result `current` is) is the one that left the step unreachable, so it acts.
      if (stepReach(current.alert, event.seq) === 'unreachable')
        return this.onUnreachable(current, event.seq, actor, now);
      // Texts and email copies go from the escalation job (off the path of "Escalate now"): its
      // timer wakes for the first of them.
      if ([...plans.values()].some((p) => p.textAt || p.emailCopy))
        await this.scheduleAfterChange(current.alert, now);
    }
    await this.refresh(current.alert);
    return current;
  }

  /**
   * Records what Teams answered for a page (the outbox's callbacks). When that makes every page of the
   * step fail, the next step fires in the same write (not after its delay), the leads are told 1:1 and
   * the next step is paged. The write is conditional on the alert's ETag, so of two instances (or a
   * callback run again after a restart) one records it, and only the write that made the step
   * unreachable acts on it.
   */
  async recordTeamsPage(outcome: TeamsPageOutcome, actor: Actor, now: Date): Promise<void> {
    const delivery = this.deps.delivery;
    if (!delivery) return;
    const stored = await this.deps.alerts.get(outcome.alertId);
    if (!stored) return;
    const policy = await this.policyFor(stored.alert);
    const seq = outcome.escalationSeq;
    // Set by each application of the change: the last is the one whose write landed.
    let fired = false;
    const recorded = await delivery.recordOutcome(
      outcome.alertId,
      { escalationSeq: seq, person: outcome.person, channel: 'teams' },
      outcome.result,
      actor,
      outcome.at ?? now,
      (alert) => {
        const next = escalateUnreachable(alert, policy, seq, actor, now);
        fired = next.ok;
        return next.ok ? next.alert : alert;
      },
    );
    if (!recorded) return;
    const { before, after } = recorded;
    if (stepReach(before, seq) === 'unreachable' || stepReach(after.alert, seq) !== 'unreachable') {
      await this.refresh(after.alert);
      return;
    }
    await this.afterUnreachable(after, seq, fired, actor, now);
  }

  /**
   * Records GOV.UK Notify's delivery receipt for a text or email (the receipts job). A failed receipt
   * makes the page failed: when that leaves the step with every page failed, the next step fires in the
   * same write, the leads are told 1:1 and the next step is paged, as for Teams (recordTeamsPage). A
   * page has one receipt however often it is reported; a delivered one changes nothing on the card.
   */
  async recordReceipt(receipt: PageReceipt, actor: Actor, now: Date): Promise<void> {
    const delivery = this.deps.delivery;
    if (!delivery) return;
    const stored = await this.deps.alerts.get(receipt.alertId);
    if (!stored) return;
    const policy = await this.policyFor(stored.alert);
    const seq = receipt.page.escalationSeq;
    // Set by each application of the change: the last is the one whose write landed.
    let fired = false;
    const recorded = await delivery.recordReceipt(
      receipt.alertId,
      receipt.page,
      receipt.status,
      actor,
      now,
      (alert) => {
        const next = escalateUnreachable(alert, policy, seq, actor, now);
        fired = next.ok;
        return next.ok ? next.alert : alert;
      },
    );
    if (!recorded) return;
    const { before, after } = recorded;
    if (stepReach(before, seq) === 'unreachable' || stepReach(after.alert, seq) !== 'unreachable') {
      if (receipt.status !== 'delivered') await this.refresh(after.alert);
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
      await this.tellLeads(after.alert, unreachableStepText(after.alert, seq, movedTo));
    if (!movedTo) {
      await this.refresh(after.alert);
      return after;
    }
    const paged = await this.pageStep(after, actor, now);
    await this.scheduleAfterChange(paged.alert, now);
    return paged;
  }

  /**
   * The people (and the channel) a step's targets mean now, each person once: the domain decides from
   * who is on call in each rota layer and who the leads are (whoAStepPages).
   */
  async recipients(targets: EscalationTarget[], now: Date): Promise<PageRecipients> {
    const needs = (...kinds: EscalationTarget['kind'][]) =>
      targets.some((t) => kinds.includes(t.kind));
    const [onCall, members] = await Promise.all([
      needs('primary', 'secondary')
        ? this.deps.onCall.onCallNow(now)
        : { primary: [], secondary: [] },
      needs('primary', 'secondary', 'leads') ? this.deps.members.list() : undefined,
    ]);
    const leads = (members ?? []).filter((m) => hasRole(m, 'lead')).map((m) => m.aadObjectId);
    const step = whoAStepPages(targets, onCall, leads);
    const people: { id: string; name: string }[] = [];
    for (const id of step.people) {
      const member =
        members?.find((m) => m.aadObjectId.toLowerCase() === id) ??
        (await this.deps.members.get(id));
      // Someone no longer in CTAC is not paged.
      if (member) people.push({ id, name: member.name });
    }
    return { people, channel: step.channel, gaps: step.gaps, leads };
  }

  /** Each lead hears it in their own chat; a failure is logged and never stops the escalation. */
  private async tellLeads(alert: Alert, text: string): Promise<void> {
    const members = await this.deps.members.list();
    for (const lead of members.filter((m) => hasRole(m, 'lead')))
      await this.deps.notifier
        .messageMember(lead.aadObjectId, text)
        .catch((err) =>
          this.deps.logger?.error(
            { err, alertId: alert.id, memberAadObjectId: lead.aadObjectId },
            'alerts: telling a lead nobody could be reached failed',
          ),
        );
  }

  /** Each lead hears of each gap the step found, in their own chat; a failure never stops the page. */
  private async tellLeadsAboutGaps(alert: Alert, recipients: PageRecipients): Promise<void> {
    for (const gap of recipients.gaps)
      for (const lead of recipients.leads)
        await this.deps.notifier
          .messageMember(lead, layerGapText(gap, alert.title))
          .catch((err) =>
            this.deps.logger?.error(
              { err, alertId: alert.id, memberAadObjectId: lead },
              'alerts: telling a lead about a rota gap failed',
            ),
          );
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
