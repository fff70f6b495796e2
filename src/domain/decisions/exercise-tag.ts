/** The exercise a decision was logged for (issue 21): kept out of the real decision register and figures. */
export interface DecisionExerciseTag {
  id: string;
  name: string;
}

/** What the tagging rule needs of a running exercise. */
export interface RunningExerciseOf {
  id: string;
  name: string;
  /** ISO 8601: the newest running exercise is the one the form offers. */
  startedAt: string;
  lead: { id: string };
  participants: readonly { id: string }[];
}

/** Whether the person (Entra object id) leads or takes part in the exercise. */
export const takesPartIn = (exercise: RunningExerciseOf, personId: string): boolean => {
  const id = personId.toLowerCase();
  return (
    exercise.lead.id.toLowerCase() === id ||
    exercise.participants.some((p) => p.id.toLowerCase() === id)
  );
};

/**
 * The running exercise whose "Part of the exercise" toggle the caller's decision form shows: the newest one
 * they lead or take part in, or none. The caller is the one the activity's or token's Entra id names.
 */
export function exerciseOfferedTo(
  running: readonly RunningExerciseOf[],
  personId: string,
): DecisionExerciseTag | undefined {
  const mine = running
    .filter((e) => takesPartIn(e, personId))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  return mine && { id: mine.id, name: mine.name };
}

/**
 * Which exercise, if any, a decision being logged belongs to. Only a participant or the lead of a running
 * exercise can tag one: when the decision relates to one of that exercise's alerts (logged from its card or
 * thread), or when the form's toggle is on. Card data says only "on" or "off"; which exercise is decided here.
 */
export function decisionExerciseTag(opts: {
  running: readonly RunningExerciseOf[];
  personId: string;
  /**
   * The exercises of the exercise alerts the decision relates to or was logged from (the alert's card or
   * its thread), as CTAC found them: never read from card data.
   */
  fromExerciseAlerts?: readonly string[];
  /** The form's "Part of the exercise" toggle. */
  partOfExercise: boolean;
}): DecisionExerciseTag | undefined {
  const from = opts.fromExerciseAlerts ?? [];
  const related = opts.running
    .filter((e) => from.includes(e.id) && takesPartIn(e, opts.personId))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  if (related) return { id: related.id, name: related.name };
  return opts.partOfExercise ? exerciseOfferedTo(opts.running, opts.personId) : undefined;
}
