import { exerciseOfferedTo, type Decision, type DecisionExerciseTag } from '../../domain/decisions';
import { hasRole, type Member } from '../../domain/people/member';
import {
  bandForScore,
  closeRisk,
  decideEscalation,
  editRisk,
  escalateIfAboveAppetite,
  escalateRisk,
  ESCALATION_CHOICE_LABELS,
  mayChangeRisk,
  raiseRisk,
  requireMayChangeRisk,
  repeatsLastDecision,
  rescoreRisk,
  riskExerciseTag,
  type CloseRiskInput,
  type DecideEscalationInput,
  type EscalateRiskInput,
  type RescoreRiskInput,
  type Risk,
  type RiskAppetiteInput,
  type RiskBandTable,
  type RiskChangeKind,
  type RiskInput,
} from '../../domain/risk';
import type { EventSource } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import { formatUkDateTime } from '../../domain/shared/time';
import type { Directory } from '../directory';
import { actorOf } from './actor';
import type { DecisionExercises, DecisionLog } from './decision-log';
import { ATTEMPTS, shortRef } from './ids';
import type { RiskEscalationNotifier, RiskRepository, StoredRisk, StoredRiskPolicy } from './ports';
import type { RiskSettings } from './risk-settings';

/** What a change to a risk came to: the risk now, and whether it has just gone to the ICS cyber group. */
export interface RiskChangeResult {
  risk: Risk;
  /** True when this change escalated the risk (above appetite, or by hand). */
  escalated: boolean;
  /** False when nothing changed (the same values again). */
  changed: boolean;
}

export interface DecisionOnRisk {
  risk: Risk;
  decision: Decision;
  /** True when this was the same decision again from the same lead: nothing new was recorded or sent. */
  repeated: boolean;
}

/** How a risk is raised besides its fields (issue 21). */
export interface RaiseRiskOptions {
  /** The form's "Part of the exercise" toggle. */
  partOfExercise?: boolean;
  /**
   * The Teams messages it was raised from, as the activity names them (the thread's first message, the
   * message of "Raise as risk"): an exercise alert's card among them makes it that exercise's.
   */
  fromMessages?: readonly string[];
}

/**
 * The shared ICS risk register: members raise risks; members of a risk's organisation and leads edit,
 * re-score, escalate and close it (only leads while it is escalated); leads decide on escalated ones. Every
 * change is conditional on the risk's ETag; after a lost race the change is tried again on the fresh risk,
 * where the domain rules (who may, and whether it still makes sense) are checked again.
 */
export class RiskRegister {
  constructor(
    private readonly risks: RiskRepository,
    private readonly decisionLog: DecisionLog,
    private readonly settings: RiskSettings,
    private readonly directory: Directory,
    private readonly notifier: RiskEscalationNotifier,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Absent: no risk is ever an exercise's. */
    private readonly exercises?: DecisionExercises,
  ) {}

  /**
   * The running exercise the caller's risk form offers to raise for ("Part of the exercise <name>"), or
   * none: only its participants and lead are offered one.
   */
  async exerciseOffered(caller: Member | undefined): Promise<DecisionExerciseTag | undefined> {
    if (!caller || !this.exercises) return undefined;
    return exerciseOfferedTo(await this.exercises.running(), caller.aadObjectId);
  }

