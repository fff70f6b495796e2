import type { Alert, ExerciseTag, IncomingAlert } from '../domain/alerts';
import {
  dueScenarioLines,
  endExercise,
  exerciseReminderDue,
  exerciseReport,
  exerciseReportMarkdown,
  exerciseTagOf,
  isExerciseId,
  markInjected,
  normaliseExerciseStart,
  parseScenario,
  scenarioAlertKey,
  type Exercise,
  type ExerciseDecisionLine,
  type ExerciseRiskLine,
  type ExerciseReport,
  type ExerciseStartInput,
} from '../domain/exercises';
import { hasRole, type Member } from '../domain/people/member';
import { jobActor, type Actor } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { IdGenerator } from '../domain/shared/ids';
import { formatUkDate } from '../domain/shared/time';
import type { Directory } from './directory';
import type { Conditional, MemberRepository } from './ports';

/** An exercise with the ETag its next conditional write must match. */
export interface StoredExercise {
  exercise: Exercise;
  etag: string;
}

/** What the 11-month reminder remembers: since when it watches, and the gap it last reminded about. */
export interface ExerciseReminderState {
  watchingSince?: string;
  remindedFor?: string;
  etag?: string;
}

/** Exercises in Table Storage (src/store/exercise-repository.ts). */
export interface ExerciseRepository {
  create(exercise: Exercise): Promise<Conditional<StoredExercise>>;
  get(id: string): Promise<StoredExercise | undefined>;
  update(exercise: Exercise, etag: string): Promise<Conditional<StoredExercise>>;
  /** Every exercise, newest first (a few a year). */
  list(): Promise<Exercise[]>;
  reminderState(): Promise<ExerciseReminderState>;
  /** Saves on the ETag (none: only if no state was saved yet); a lost race is a conflict. */
  saveReminderState(
    state: Omit<ExerciseReminderState, 'etag'>,
    etag: string | undefined,
  ): Promise<Conditional<void>>;
}

export interface ExercisesDeps {
  directory: Pick<Directory, 'require'>;
  members: Pick<MemberRepository, 'list'>;
  repository: ExerciseRepository;
  clock: Clock;
  ids: IdGenerator;
  /** The same use case as the webhook's (AlertService.ingest), with the exercise's tag. */
  ingest(
    incoming: IncomingAlert,
    actor: Actor,
    opts: { createOnly: true; exercise: ExerciseTag },
  ): Promise<{ alert: Alert }>;
  /** The alert a sender's id names (the injected alerts, by their scenario key). */
  findAlert(dedupKey: string): Promise<Alert | undefined>;
  /** The decisions logged as part of the exercise (tagged with it), oldest first. */
  decisionsOf(exerciseId: string): Promise<ExerciseDecisionLine[]>;
  /** The risks raised as part of the exercise (tagged with it); absent: none. */
  risksOf?(exerciseId: string): Promise<ExerciseRiskLine[]>;
  /** Lessons captured in the exercise's review. */
  lessons(exerciseId: string): Promise<string[]>;
  /** A 1:1 message to a member (the leads' reminder). */
  messageMember(aadObjectId: string, text: string): Promise<void>;
  logger?: { error(obj: object, msg: string): void };
}

const WRITE_ATTEMPTS = 5;
const INJECTOR = jobActor('exercise');

/**
 * Exercise mode (issue 21): leads start, inject and end exercises (decided from the caller's Entra id
 * through the directory); the scenario's alerts are created at their minutes through the webhook's use case,
 * tagged so they are marked EXERCISE and counted nowhere real.
 */
export class Exercises {
  constructor(private readonly deps: ExercisesDeps) {}

  /** The members a lead may choose from, by name. */
  async participantChoices(caller: Member | undefined): Promise<Member[]> {
    this.deps.directory.require(caller, 'lead', 'start exercises');
    return (await this.deps.members.list()).sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  }

  /** Starts an exercise and injects the lines due at once (minute 0). */
  async start(caller: Member | undefined, input: ExerciseStartInput): Promise<Exercise> {
    const lead = this.deps.directory.require(caller, 'lead', 'start exercises');
    const known = new Map(
      (await this.deps.members.list()).map((m) => [m.aadObjectId.toLowerCase(), m.name]),
    );
    const clean = normaliseExerciseStart(input, known);
    const exercise: Exercise = {
      id: this.newId(),
      ...clean,
      lead: { id: lead.aadObjectId.toLowerCase(), name: lead.name },
      injected: [],
      startedAt: this.deps.clock.now().toISOString(),
    };
    const created = await this.deps.repository.create(exercise);
    if (!created.ok) throw new CtacError('conflict', 'Please start the exercise again.');
    return this.injectDueFor(created.value);
  }

