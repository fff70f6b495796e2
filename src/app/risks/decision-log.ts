import {
  decisionExerciseTag,
  exerciseOfferedTo,
  logDecision,
  markSuperseded,
  mayAttributeDecision,
  requireMayAttributeDecision,
  supersede,
  type Decision,
  type DecisionExerciseTag,
  type DecisionInput,
  type DecisionLogEntry,
  type DecisionMaker,
  type RunningExerciseOf,
} from '../../domain/decisions';
import type { Member } from '../../domain/people/member';
import type { Organisation } from '../../domain/people/organisation';
import type { EventSource } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Directory } from '../directory';
import { actorOf } from './actor';
import { ATTEMPTS, shortRef } from './ids';
import type { DecisionRepository } from './ports';

/** What the decision log asks of exercise mode (issue 21), to tag a decision logged as part of one. */
export interface DecisionExercises {
  /** The exercises running now. */
  running(): Promise<RunningExerciseOf[]>;
  /** The id of the exercise an alert belongs to, when it is an exercise's alert. */
  exerciseOfAlert(alertId: string): Promise<string | undefined>;
  /** The id of the running exercise whose alert card is the Teams message with this id, if any. */
  exerciseOfAlertMessage(messageId: string): Promise<string | undefined>;
}

/** How a decision is logged besides its fields. */
export interface LogDecisionOptions {
  /** The form's "Part of the exercise" toggle. */
  partOfExercise?: boolean;
  /**
   * The Teams messages it was logged from, as the activity names them (the thread's first message, the
   * message of "Log as decision"): an exercise alert's card among them makes it that exercise's.
   */
  fromMessages?: readonly string[];
}

/** The most decisions the chat lists at once. */
export const RECENT_DECISIONS = 10;

/**
 * The decision log: members log decisions and correct them by superseding; nothing is edited in place. Each
 * entry is recorded as its logger's (name and organisation from the directory, whatever the form says), and
 * only leads may log or correct a decision as the ICS cyber group's or another organisation's.
 */
export class DecisionLog {
  constructor(
    private readonly decisions: DecisionRepository,
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    /** Absent: no decision is ever an exercise's. */
    private readonly exercises?: DecisionExercises,
  ) {}

  /**
   * The running exercise the caller's decision form offers to log for ("Part of the exercise <name>"), or
   * none: only its participants and lead are offered one.
   */
  async exerciseOffered(caller: Member | undefined): Promise<DecisionExerciseTag | undefined> {
    if (!caller || !this.exercises) return undefined;
    return exerciseOfferedTo(await this.exercises.running(), caller.aadObjectId);
  }

  /**
   * Who the caller may name as having made a decision, for the form to offer only those: the organisations
   * (all, for a lead; their own, for a member) and whether the ICS cyber group. `log` checks again.
   */
  async attributionChoices(
    caller: Member | undefined,
  ): Promise<{ organisations: Organisation[]; group: boolean }> {
    const may = (maker: DecisionMaker) => !!caller && mayAttributeDecision(maker, caller);
    return {
      organisations: (await this.directory.listOrganisations()).filter((o) => may(o.code)),
      group: may('ics-cyber-group'),
    };
  }

  /**
   * A member logs a decision (from the `decision` form or the message action). It is an exercise's when its
   * logger leads or takes part in a running exercise and it relates to that exercise's alert or the form's
   * toggle is on (decided from the caller's Entra id, never from card data).
   */
  async log(
    caller: Member | undefined,
    input: DecisionInput,
    source: EventSource,
    options: LogDecisionOptions = {},
  ): Promise<Decision> {
    const member = this.directory.require(caller, 'member', 'log decisions');
    const at = this.clock.now();
    const exercise = await this.exerciseTagFor(member, input, options);
    const make = (id: string) =>
      logDecision(input, {
        id,
        actor: actorOf(member, source),
        at,
        actorOrgCode: member.orgCode || undefined,
        exercise,
      });
    const first = make(shortRef('D', this.ids));
    await this.requireMayAttribute(first.decidedBy, member, 'log');
    return this.createWithFreshId(first, make);
  }

