import { DateTime } from 'luxon';
import type { ExerciseTag, IncidentSeverity } from '../alerts';
import { INCIDENT_SEVERITIES } from '../alerts/severity';
import { cleanLine, cleanParagraphs, textLength } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { UK_ZONE } from '../shared/time';

/** A person taking part in, or leading, an exercise: Entra object id (lower case) and name. */
export interface ExercisePerson {
  id: string;
  name: string;
}

/** One scripted alert: injected `minute` minutes after the exercise starts. */
export interface ScenarioLine {
  /** 1-based, as typed: with the exercise id, what makes the injected alert's id. */
  line: number;
  minute: number;
  severity: IncidentSeverity;
  title: string;
  description: string;
}

/** How an exercise ended, in the lead's words (the register's outcome column). */
export type ExerciseStatus = 'running' | 'ended';

/**
 * An exercise of CTAC (issue 21): a lead runs it with chosen participants, its scripted alerts arrive at
 * their minutes, and everything it makes is marked EXERCISE and kept out of the real figures.
 */
export interface Exercise {
  /** CTAC's own id (letters and digits). */
  id: string;
  name: string;
  lead: ExercisePerson;
  participants: ExercisePerson[];
  /** Pages for its alerts go to participants only (others on the rota are not paged). */
  participantsOnly: boolean;
  scenario: ScenarioLine[];
  /** Lines already injected (their alert exists). */
  injected: number[];
  /** ISO 8601 instants. */
  startedAt: string;
  endedAt?: string;
  endedBy?: ExercisePerson;
  /** What the lead says of it at the end. */
  outcome?: string;
}

export const MAX_EXERCISE_NAME = 80;
export const MAX_SCENARIO_LINES = 30;
/** A scenario runs for at most a day. */
export const MAX_SCENARIO_MINUTE = 24 * 60;
export const MAX_OUTCOME = 2_000;
const MAX_LINE_TITLE = 150;
const MAX_LINE_DESCRIPTION = 1_000;

export const exerciseStatus = (exercise: Pick<Exercise, 'endedAt'>): ExerciseStatus =>
  exercise.endedAt ? 'ended' : 'running';

/** The id of an exercise as CTAC makes them, so a forged id in card data is refused before any read. */
export const isExerciseId = (id: unknown): id is string =>
  typeof id === 'string' && /^[A-Z0-9]{6,16}$/.test(id);

/**
 * Reads a scenario, one alert a line: `minute | severity | title` and optionally `| description`. Blank
 * lines are skipped; every problem is listed (with its line number), none thrown.
 */
export function parseScenario(text: string): { lines: ScenarioLine[]; problems: string[] } {
  const lines: ScenarioLine[] = [];
  const problems: string[] = [];
  const raw = (text ?? '').split(/\r?\n/);
  raw.forEach((typed, i) => {
    if (!typed.trim()) return;
    const n = i + 1;
    const [minuteText = '', severityText = '', titleText = '', ...rest] = typed.split('|');
    const minute = Number(minuteText.trim());
    const severity = severityText.trim().toLowerCase() as IncidentSeverity;
    const title = cleanLine(titleText);
    if (!/^\d{1,4}$/.test(minuteText.trim()) || minute > MAX_SCENARIO_MINUTE)
      problems.push(
        `Scenario line ${n}: the minute must be a whole number from 0 to ${MAX_SCENARIO_MINUTE}.`,
      );
    if (!INCIDENT_SEVERITIES.includes(severity))
      problems.push(
        `Scenario line ${n}: the severity must be one of ${INCIDENT_SEVERITIES.join(', ')}.`,
      );
    if (!title) problems.push(`Scenario line ${n}: the alert needs a title.`);
    else if (textLength(title) > MAX_LINE_TITLE)
      problems.push(`Scenario line ${n}: the title must be at most ${MAX_LINE_TITLE} characters.`);
    const description = cleanParagraphs(rest.join('|'));
    if (textLength(description) > MAX_LINE_DESCRIPTION)
      problems.push(
        `Scenario line ${n}: the description must be at most ${MAX_LINE_DESCRIPTION} characters.`,
      );
    lines.push({ line: n, minute, severity, title, description });
  });
  if (lines.length > MAX_SCENARIO_LINES)
    problems.push(`A scenario has at most ${MAX_SCENARIO_LINES} alerts.`);
  return { lines: problems.length ? [] : lines, problems };
}

/** What a lead types to start an exercise. */
export interface ExerciseStartInput {
  name: string;
  /** Entra object ids of the chosen participants. */
  participantIds: string[];
  participantsOnly: boolean;
  scenario: string;
}

/**
 * Checks a start form against the directory's members (`known`, by lower-case Entra id): a name, at least
 * one participant who is a member, a valid scenario. Throws a `validation` CtacError listing every problem.
 */
