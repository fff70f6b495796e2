import type { Actor } from '../shared/actor';
import { CtacError } from '../shared/errors';
import { parseCalendarDate, ukCalendarDate, type CalendarDate } from '../risk/calendar-date';
import { limitText, lineFrom, paragraphsFrom } from '../shared/clean-text';
import { parseOrgCode } from '../risk/org-code';
import type { DecisionExerciseTag } from './exercise-tag';

/**
 * What came of the thing decided. The first four are for decisions logged by hand; the rest are the ICS cyber
 * group's decisions on escalated risks, each read the same as where it leaves the risk
 * (ESCALATION_CHOICE_TERMS in src/domain/risk/escalation-choice.ts).
 */
export type DecisionOutcome =
  | 'approved'
  | 'rejected'
  | 'deferred'
  | 'noted'
  | 'accepted'
  | 'treating'
  | 'transferred'
  | 'tolerated'
  | 'information-requested';

/** The outcomes a person chooses on the decision form. */
export const LOGGED_DECISION_OUTCOMES: readonly DecisionOutcome[] = [
  'approved',
  'rejected',
  'deferred',
  'noted',
];

export const DECISION_OUTCOMES: readonly DecisionOutcome[] = [
  ...LOGGED_DECISION_OUTCOMES,
  'accepted',
  'treating',
  'transferred',
  'tolerated',
  'information-requested',
];

export const DECISION_OUTCOME_LABELS: Readonly<Record<DecisionOutcome, string>> = {
  approved: 'Approved',
  rejected: 'Rejected',
  deferred: 'Deferred',
  noted: 'Noted',
  accepted: 'Accepted',
  treating: 'Being treated',
  transferred: 'Transferred',
  tolerated: 'Tolerated',
  'information-requested': 'More information requested',
};

/**
 * Who made a decision: the forum, the ICS cyber group, or one organisation by its short code (`RXH`).
 * The two bodies are stored in lower case and codes in upper case, so they never collide.
 */
export type DecisionMaker = 'forum' | 'ics-cyber-group' | (string & Record<never, never>);

/** A risk or an alert that a decision is about. */
export interface DecisionSubject {
  kind: 'risk' | 'alert';
  id: string;
}

/** An entry of the decision log: never edited; a correction is a new decision that supersedes it. */
export interface Decision {
  id: string;
  /** What was decided. */
  text: string;
  rationale: string;
  decidedBy: DecisionMaker;
  outcome: DecisionOutcome;
  related?: DecisionSubject;
  /** Link to the Teams message the decision came from. */
  sourceMessageLink?: string;
  /** Who wrote that message, as Teams showed their name. */
  sourceMessageAuthor?: string;
  /** The day it was decided, which may be before the day it was logged. */
  decidedOn: CalendarDate;
  loggedAt: string;
  loggedBy: Actor;
  /** The organisation of the person who logged it, from the directory (absent for people without one). */
  loggedByOrg?: string;
  /** The id of the decision this one corrects. */
  supersedes?: string;
  /** Logged as part of an exercise: shown in its report, never in the real register or figures. */
  exercise?: DecisionExerciseTag;
}

/** Limits on what people type, in characters. */
export const DECISION_LIMITS = Object.freeze({
  text: 1000,
  rationale: 2000,
  author: 120,
  link: 2048,
  relatedId: 100,
});

/** The decision form's fields after checking and tidying. */
export type DecisionFields = Omit<
  Decision,
  'id' | 'loggedAt' | 'loggedBy' | 'loggedByOrg' | 'supersedes' | 'exercise'
>;

/** The decision form as it arrives from a card, the message action or the API: anything may be missing or forged. */
export interface DecisionInput {
  text?: unknown;
  rationale?: unknown;
  decidedBy?: unknown;
  outcome?: unknown;
  /** `{ kind: 'risk' | 'alert', id }`, or nothing. */
  related?: unknown;
  sourceMessageLink?: unknown;
  sourceMessageAuthor?: unknown;
  decidedOn?: unknown;
}

export const isDecisionOutcome = (value: unknown): value is DecisionOutcome =>
  typeof value === 'string' && (DECISION_OUTCOMES as readonly string[]).includes(value);

/** Reads `forum`, `ICS cyber group`, `ics-cyber-group` or an organisation code; undefined otherwise. */
export function parseDecisionMaker(value: unknown): DecisionMaker | undefined {
  if (typeof value !== 'string') return undefined;
  const body = value
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (body === 'forum' || body === 'ics-cyber-group') return body;
  return parseOrgCode(value);
}