  /** A member corrects a decision: a new decision supersedes it, and both stay in the log. */
  async supersede(
    caller: Member | undefined,
    oldId: string,
    correction: DecisionInput,
    source: EventSource,
  ): Promise<Decision> {
    const member = this.directory.require(caller, 'member', 'correct decisions');
    const old = await this.forCorrection(member, oldId);
    const at = this.clock.now();
    const make = (id: string) =>
      supersede(
        old,
        { ...correction, id },
        actorOf(member, source),
        at,
        member.orgCode || undefined,
      );
    const first = make(shortRef('D', this.ids));
    if (first.decidedBy !== old.decidedBy)
      await this.requireMayAttribute(first.decidedBy, member, 'log');
    return this.createWithFreshId(first, make);
  }

  /**
   * The decision for its correction form, refused (`forbidden`) to a member when it is the ICS cyber group's
   * or another organisation's: a correction would mark it superseded.
   */
  async forCorrection(caller: Member | undefined, id: string): Promise<Decision> {
    const member = this.directory.require(caller, 'member', 'correct decisions');
    const old = await this.decisions.get(id);
    if (!old)
      throw new CtacError('not_found', `There is no decision ${id.slice(0, 40)} in the log.`);
    await this.requireMayAttribute(old.decidedBy, member, 'correct');
    return old;
  }

  async get(caller: Member | undefined, id: string): Promise<Decision | undefined> {
    this.directory.require(caller, 'member', 'see the decision log');
    return this.decisions.get(id);
  }

  /**
   * The most recent real decisions (no exercise's), newest first, each marked with the decision that
   * supersedes it, if any.
   */
  async listRecent(
    caller: Member | undefined,
    limit = RECENT_DECISIONS,
  ): Promise<DecisionLogEntry[]> {
    this.directory.require(caller, 'member', 'see the decision log');
    return markSuperseded(await this.decisions.listRecent(limit));
  }

  /** The whole real log (no exercise's decisions), superseded decisions too, for the export (leads). */
  async listAll(caller: Member | undefined): Promise<Decision[]> {
    this.directory.require(caller, 'lead', 'export the decision log');
    return this.decisions.listAll();
  }

  /** Writes a decision made elsewhere (an escalation decided on a risk); a second write of the same id is a no-op. */
  async record(decision: Decision): Promise<void> {
    await this.decisions.create(decision);
  }

  private async exerciseTagFor(
    member: Member,
    input: DecisionInput,
    options: LogDecisionOptions,
  ): Promise<DecisionExerciseTag | undefined> {
    if (!this.exercises) return undefined;
    const running = await this.exercises.running();
    if (!running.length) return undefined;
    const related = input.related as { kind?: unknown; id?: unknown } | undefined;
    const alertId =
      related &&
      typeof related === 'object' &&
      related.kind === 'alert' &&
      typeof related.id === 'string'
        ? related.id.trim()
        : '';
    const found = await Promise.all([
      alertId ? this.exercises.exerciseOfAlert(alertId) : undefined,
      ...[...new Set(options.fromMessages ?? [])]
        .filter(Boolean)
        .slice(0, 4)
        .map((m) => this.exercises!.exerciseOfAlertMessage(m)),
    ]);
    return decisionExerciseTag({
      running,
      personId: member.aadObjectId,
      fromExerciseAlerts: found.filter((id): id is string => !!id),
      partOfExercise: options.partOfExercise === true,
    });
  }

  /** Decisions name an organisation only by a code the directory knows, and only as far as the caller may. */
  private async requireMayAttribute(
    decidedBy: DecisionMaker,
    member: Member,
    doing: 'log' | 'correct',
  ): Promise<void> {
    const names: Record<string, string> = Object.fromEntries(
      (await this.directory.listOrganisations()).map((o) => [o.code, o.name]),
    );
    const unknownOrg =
      decidedBy !== 'forum' && decidedBy !== 'ics-cyber-group' && !Object.hasOwn(names, decidedBy);
    // A decision already in the log may name an organisation since removed: it can still be corrected.
    if (unknownOrg && doing === 'log')
      throw new CtacError('validation', 'Please check the decision details.', [
        `There is no organisation with the code ${decidedBy}. Choose who decided from the list.`,
      ]);
    requireMayAttributeDecision(decidedBy, member, doing, names);
  }

  /** Saves `first`, or on the rare clash of references the same decision under a fresh one. */
  private async createWithFreshId(
    first: Decision,
    make: (id: string) => Decision,
  ): Promise<Decision> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const decision = attempt === 0 ? first : make(shortRef('D', this.ids));
      const res = await this.decisions.create(decision);
      if (res.ok) return res.value;
    }
    throw new CtacError(
      'unavailable',
      'Could not find a free decision reference; please try again.',
    );
  }
}
