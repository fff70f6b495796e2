import type { Logger } from 'pino';
import {
  acknowledge,
  addNote,
  applyUpdate,
  dedupKeyOf,
  escalateNow,
  isOpen,
  normaliseIncomingAlert,
  postedAs,
  raiseAlert,
  recordPosted,
  resolve,
  snooze,
  type Alert,
  type AlertOutcome,
  type ChannelPost,
  type ExerciseTag,
  type IncomingAlert,
  type OpenAlertSummary,
} from '../../domain/alerts';
import type { Member } from '../../domain/people/member';
import type { Actor, EventSource } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Directory } from '../directory';
import type { Metrics } from '../metrics';
import type { AlertEscalation } from './alert-escalation';
import type { AlertNotifier, AlertRepository, StoredAlert } from './ports';

export interface AlertServiceDeps {
  alerts: AlertRepository;
  notifier: AlertNotifier;
  directory: Pick<Directory, 'require'>;
  escalation: AlertEscalation;
  clock: Clock;
  ids: IdGenerator;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** Counts new alerts (telemetry). */
  metrics?: Pick<Metrics, 'alertIngested'>;
  /**
   * Starts following up an HSA with the organisations when it is raised or changed (HsaResponses.follow),
   * so their responses and reminders outlive the channel alert.
   */
  followUpHsa?(alert: Alert, opts?: { raised?: boolean }): Promise<void>;
}

/** Longest alert id anyone types; anything longer is not an alert id. */
const MAX_TYPED_ID = 128;

/** Re-reads allowed after lost ETag races before giving up (see change()). */
const MAX_ATTEMPTS = 5;

/** What ingesting an alert did: a new alert (new card), nothing (same content again), or an update in place. */
export interface IngestResult {
  outcome: 'created' | 'duplicate' | 'updated';
  alert: Alert;
}

/** Who does something to an alert from Teams or the tab: a member (checked), and where from. */
export interface AlertCaller {
  member: Member | undefined;
  source: EventSource;
}

/**
 * The alert use cases: ingest from any sender, and the card's actions. Every change is conditional on
 * the alert's ETag; a lost race is re-read once, so the loser of two acknowledgements gets the domain's
 * "Already acknowledged by X at T" rather than an error.
 */
export class AlertService {
  /** Card updates queued in the background, by alert id (the latest of each chain). */
  private readonly refreshing = new Map<string, Promise<void>>();
  /** Told of each alert a change resolved (post-incident reviews), after it is stored. */
  private readonly resolvedListeners: ((alert: Alert) => Promise<void>)[] = [];

  constructor(private readonly deps: AlertServiceDeps) {}

  /** Calls `listener` after each change that resolves an alert; a failure is logged, never the caller's. */
  onResolved(listener: (alert: Alert) => Promise<void>): void {
    this.resolvedListeners.push(listener);
  }