/** "The forum", "ICS cyber group", or the organisation's name when known ("East Sussex County Council"). */
export function decisionMakerLabel(
  decidedBy: DecisionMaker,
  organisationNames: Readonly<Record<string, string>> = {},
): string {
  if (decidedBy === 'forum') return 'The forum';
  if (decidedBy === 'ics-cyber-group') return 'ICS cyber group';
  return organisationNames[decidedBy]
    ? `${organisationNames[decidedBy]} (${decidedBy})`
    : decidedBy;
}

const RELATED_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export interface NormaliseDecisionOptions {
  /** Today's UK date: fills in a missing decision date and refuses one in the future. */
  today?: CalendarDate;
}

/**
 * Checks and tidies a decision, collecting every problem at once, and throws `CtacError('validation')`
 * listing them.
 */
export function normaliseDecision(
  input: DecisionInput,
  options: NormaliseDecisionOptions = {},
): DecisionFields {
  const problems: string[] = [];
  const text = limitText(paragraphsFrom(input.text), DECISION_LIMITS.text, problems, {
    missing: 'Say what was decided.',
    field: 'What was decided',
  });
  const rationale = limitText(
    paragraphsFrom(input.rationale),
    DECISION_LIMITS.rationale,
    problems,
    {
      missing: 'Give the rationale: why it was decided.',
      field: 'The rationale',
    },
  );

  const decidedBy = parseDecisionMaker(input.decidedBy);
  if (decidedBy === undefined)
    problems.push('Say who made the decision: the forum, the ICS cyber group or an organisation.');

  const outcome =
    typeof input.outcome === 'string' ? input.outcome.trim().toLowerCase() : input.outcome;
  if (!isDecisionOutcome(outcome))
    problems.push('Choose the outcome: approved, rejected, deferred or noted.');

  let related: DecisionSubject | undefined;
  if (input.related !== undefined && input.related !== null && input.related !== '') {
    const raw = input.related as { kind?: unknown; id?: unknown };
    const kind = typeof raw === 'object' ? raw.kind : undefined;
    const id = typeof raw === 'object' ? lineFrom(raw.id) : '';
    if (kind !== 'risk' && kind !== 'alert')
      problems.push('A decision can relate only to a risk or an alert.');
    else if (!id || id.length > DECISION_LIMITS.relatedId || !RELATED_ID.test(id))
      problems.push(`Choose the ${kind} the decision relates to.`);
    else related = { kind, id };
  }

  let sourceMessageLink: string | undefined;
  const link = lineFrom(input.sourceMessageLink);
  if (link) {
    if (link.length > DECISION_LIMITS.link || !isHttpsUrl(link))
      problems.push('The link to the message must be a web address starting with https://.');
    else sourceMessageLink = link;
  }
  const author = lineFrom(input.sourceMessageAuthor);
  limitText(author, DECISION_LIMITS.author, problems, { field: 'The message author' });

  let decidedOn = parseCalendarDate(input.decidedOn);
  if (decidedOn === undefined) {
    if (lineFrom(input.decidedOn))
      problems.push('The decision date must be a real date, for example 28/11/2026.');
    else if (options.today) decidedOn = options.today;
    else problems.push('Give the date the decision was made.');
  } else if (options.today && decidedOn > options.today) {
    problems.push('The decision date cannot be in the future.');
  }

  if (problems.length)
    throw new CtacError('validation', 'Please check the decision details.', problems);
  return {
    text,
    rationale,
    decidedBy: decidedBy as DecisionMaker,
    outcome: outcome as DecisionOutcome,
    ...(related && { related }),
    ...(sourceMessageLink && { sourceMessageLink }),
    ...(author && { sourceMessageAuthor: author }),
    decidedOn: decidedOn as CalendarDate,
  };
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

/** What logging needs besides the form: the new id from the id generator, who is logging, and when. */
export interface LogDecisionContext {
  id: string;
  actor: Actor;
  at: Date;
  /** The logger's organisation code, from the directory. */
  actorOrgCode?: string;
  /** The exercise it is logged for (decisionExerciseTag), if any. */
  exercise?: DecisionExerciseTag;
}

/** Makes a new decision log entry from the form; a missing decision date means today (UK). */
export function logDecision(input: DecisionInput, context: LogDecisionContext): Decision {
  const fields = normaliseDecision(input, { today: ukCalendarDate(context.at) });
  return {
    id: context.id,
    ...fields,
    loggedAt: context.at.toISOString(),
    loggedBy: context.actor,
    ...(context.actorOrgCode && { loggedByOrg: context.actorOrgCode }),
    ...(context.exercise && { exercise: { id: context.exercise.id, name: context.exercise.name } }),
  };
}

/** Whether a decision counts in the real register, figures and exports (not an exercise's). */
export const isRealDecision = (decision: Pick<Decision, 'exercise'>): boolean => !decision.exercise;