  /**
   * A member raises a risk. It is an exercise's when its raiser leads or takes part in a running exercise
   * and it was raised from that exercise's alert card or thread, or with the form's toggle on (decided from
   * the caller's Entra id and the Teams activity, never from card data): then it is kept out of the real
   * register and shown in the exercise's report.
   */
  async raise(
    caller: Member | undefined,
    input: RiskInput,
    source: EventSource,
    options: RaiseRiskOptions = {},
  ): Promise<RiskChangeResult> {
    const member = this.directory.require(caller, 'member', 'raise risks');
    const policy = await this.settings.policy();
    const exercise = await this.exerciseTagFor(member, options);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const result = raiseRisk(input, {
        id: shortRef('R', this.ids),
        actor: actorOf(member, source),
        at: this.clock.now(),
        policy,
        exercise,
      });
      await this.requireKnownOrganisation(result.risk.orgCode);
      const res = await this.risks.create(result.risk);
      if (!res.ok) continue;
      const escalated = !!result.escalation;
      if (escalated) await this.notifier.postEscalation(res.value.risk);
      return { risk: res.value.risk, escalated, changed: true };
    }
    throw new CtacError('unavailable', 'Could not find a free risk reference; please try again.');
  }

  async get(caller: Member | undefined, id: string): Promise<Risk> {
    this.directory.require(caller, 'member', 'see risks');
    return (await this.load(id)).risk;
  }

  /** The risk for its edit form, refused (`forbidden`) to anyone who may not edit it. */
  async forEditing(caller: Member | undefined, id: string): Promise<Risk> {
    const member = this.directory.require(caller, 'member', 'edit risks');
    const { risk } = await this.load(id);
    await this.requireMayChange(risk, member, 'edit');
    return risk;
  }

  /** Open real risks (every status but closed; no exercise's), highest score first. */
  async listOpen(caller: Member | undefined): Promise<Risk[]> {
    this.directory.require(caller, 'member', 'see the risk register');
    return this.inCurrentBands(await this.risks.listOpen());
  }

  /**
   * Open real risks waiting for the ICS cyber group's decision, highest score first: what the leads'
   * escalation queue shows (one query of the open index rows with that status).
   */
  async listEscalated(caller: Member | undefined): Promise<Risk[]> {
    this.directory.require(caller, 'member', 'see the risk register');
    return this.inCurrentBands(await this.risks.listOpenEscalated());
  }

  async edit(
    caller: Member | undefined,
    id: string,
    input: RiskInput,
    source: EventSource,
  ): Promise<RiskChangeResult> {
    const member = this.directory.require(caller, 'member', 'edit risks');
    return this.change(id, { member, kind: 'edit' }, (risk) => {
      const res = editRisk(risk, input, { actor: actorOf(member, source), at: this.clock.now() });
      return { risk: res.risk, changed: !!res.event, escalated: false };
    });
  }

  async rescore(
    caller: Member | undefined,
    id: string,
    input: RescoreRiskInput,
    source: EventSource,
  ): Promise<RiskChangeResult> {
    const member = this.directory.require(caller, 'member', 're-score risks');
    const policy = await this.settings.policy();
    return this.change(id, { member, kind: 're-score' }, (risk) => {
      const res = rescoreRisk(risk, input, {
        actor: actorOf(member, source),
        at: this.clock.now(),
        policy,
      });
      return { risk: res.risk, changed: !!res.event, escalated: !!res.escalation };
    });
  }

  async close(
    caller: Member | undefined,
    id: string,
    input: CloseRiskInput,
    source: EventSource,
  ): Promise<RiskChangeResult> {
    const member = this.directory.require(caller, 'member', 'close risks');
    return this.change(id, { member, kind: 'close' }, (risk) => ({
      risk: closeRisk(risk, input, { actor: actorOf(member, source), at: this.clock.now() }).risk,
      changed: true,
      escalated: false,
    }));
  }

  /** A member of the risk's organisation, or a lead, sends it to the ICS cyber group by hand, saying why. */
  async escalate(
    caller: Member | undefined,
    id: string,
    input: EscalateRiskInput,
    source: EventSource,
  ): Promise<RiskChangeResult> {
    const member = this.directory.require(caller, 'member', 'escalate risks');
    return this.change(id, { member, kind: 'escalate' }, (risk) => ({
      risk: escalateRisk(risk, input, { actor: actorOf(member, source), at: this.clock.now() })
        .risk,
      changed: true,
      escalated: true,
    }));
  }

  /**
   * A lead decides on an escalated risk. The decision is written on the risk first, together with a copy
   * waiting for the decision log, and then into the log (by its id, so a retry cannot log it twice); a crash in
   * between is finished by the next reader of the risk. Anyone below lead is refused and nothing changes.
   * The same decision again from the same lead answers with the first one (idempotent). Every decision, from
   * the card or the tab, then shows wherever the risk's cards are in Teams (the notifier).
   */
  async decide(
    caller: Member | undefined,
    id: string,
    input: DecideEscalationInput,
    source: EventSource,
  ): Promise<DecisionOnRisk> {
    if (!caller)
      throw new CtacError(
        'not_a_member',
        'Only leads of the ICS cyber group can decide on escalated risks. Nothing was changed.',
      );
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.load(id);
      const { risk } = stored;
      const lead = hasRole(caller, 'lead');
      if (lead && repeatsLastDecision(risk, input, caller.aadObjectId)) {
        const first = await this.decisionLog.get(caller, risk.lastDecision!.decisionId);
        if (first) return { risk, decision: first, repeated: true };
      }
      if (risk.status !== 'escalated' && risk.lastDecision && lead) {
        const d = risk.lastDecision;
        throw new CtacError(
          'conflict',
          `${d.by.name} already decided on this risk on ${formatUkDateTime(d.at)}: ${ESCALATION_CHOICE_LABELS[d.choice]}.`,
        );
      }
      const result = decideEscalation(risk, input, {
        actor: actorOf(caller, source),
        at: this.clock.now(),
        role: caller.role,
        decisionId: shortRef('D', this.ids),
      });
      const saved = await this.risks.update(result.risk, stored.etag, {
        pendingDecision: result.decision,
      });
      if (!saved.ok) continue;
      await this.flushPending(saved.value);
      await this.notifier.decided(saved.value.risk, result.decision);
      return { risk: saved.value.risk, decision: result.decision, repeated: false };
    }
    throw conflict();
  }

  /**
   * An admin sets the risk appetite; open risks now above their organisation's appetite go to the ICS cyber
   * group straight away, as a new risk would. Returns the saved policy and the risks escalated.
   */
  async setAppetite(
    caller: Member | undefined,
    input: RiskAppetiteInput,
    etag: string | undefined,
    source: EventSource,
  ): Promise<{ saved: StoredRiskPolicy; escalated: Risk[] }> {
    const saved = await this.settings.setAppetite(caller, input, etag);
    const admin = caller as Member;
    const escalated: Risk[] = [];
    for (const open of await this.risks.listOpen()) {
      if (open.status !== 'open') continue;
      const result = await this.change(open.id, undefined, (risk) => {
        if (risk.status !== 'open') return { risk, changed: false, escalated: false };
        const res = escalateIfAboveAppetite(risk, saved.policy.appetite, {
          actor: actorOf(admin, source),
          at: this.clock.now(),
        });
        return { risk: res.risk, changed: !!res.escalation, escalated: !!res.escalation };
      });
      if (result.escalated) escalated.push(result.risk);
    }
    return { saved, escalated };
  }

  /** Every real risk (no exercise's), closed ones too, for the register export (leads). */
  async listAll(caller: Member | undefined): Promise<Risk[]> {
    this.directory.require(caller, 'lead', 'export the risk register');
    return this.inCurrentBands(await this.risks.listAll());
  }

  /**
   * Applies a change to the freshly read risk and saves it. `by` is the person changing it, checked on every
   * attempt against the risk as it is then (it may have been escalated meanwhile); undefined for changes the
   * system makes (escalation after an admin lowers the appetite).
   */
  private async change(
    id: string,
    by: { member: Member; kind: RiskChangeKind } | undefined,
    apply: (risk: Risk) => RiskChangeResult,
  ): Promise<RiskChangeResult> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await this.load(id);
      if (by) await this.requireMayChange(stored.risk, by.member, by.kind);
      const result = apply(stored.risk);
      if (!result.changed) return result;
      const saved = await this.risks.update(result.risk, stored.etag);
      if (!saved.ok) continue;
      if (result.escalated) await this.notifier.postEscalation(saved.value.risk);
      return { ...result, risk: saved.value.risk };
    }
    throw conflict();
  }

  /**
   * Reads a risk, first finishing any decision that reached the risk but not yet the log, in the band its
   * score falls in under the bands in force (so the next save stores that band too).
   */
  private async load(id: string): Promise<StoredRisk> {
    const stored = await this.risks.get(id);
    if (!stored)
      throw new CtacError('not_found', `There is no risk ${id.slice(0, 40)} on the register.`);
    const flushed = stored.pendingDecision ? await this.flushPending(stored) : stored;
    const [risk] = await this.inCurrentBands([flushed.risk]);
    return { ...flushed, risk: risk! };
  }

  /**
   * The band is a reading of the score against the bands admins set: when they change the bands, every risk
   * reads in its new band at once. The band a risk had when it was rated stays in its history.
   */
  private async inCurrentBands(risks: Risk[]): Promise<Risk[]> {
    if (risks.length === 0) return risks;
    const { bands } = await this.settings.policy();
    return risks.map((risk) => withBand(risk, bands));
  }

  private async flushPending(stored: StoredRisk): Promise<StoredRisk> {
    if (!stored.pendingDecision) return stored;
    await this.decisionLog.record(stored.pendingDecision);
    const cleared = await this.risks.clearPending(stored.risk.id, stored.etag);
    return cleared.ok ? cleared.value : stored;
  }

  private async exerciseTagFor(
    member: Member,
    options: RaiseRiskOptions,
  ): Promise<DecisionExerciseTag | undefined> {
    if (!this.exercises) return undefined;
    const running = await this.exercises.running();
    if (!running.length) return undefined;
    const found = await Promise.all(
      [...new Set(options.fromMessages ?? [])]
        .filter(Boolean)
        .slice(0, 4)
        .map((m) => this.exercises!.exerciseOfAlertMessage(m)),
    );
    return riskExerciseTag({
      running,
      personId: member.aadObjectId,
      fromExerciseAlerts: found.filter((id): id is string => !!id),
      partOfExercise: options.partOfExercise === true,
    });
  }

  private async requireMayChange(risk: Risk, member: Member, kind: RiskChangeKind): Promise<void> {
    if (mayChangeRisk(risk, member)) return;
    // The organisation is looked up only to name it in the refusal.
    const org = (await this.directory.listOrganisations()).find((o) => o.code === risk.orgCode);
    requireMayChangeRisk(risk, member, kind, org ? `${org.name} (${org.code})` : risk.orgCode);
  }

  private async requireKnownOrganisation(code: string): Promise<void> {
    const orgs = await this.directory.listOrganisations();
    if (!orgs.some((o) => o.code === code))
      throw new CtacError('validation', 'Please check the risk details.', [
        `There is no organisation with the code ${code}. Choose one from the list.`,
      ]);
  }
}

const withBand = (risk: Risk, bands: RiskBandTable): Risk => {
  const band = bandForScore(risk.score, bands).name;
  return band === risk.band ? risk : { ...risk, band };
};

const conflict = () =>
  new CtacError(
    'conflict',
    'Several people changed this risk at the same moment. Nothing of yours was saved; please try again.',
  );