  /**
   * Takes an alert from the webhook, the NHS poller or the chat. The same source and dedup key never
   * makes a second alert: changed content updates the existing one (and its card) with an `updated`
   * event; the same content again is a duplicate and changes nothing. With `createOnly` (a member in
   * the chat, who is not the sender) an alert already there is left exactly as it is and answered as
   * a duplicate. `alertId` names a new alert (the webhook's inbox chose it when it answered). Throws a
   * `validation` CtacError listing every problem with the alert.
   */
  async ingest(
    incoming: IncomingAlert,
    actor: Actor,
    opts: {
      createOnly?: boolean;
      alertId?: string;
      exercise?: ExerciseTag;
      /**
       * The sender's first version, just accepted by the webhook's inbox: almost always a new alert,
       * so the create is tried before any look for one (the create fails when one is there, and the
       * next pass looks as usual).
       */
      likelyNew?: boolean;
      /**
       * The webhook's inbox, applying the sender's first version (issue 18): a new alert is made with its
       * first escalation step fired in the same write when its policy pages at once, and that step is
       * paged here once its card is queued, not by the escalation job. An alert this id made already is
       * paged now if it shows no page (a crash came between making it and paging).
       */
      firesFirstStep?: boolean;
    } = {},
  ): Promise<IngestResult> {
    const clean = normaliseIncomingAlert(incoming);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.deps.clock.now();
      const existing =
        opts.likelyNew && attempt === 0
          ? undefined
          : await this.deps.alerts.findByDedupKey(clean.source, clean.dedupKey);
      if (existing) {
        // An exercise's alert and a real one never change each other, whatever id a sender picks.
        if (existing.alert.exercise?.id !== opts.exercise?.id)
          throw new CtacError(
            'conflict',
            `The id ${clean.dedupKey} belongs to another alert; please send it with another id.`,
          );
        if (opts.createOnly) return { outcome: 'duplicate', alert: existing.alert };
        // Made by this id's first version, whose pages a crash may have stopped (see firesFirstStep).
        const ours = opts.firesFirstStep && existing.alert.id === opts.alertId;
        const change = applyUpdate(existing.alert, clean, actor, now);
        if (change === 'unchanged') {
          if (!ours) return { outcome: 'duplicate', alert: existing.alert };
          const paged = await this.deps.escalation.pageFirstStep(existing, now);
          return { outcome: 'duplicate', alert: paged.alert };
        }
        const saved = await this.deps.alerts.update(change.alert, existing.etag);
        if (!saved.ok) continue;
        await this.afterChange(saved.value.alert, now);
        await this.followUpHsa(saved.value.alert);
        if (!ours) return { outcome: 'updated', alert: saved.value.alert };
        const paged = await this.deps.escalation.pageFirstStep(saved.value, now);
        return { outcome: 'updated', alert: paged.alert };
      }
      const id = opts.alertId ?? this.deps.ids.next();
      const { alert: raised } = raiseAlert(clean, { id, actor, at: now, exercise: opts.exercise });
      const alert = opts.firesFirstStep
        ? await this.deps.escalation.fireAtRaise(raised, now)
        : raised;
      const created = await this.deps.alerts.create(alert);
      // Another sender created it first: the next pass treats ours as a duplicate or an update.
      if (!created.ok) continue;
      if (!opts.exercise) this.deps.metrics?.alertIngested(created.value.alert);
      await this.followUpHsa(created.value.alert, { raised: true });
      await this.deps.escalation.scheduleAfterChange(created.value.alert, now);
      await this.deps.notifier
        .postToChannel(created.value.alert)
        .catch((err) =>
          this.deps.logger?.error({ err, alertId: alert.id }, 'posting the alert card failed'),
        );
      // After the card is queued: a step asking the channel replies in the card's thread.
      if (!opts.firesFirstStep) return { outcome: 'created', alert: created.value.alert };
      const paged = await this.deps.escalation.pageFirstStep(created.value, now);
      return { outcome: 'created', alert: paged.alert };
    }
    throw new CtacError(
      'conflict',
      `The alert ${clean.source} ${clean.dedupKey} was changing too fast to take this version. Please send it again.`,
    );
  }

  /** The HSA's follow-up starts; a failure is logged (the reminder job follows open HSAs up too). */
  private async followUpHsa(alert: Alert, opts: { raised?: boolean } = {}): Promise<void> {
    if (alert.source !== 'hsa' || !this.deps.followUpHsa) return;
    await this.deps
      .followUpHsa(alert, opts)
      .catch((err) =>
        this.deps.logger?.error({ err, alertId: alert.id }, 'following up the HSA failed'),
      );
  }

  /** An alert for a member to look at; undefined when there is none with this id. */
  async get(caller: AlertCaller, alertId: string): Promise<Alert | undefined> {
    this.deps.directory.require(caller.member, 'member', 'see alerts');
    return (await this.deps.alerts.get(alertId))?.alert;
  }

  /**
   * The alert a person names in the chat (`ack ...`, `resolve ...`): its CTAC id, or else an HSA id
   * (CC-4719) or an incident sender's id. No id, or one longer than any id, is a `validation` error;
   * none matching is `not_found`.
   */
  async findNamed(caller: AlertCaller, typed: string): Promise<Alert> {
    const id = typed.trim();
    if (!id) throw new CtacError('validation', 'Say which alert, for example "ack A7K3Q9XM".');
    if (id.length > MAX_TYPED_ID) throw new CtacError('validation', 'That is not an alert id.');
    const byId = await this.get(caller, id.toUpperCase());
    if (byId) return byId;
    for (const source of ['hsa', 'incident'] as const) {
      const found = await this.deps.alerts.findByDedupKey(source, dedupKeyOf(source, id));
      if (found) return found.alert;
    }
    throw new CtacError(
      'not_found',
      `There is no alert "${id.slice(0, 40)}". Type "alerts" to see the open ones.`,
    );
  }

  /** The alert a sender's id names (e.g. an HSA id typed in the chat), for a member. */
  async findByDedupKey(
    caller: AlertCaller,
    source: Alert['source'],
    dedupKey: string,
  ): Promise<Alert | undefined> {
    this.deps.directory.require(caller.member, 'member', 'see alerts');
    if (!dedupKey.trim()) return undefined;
    return (await this.deps.alerts.findByDedupKey(source, dedupKey))?.alert;
  }

  /** Open alerts (triggered, acknowledged, snoozed), newest first. */
  async listOpen(caller: AlertCaller): Promise<OpenAlertSummary[]> {
    this.deps.directory.require(caller.member, 'member', 'see alerts');
    return this.deps.alerts.listOpen();
  }

  /** "I have it": stops the escalation. The loser of a race hears who acknowledged and when. */
  acknowledge(caller: AlertCaller, alertId: string): Promise<AlertOutcome> {
    return this.change(caller, alertId, 'acknowledge alerts', (alert, actor, now) =>
      acknowledge(alert, actor, now),
    );
  }

  /** Closes the alert with a note saying what was done. */
  resolve(caller: AlertCaller, alertId: string, note: string | undefined): Promise<AlertOutcome> {
    return this.change(caller, alertId, 'resolve alerts', (alert, actor, now) =>
      resolve(alert, note, actor, now),
    );
  }

  /** Pauses escalation until `until` (at most 7 days ahead); then the alert is triggered again. */
  snooze(caller: AlertCaller, alertId: string, until: Date): Promise<AlertOutcome> {
    return this.change(caller, alertId, 'snooze alerts', (alert, actor, now) =>
      snooze(alert, until, actor, now),
    );
  }

  /** Adds a note to the timeline, in any state. */
  addNote(caller: AlertCaller, alertId: string, note: string | undefined): Promise<AlertOutcome> {
    return this.change(caller, alertId, 'add notes to alerts', (alert, actor, now) =>
      addNote(alert, note, actor, now),
    );
  }

  /** Fires the next escalation step at once and pages its targets. */
  async escalateNow(caller: AlertCaller, alertId: string): Promise<AlertOutcome> {
    const member = this.deps.directory.require(caller.member, 'member', 'escalate alerts');
    const found = await this.deps.alerts.get(alertId);
    if (!found) throw unknownAlert(alertId);
    const policy = await this.deps.escalation.policyFor(found.alert);
    let stored: StoredAlert | undefined;
    const outcome = await this.change(
      caller,
      alertId,
      'escalate alerts',
      (alert, actor, now) => escalateNow(alert, policy, actor, now),
      (saved) => {
        stored = saved;
      },
      // Paging re-renders the card once the page is recorded.
      { refresh: false },
    );
    if (!outcome.ok || !stored) return outcome;
    const paged = await this.deps.escalation.pageStep(
      stored,
      actorOf(member, caller.source),
      this.deps.clock.now(),
    );
    return { ...outcome, alert: paged.alert };
  }

  /**
   * Records where the alert's card is in the channel (called by the Teams side once it is posted), so
   * actions update that message in place.
   */
  async recordPosted(
    alertId: string,
    post: ChannelPost & { digest?: boolean },
    actor: Actor,
  ): Promise<Alert> {
    return (await this.recordPostedFrom(alertId, post, actor)).alert;
  }

  /**
   * recordPosted for a card drawn from `drawn` (a storm digest's line drawn from a copy of the alert).
   * The write is conditional on the ETag of the alert it starts from, so `drawnCurrent` (it went on
   * `drawn`'s version) proves the card showed the alert as stored; when false, the alert changed after
   * it was drawn (here or elsewhere) and `alert` is the alert as it is now.
   */
  async recordPostedFrom(
    alertId: string,
    post: ChannelPost & { digest?: boolean },
    actor: Actor,
    drawn?: StoredAlert,
  ): Promise<{ alert: Alert; drawnCurrent: boolean }> {
    // A storm's alerts were drawn moments ago on their digest: a first try starts from the copy this
    // process read or wrote last, and three more read the alert as usual.
    const copy = this.deps.alerts.recent?.(alertId) ?? drawn;
    for (let attempt = copy ? 0 : 1; attempt < 4; attempt++) {
      const stored = attempt === 0 ? copy : await this.deps.alerts.get(alertId);
      if (!stored) throw unknownAlert(alertId);
      const { alert } = recordPosted(stored.alert, post, actor, this.deps.clock.now());
      const saved = await this.deps.alerts.update(alert, stored.etag);
      if (saved.ok) return { alert: saved.value.alert, drawnCurrent: stored.etag === drawn?.etag };
    }
    throw new CtacError('conflict', `Alert ${alertId} kept changing; its card was not recorded.`);
  }

  /**
   * Reads the alert, asks the domain, writes on the ETag; on a lost race re-reads and asks again, so the
   * answer reflects the winner's change. Several writers can race on a new alert (two people pressing,
   * the send queue recording where the card was posted, the escalation job), hence a few attempts.
   */
  private async change(
    caller: AlertCaller,
    alertId: string,
    doing: string,
    apply: (alert: Alert, actor: Actor, now: Date) => AlertOutcome,
    onSaved?: (stored: StoredAlert) => void,
    opts: { refresh: boolean } = { refresh: true },
  ): Promise<AlertOutcome> {
    const member = this.deps.directory.require(caller.member, 'member', doing);
    const actor = actorOf(member, caller.source);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.deps.alerts.get(alertId);
      if (!stored) throw unknownAlert(alertId);
      const now = this.deps.clock.now();
      const outcome = apply(stored.alert, actor, now);
      if (!outcome.ok) return outcome;
      const saved = await this.deps.alerts.update(outcome.alert, stored.etag);
      if (!saved.ok) continue;
      onSaved?.(saved.value);
      await this.afterChange(saved.value.alert, now, opts.refresh);
      if (stored.alert.state !== 'resolved' && saved.value.alert.state === 'resolved')
        for (const listener of this.resolvedListeners)
          await listener(saved.value.alert).catch((err) =>
            this.deps.logger?.error({ err, alertId }, 'a listener for resolved alerts failed'),
          );
      return { ...outcome, alert: saved.value.alert };
    }
    throw new CtacError(
      'conflict',
      'Someone else changed this alert at the same moment. Please look at the card and try again.',
    );
  }

  /**
   * After a committed change: the timer (when the new state needs one) before answering, and the card
   * update for everyone else after: it is queued in the background, off the caller's path, one after
   * another per alert so an older card never overtakes a newer one.
   */
  private async afterChange(alert: Alert, now: Date, refresh = true): Promise<void> {
    await this.deps.escalation.scheduleAfterChange(alert, now);
    if (!refresh) return;
    const previous = this.refreshing.get(alert.id);
    const queueUpdate = () => this.deps.notifier.refreshCard(alert);
    const next: Promise<void> = (previous ? previous.then(queueUpdate) : queueUpdate())
      .catch((err) =>
        this.deps.logger?.error({ err, alertId: alert.id }, 'refreshing the alert card failed'),
      )
      .finally(() => {
        if (this.refreshing.get(alert.id) === next) this.refreshing.delete(alert.id);
      });
    this.refreshing.set(alert.id, next);
  }

  /**
   * Makes sure an open alert's card reaches the channel: after a crash between storing an alert and
   * queueing its card, a re-sent alert is only a duplicate, so nothing else would ever post it.
   */
  async ensurePosted(alertId: string): Promise<void> {
    const stored = await this.deps.alerts.get(alertId);
    if (!stored || !isOpen(stored.alert)) return;
    if (postedAs(stored.alert)) {
      await this.deps.alerts.markPostedAlert?.(stored.alert);
      return;
    }
    await this.deps.notifier.ensurePosted?.(stored.alert);
  }

  /** Resolves once every card update started so far is queued (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.refreshing.size) await Promise.all([...this.refreshing.values()]);
  }
}

const actorOf = (member: Member, source: EventSource): Actor => ({
  id: member.aadObjectId,
  name: member.name,
  source,
});

const unknownAlert = (alertId: string) =>
  new CtacError(
    'not_found',
    `There is no alert ${String(alertId).slice(0, 40)}. The card may be out of date; type "alerts" to see the open ones.`,
  );