export function normaliseExerciseStart(
  input: ExerciseStartInput,
  known: ReadonlyMap<string, string>,
): Pick<Exercise, 'name' | 'participants' | 'participantsOnly' | 'scenario'> {
  const problems: string[] = [];
  const name = cleanLine(input.name ?? '');
  if (!name) problems.push('Name: the exercise needs a name.');
  else if (textLength(name) > MAX_EXERCISE_NAME)
    problems.push(`Name: at most ${MAX_EXERCISE_NAME} characters.`);
  const ids = [...new Set((input.participantIds ?? []).map((id) => id.trim().toLowerCase()))];
  const participants: ExercisePerson[] = [];
  for (const id of ids.filter(Boolean)) {
    const who = known.get(id);
    if (who === undefined) problems.push('Participants: one of those chosen is not a CTAC member.');
    else participants.push({ id, name: who });
  }
  if (!participants.length && !problems.some((p) => p.startsWith('Participants')))
    problems.push('Participants: choose at least one person to take part.');
  const scenario = parseScenario(input.scenario ?? '');
  problems.push(...scenario.problems);
  if (problems.length) throw new CtacError('validation', 'Please check the exercise.', problems);
  return {
    name,
    participants,
    participantsOnly: input.participantsOnly === true,
    scenario: scenario.lines,
  };
}

/** The tag its alerts carry: with participantsOnly, whom their pages may reach. */
export const exerciseTagOf = (exercise: Exercise): ExerciseTag => ({
  id: exercise.id,
  name: exercise.name,
  ...(exercise.participantsOnly && { pageOnly: exercise.participants.map((p) => p.id) }),
});

/** The sender's id of a scenario line's alert: the same exercise and line never make a second alert. */
export const scenarioAlertKey = (exerciseId: string, line: number): string =>
  `EXERCISE-${exerciseId}-${line}`;

/** The scenario lines whose minute has come and which are not injected yet, in order (none once ended). */
export function dueScenarioLines(exercise: Exercise, now: Date): ScenarioLine[] {
  if (exercise.endedAt) return [];
  const elapsed = (now.getTime() - Date.parse(exercise.startedAt)) / 60_000;
  return exercise.scenario
    .filter((l) => l.minute <= elapsed && !exercise.injected.includes(l.line))
    .sort((a, b) => a.minute - b.minute || a.line - b.line);
}

/** When the next scenario line falls due (undefined when none is left). */
export function nextScenarioAt(exercise: Exercise): Date | undefined {
  if (exercise.endedAt) return undefined;
  const left = exercise.scenario.filter((l) => !exercise.injected.includes(l.line));
  if (!left.length) return undefined;
  const minute = Math.min(...left.map((l) => l.minute));
  return new Date(Date.parse(exercise.startedAt) + minute * 60_000);
}

/** Ends the exercise; ending one already ended is refused (it says when and by whom). */
export function endExercise(
  exercise: Exercise,
  by: ExercisePerson,
  outcome: string,
  now: Date,
): Exercise {
  if (exercise.endedAt)
    throw new CtacError(
      'conflict',
      `The exercise "${exercise.name}" was ended already by ${exercise.endedBy?.name ?? 'someone'}.`,
    );
  const clean = cleanParagraphs(outcome ?? '');
  return {
    ...exercise,
    endedAt: now.toISOString(),
    endedBy: by,
    outcome: textLength(clean) > MAX_OUTCOME ? [...clean].slice(0, MAX_OUTCOME).join('') : clean,
  };
}

/** Records that a scenario line's alert exists. */
export const markInjected = (exercise: Exercise, line: number): Exercise =>
  exercise.injected.includes(line)
    ? exercise
    : { ...exercise, injected: [...exercise.injected, line].sort((a, b) => a - b) };

/** How long without an exercise before the leads are reminded (the strategy asks for one a year). */
export const EXERCISE_REMINDER_MONTHS = 11;

/**
 * Whether the leads are due a reminder: 11 months since the last exercise started (or, with none, since
 * CTAC began watching), in the UK calendar. `remindedFor` is what the last reminder was for: one a gap.
 */
export function exerciseReminderDue(
  lastExerciseAt: string | undefined,
  watchingSince: string,
  remindedFor: string | undefined,
  now: Date,
): { due: boolean; gapFrom: string } {
  const gapFrom = lastExerciseAt ?? watchingSince;
  const dueAt = DateTime.fromISO(gapFrom, { zone: UK_ZONE }).plus({
    months: EXERCISE_REMINDER_MONTHS,
  });
  return { due: now.getTime() >= dueAt.toMillis() && remindedFor !== gapFrom, gapFrom };
}
