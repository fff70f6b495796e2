import {
  actionsText,
  type LessonHit,
  type Review,
  type ReviewAction,
  type ReviewInput,
  type ReviewSubject,
} from '../domain/reviews';
import { formatUkDate, formatUkDateTime } from '../domain/shared/time';
import { sectionsCard } from './exercise-views';
import { renderCard, type AdaptiveCard } from './render';

const ukDate = (date: string) => date.split('-').reverse().join('/');

const actionLine = (a: ReviewAction): string =>
  `${a.id}. ${a.text}: ${a.owner.name}, due ${ukDate(a.due)}${a.doneAt ? `, done ${formatUkDate(a.doneAt)} by ${a.doneBy?.name ?? ''}` : ''}`;

/** What the review card shows: its subject, what is saved or typed, and any problems. */
export interface ReviewFormView {
  subject: ReviewSubject;
  review?: Review;
  values?: ReviewInput;
  problems?: string[];
  notice?: string;
}

/**
 * The review card: what happened, what went well, what to improve, and actions with owners and due dates
 * (Action.Execute `review.save`).
 */
export function reviewFormCard(v: ReviewFormView): AdaptiveCard {
  const values = v.values ?? {
    whatHappened: v.review?.whatHappened ?? '',
    wentWell: v.review?.wentWell ?? '',
    toImprove: v.review?.toImprove ?? '',
    actions: v.review ? actionsText(v.review) : '',
  };
  const exercise = v.subject.kind === 'exercise';
  return renderCard('reviews/review-form', {
    style: v.notice ? 'good' : exercise ? 'accent' : 'emphasis',
    heading:
      v.notice ??
      `${exercise ? 'EXERCISE review' : 'Post-incident review'}: ${v.subject.title.slice(0, 150)}`,
    intro: v.review
      ? `Saved by ${v.review.savedBy.name}, ${formatUkDateTime(v.review.savedAt)}. Any CTAC member can add to it; each owner is reminded on the day their action is due.`
      : 'Any CTAC member can fill this in. Each action’s owner is reminded on the day it is due and marks it done from the reminder.',
    problems: v.problems ?? [],
    ...values,
    actionLines: (v.review?.actions ?? []).map(actionLine),
    saveData: { verb: 'review.save', kind: v.subject.kind, id: v.subject.id },
  });
}

/** The 1:1 reminder to an action's owner on its due day, with a Done button. */
export function actionReminderCard(
  review: Review,
  action: ReviewAction,
  notice?: string,
): AdaptiveCard {
  const done = !!action.doneAt;
  return sectionsCard({
    style: done ? 'good' : 'warning',
    heading: notice ?? (done ? 'Action done' : `Action due ${ukDate(action.due)}`),
    intro: `From the review of ${review.subject.kind === 'exercise' ? 'the exercise' : 'the incident'} "${review.subject.title.slice(0, 150)}".`,
    sections: [{ heading: action.text, lines: [actionLine(action)] }],
    buttons: done
      ? []
      : [
          {
            title: 'Mark done',
            verb: 'review.actionDone',
            data: {
              verb: 'review.actionDone',
              kind: review.subject.kind,
              id: review.subject.id,
              actionId: action.id,
            },
          },
        ],
  });
}

/** `lessons [words]`: lessons from reviews whose text contains the words. */
export function lessonsCard(query: string, hits: readonly LessonHit[]): AdaptiveCard {
  return sectionsCard({
    style: 'emphasis',
    heading: query
      ? `Lessons about "${query.slice(0, 60)}" (${hits.length})`
      : `Lessons (${hits.length})`,
    intro: hits.length
      ? 'From post-incident and exercise reviews, newest first.'
      : 'No lessons found. Reviews ask for them when a critical or high alert is resolved or an exercise ends.',
    sections: hits.slice(0, 20).map((h) => ({
      heading: `${h.subject.kind === 'exercise' ? 'Exercise' : 'Incident'}: ${h.subject.title.slice(0, 150)}`,
      lines: [
        ...h.lessons.map((l) => l.slice(0, 400)),
        `Saved by ${h.savedBy} on ${formatUkDate(h.savedAt)}; ${h.openActions} open action${h.openActions === 1 ? '' : 's'}.`,
      ],
    })),
  });
}