  /**
   * Adds scripted alerts to a running exercise (`minute | severity | title`, minutes from its start; a minute
   * passed already is due at once) and injects those due.
   */
  async inject(
    caller: Member | undefined,
    exerciseId: string,
    scenario: string,
  ): Promise<Exercise> {
    this.deps.directory.require(caller, 'lead', 'inject exercise alerts');
    const parsed = parseScenario(scenario);
    if (parsed.problems.length)
      throw new CtacError('validation', 'Please check the scenario.', parsed.problems);
    if (!parsed.lines.length)
      throw new CtacError('validation', 'Please check the scenario.', [
        'Type at least one alert: minute | severity | title.',
      ]);
    const saved = await this.change(exerciseId, (exercise) => {
      if (exercise.endedAt)
        throw new CtacError('conflict', `The exercise "${exercise.name}" has ended.`);
      const from = Math.max(0, ...exercise.scenario.map((l) => l.line));
      return {
        ...exercise,
        scenario: [
          ...exercise.scenario,
          ...parsed.lines.map((l, i) => ({ ...l, line: from + i + 1 })),
        ],
      };
    });
    return this.injectDueFor(saved);
  }

  /** Ends the exercise and gives its report. */
  async end(
    caller: Member | undefined,
    exerciseId: string,
    outcome: string,
  ): Promise<ExerciseReport> {
    const lead = this.deps.directory.require(caller, 'lead', 'end exercises');
    const by = { id: lead.aadObjectId.toLowerCase(), name: lead.name };
    const saved = await this.change(exerciseId, (exercise) =>
      endExercise(exercise, by, outcome, this.deps.clock.now()),
    );
    return this.reportOf(saved.exercise);
  }

  /** The report of an exercise (leads). */
  async report(caller: Member | undefined, exerciseId: string): Promise<ExerciseReport> {
    this.deps.directory.require(caller, 'lead', 'see exercise reports');
    return this.reportOf((await this.require(exerciseId)).exercise);
  }

  /** The report as a Markdown document (leads). */
  async reportMarkdown(caller: Member | undefined, exerciseId: string): Promise<string> {
    return exerciseReportMarkdown(await this.report(caller, exerciseId));
  }

  /** Every exercise, newest first (the register; any member). */
  async list(caller: Member | undefined): Promise<Exercise[]> {
    this.deps.directory.require(caller, 'member', 'see exercises');
    return this.deps.repository.list();
  }

  /** The running exercises (leads), newest first. */
  async running(caller: Member | undefined): Promise<Exercise[]> {
    this.deps.directory.require(caller, 'lead', 'run exercises');
    return (await this.deps.repository.list()).filter((e) => !e.endedAt);
  }

  /** An exercise by id (any member), or undefined; a forged id is never read. */
  async get(caller: Member | undefined, exerciseId: string): Promise<Exercise | undefined> {
    this.deps.directory.require(caller, 'member', 'see exercises');
    if (!isExerciseId(exerciseId)) return undefined;
    return (await this.deps.repository.get(exerciseId))?.exercise;
  }

  /**
   * The job: every running exercise's lines whose minute has come are created (once each, whichever
   * instance gets there: the alert's id is the exercise's and the line's). Answers how many were created.
   */
  async injectDue(): Promise<number> {
    let count = 0;
    const now = this.deps.clock.now();
    for (const exercise of await this.deps.repository.list()) {
      if (!dueScenarioLines(exercise, now).length) continue;
      const stored = await this.deps.repository.get(exercise.id);
      if (!stored) continue;
      const before = stored.exercise.injected.length;
      const after = await this.injectDueFor(stored);
      count += after.injected.length - before;
    }
    return count;
  }

