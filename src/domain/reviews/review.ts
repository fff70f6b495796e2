import { parseCalendarDate, type CalendarDate } from '../risk/calendar-date';
import { cleanLine, cleanParagraphs, textLength } from '../shared/clean-text';
import { CtacError } from '../shared/errors';

/** What a review looks back on: a resolved alert (critical or high) or an ended exercise. */
export interface ReviewSubject {
  kind: 'alert' | 'exercise';
  id: string;
  /** The alert's title or the exercise's name, as it was when the review was asked for. */
  title: string;
}

/** An action from a review: what, who owns it (a CTAC member), by when, and whether it is done. */
export interface ReviewAction {
  /** 1-based within its review, as the form numbers it. */
  id: number;
  text: string;
  owner: { id: string; name: string };
  /** UK calendar date. */
  due: CalendarDate;
  /** The UK date its owner was reminded (once). */
  remindedOn?: CalendarDate;
  doneAt?: string;
  doneBy?: { id: string; name: string };
}

/** A post-incident (or post-exercise) review: what happened, what went well, what to improve, actions. */
export interface Review {
  subject: ReviewSubject;
  whatHappened: string;
  wentWell: string;
  toImprove: string;
  actions: ReviewAction[];
  savedBy: { id: string; name: string };
  savedAt: string;
}

/** The key of a review: one review per alert or exercise. */
export const reviewKey = (subject: Pick<ReviewSubject, 'kind' | 'id'>): string =>
  `${subject.kind}-${subject.id}`;

/** Severity ranks whose resolution asks for a review. */
export const REVIEWED_RANKS = ['critical', 'high'] as const;

/** Whether resolving an alert asks for a review: critical or high, and a real incident or an exercise's. */
export const needsReview = (alert: { severityRank: string }): boolean =>
  (REVIEWED_RANKS as readonly string[]).includes(alert.severityRank);

export const MAX_REVIEW_TEXT = 4_000;
export const MAX_ACTIONS = 20;
const MAX_ACTION_TEXT = 300;

/** What the review form sends: three texts and actions typed one a line, `action | owner | due date`. */
export interface ReviewInput {
  whatHappened: string;
  wentWell: string;
  toImprove: string;
  actions: string;
}

/**
 * Checks a review form. `members` finds an owner by name or Entra id among CTAC's members; `today` is the
 * UK date (a due date may not be before it for a new action). Actions keep their done state when their
 * text and owner are unchanged (`previous`). Throws a `validation` CtacError listing every problem.
 */
export function normaliseReview(
  input: ReviewInput,
  ctx: {
    findMember(typed: string): { id: string; name: string } | undefined;
    today: CalendarDate;
    previous?: Review;
  },
): Pick<Review, 'whatHappened' | 'wentWell' | 'toImprove' | 'actions'> {
  const problems: string[] = [];
  const text = (label: string, value: string | undefined) => {
    const clean = cleanParagraphs(value ?? '');
    if (textLength(clean) > MAX_REVIEW_TEXT)
      problems.push(`${label}: at most ${MAX_REVIEW_TEXT} characters.`);
    return clean;
  };
  const whatHappened = text('What happened', input.whatHappened);
  const wentWell = text('What went well', input.wentWell);
  const toImprove = text('What to improve', input.toImprove);
  if (!whatHappened && !wentWell && !toImprove)
    problems.push('Say at least what happened, what went well or what to improve.');
  const actions: ReviewAction[] = [];
  const typed = (input.actions ?? '').split(/\r?\n/).filter((l) => l.trim());
  if (typed.length > MAX_ACTIONS) problems.push(`Actions: at most ${MAX_ACTIONS}.`);
  typed.slice(0, MAX_ACTIONS).forEach((line, i) => {
    const n = i + 1;
    const [actionText = '', ownerText = '', dueText = ''] = line.split('|');
    const clean = cleanLine(actionText);
    if (!clean) problems.push(`Action ${n}: say what is to be done.`);
    else if (textLength(clean) > MAX_ACTION_TEXT)
      problems.push(`Action ${n}: at most ${MAX_ACTION_TEXT} characters.`);
    const owner = ctx.findMember(cleanLine(ownerText));
    if (!owner) problems.push(`Action ${n}: the owner must be a CTAC member, by name.`);
    const due = parseCalendarDate(dueText.trim());
    const before = ctx.previous?.actions.find((a) => a.text === clean && a.owner.id === owner?.id);
    if (!due) problems.push(`Action ${n}: the due date must be a date such as 31/12/2026.`);
    else if (due < ctx.today && !before) problems.push(`Action ${n}: the due date is in the past.`);
    if (clean && owner && due)
      actions.push({
        id: n,
        text: clean,
        owner,
        due,
        ...(before?.doneAt && { doneAt: before.doneAt, doneBy: before.doneBy }),
        ...(before?.remindedOn && before.due === due && { remindedOn: before.remindedOn }),
      });
  });
  if (problems.length) throw new CtacError('validation', 'Please check the review.', problems);
  return { whatHappened, wentWell, toImprove, actions };
}

/** The review's actions as the form shows them again: `text | owner | dd/mm/yyyy`. */
export const actionsText = (review: Pick<Review, 'actions'>): string =>
  review.actions
    .map((a) => `${a.text} | ${a.owner.name} | ${a.due.split('-').reverse().join('/')}`)
    .join('\n');

/** Actions due on or before `today`, not done and not yet reminded: the reminder job's work. */
export const actionsToRemind = (review: Review, today: CalendarDate): ReviewAction[] =>
  review.actions.filter((a) => !a.doneAt && !a.remindedOn && a.due <= today);

/** Marks actions reminded today. */
export const markReminded = (review: Review, ids: number[], today: CalendarDate): Review => ({
  ...review,
  actions: review.actions.map((a) => (ids.includes(a.id) ? { ...a, remindedOn: today } : a)),
});

/**
 * Marks an action done. Only its owner or a lead may (`isLead`); an unknown action is `not_found`; one done
 * already is answered as it is (a second press is not an error).
 */
export function completeAction(
  review: Review,
  actionId: number,
  by: { id: string; name: string },
  isLead: boolean,
  now: Date,
): { review: Review; action: ReviewAction; changed: boolean } {
  const action = review.actions.find((a) => a.id === actionId);
  if (!action) throw new CtacError('not_found', 'That action is not in this review any more.');
  if (action.owner.id !== by.id && !isLead)
    throw new CtacError('forbidden', 'Only the action’s owner or a lead can mark it done.');
  if (action.doneAt) return { review, action, changed: false };
  const done = { ...action, doneAt: now.toISOString(), doneBy: by };
  return {
    review: { ...review, actions: review.actions.map((a) => (a.id === actionId ? done : a)) },
    action: done,
    changed: true,
  };
}

/** A review's lessons, as the search and the exercise report list them. */
export function lessonsOf(review: Review): string[] {
  return [
    review.wentWell && `Went well: ${review.wentWell}`,
    review.toImprove && `To improve: ${review.toImprove}`,
  ].filter((l): l is string => !!l);
}

/** Whether a review matches a search (case-insensitive, any of its texts or actions). */
export function reviewMatches(review: Review, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [
    review.subject.title,
    review.whatHappened,
    review.wentWell,
    review.toImprove,
    ...review.actions.map((a) => a.text),
  ].some((t) => t.toLowerCase().includes(q));
}

/** One hit of the lessons search. */
export interface LessonHit {
  subject: ReviewSubject;
  lessons: string[];
  whatHappened: string;
  savedAt: string;
  savedBy: string;
  openActions: number;
}