  /**
   * The daily job: once no exercise has been held for 11 months (or since CTAC began watching), each lead
   * is told once; the reminder is stored before it is sent, so two instances send it once.
   */
  async remindIfDue(): Promise<boolean> {
    const now = this.deps.clock.now();
    const state = await this.deps.repository.reminderState();
    if (!state.watchingSince) {
      await this.deps.repository.saveReminderState({ watchingSince: now.toISOString() }, undefined);
      return false;
    }
    const [last] = await this.deps.repository.list();
    const { due, gapFrom } = exerciseReminderDue(
      last?.startedAt,
      state.watchingSince,
      state.remindedFor,
      now,
    );
    if (!due) return false;
    const claimed = await this.deps.repository.saveReminderState(
      { watchingSince: state.watchingSince, remindedFor: gapFrom },
      state.etag,
    );
    if (!claimed.ok) return false;
    const text = last
      ? `No CTAC exercise has been held since ${formatUkDate(last.startedAt)} ("${last.name}"). The strategy asks for an ICS-wide exercise once a year: type "exercise start NAME" to run one.`
      : `No CTAC exercise has been held in the last 11 months. The strategy asks for an ICS-wide exercise once a year: type "exercise start NAME" to run one.`;
    for (const lead of (await this.deps.members.list()).filter((m) => hasRole(m, 'lead')))
      await this.deps
        .messageMember(lead.aadObjectId, text)
        .catch((err) =>
          this.deps.logger?.error(
            { err },
            'exercises: reminding a lead of the yearly exercise failed',
          ),
        );
    return true;
  }

  private async reportOf(exercise: Exercise): Promise<ExerciseReport> {
    const alerts: Alert[] = [];
    for (const line of exercise.scenario) {
      if (!exercise.injected.includes(line.line)) continue;
      const alert = await this.deps.findAlert(scenarioAlertKey(exercise.id, line.line));
      if (alert?.exercise?.id === exercise.id) alerts.push(alert);
    }
    // By the tag, not by time: a real decision logged while it ran is not the exercise's.
    const [decisions, lessons, risks] = await Promise.all([
      this.deps.decisionsOf(exercise.id),
      this.deps.lessons(exercise.id),
      this.deps.risksOf?.(exercise.id) ?? [],
    ]);
    return exerciseReport(exercise, alerts, decisions, lessons, risks);
  }

  /** Creates the due lines' alerts, then records them on the exercise. */
  private async injectDueFor(stored: StoredExercise): Promise<Exercise> {
    const due = dueScenarioLines(stored.exercise, this.deps.clock.now());
    if (!due.length) return stored.exercise;
    const tag = exerciseTagOf(stored.exercise);
    const done: number[] = [];
    for (const line of due) {
      try {
        await this.deps.ingest(
          {
            source: 'incident',
            dedupKey: scenarioAlertKey(stored.exercise.id, line.line),
            title: line.title,
            severity: line.severity,
            summary: line.description || `Exercise "${stored.exercise.name}": scripted alert.`,
          },
          INJECTOR,
          { createOnly: true, exercise: tag },
        );
        done.push(line.line);
      } catch (err) {
        this.deps.logger?.error(
          { err, exerciseId: stored.exercise.id, line: line.line },
          'exercises: injecting a scripted alert failed; the job tries again',
        );
      }
    }
    if (!done.length) return stored.exercise;
    const saved = await this.change(stored.exercise.id, (exercise) =>
      done.reduce(markInjected, exercise),
    );
    return saved.exercise;
  }

  /** Reads, changes and writes on the ETag, re-reading on a lost race. */
  private async change(
    exerciseId: string,
    apply: (exercise: Exercise) => Exercise,
  ): Promise<StoredExercise> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const stored = await this.require(exerciseId);
      const next = apply(stored.exercise);
      if (next === stored.exercise) return stored;
      const saved = await this.deps.repository.update(next, stored.etag);
      if (saved.ok) return saved.value;
    }
    throw new CtacError('conflict', 'The exercise kept changing. Please try again.');
  }

  private async require(exerciseId: string): Promise<StoredExercise> {
    const stored = isExerciseId(exerciseId)
      ? await this.deps.repository.get(exerciseId)
      : undefined;
    if (!stored) throw new CtacError('not_found', 'There is no such exercise.');
    return stored;
  }

  private newId(): string {
    return this.deps.ids
      .next()
      .replace(/[^A-Za-z0-9]/g, '')
      .toUpperCase()
      .slice(0, 12)
      .padEnd(6, '0');
  }
}
