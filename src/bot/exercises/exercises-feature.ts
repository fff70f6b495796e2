import type { Exercises } from '../../app/exercises';
import type { Reviews } from '../../app/reviews';
import {
  exerciseFormCard,
  exerciseRegisterCard,
  exerciseReportCard,
  exerciseStartedCard,
  sectionsCard,
} from '../../cards/exercise-views';
import type { AdaptiveCard } from '../../cards/render';
import { actionReminderCard, lessonsCard, reviewFormCard } from '../../cards/review-views';
import type { Exercise } from '../../domain/exercises';
import { isExerciseId } from '../../domain/exercises';
import type { Member } from '../../domain/people/member';
import type { ReviewSubject } from '../../domain/reviews';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature, CardActionHandler } from '../bot-feature';
import { cardField, cardFields } from '../card-fields';
import type { CommandSpec } from '../commands';

const GROUP = 'Exercises and reviews';
const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'exercise start',
    usage: 'exercise start NAME',
    description:
      'Leads: start an exercise: who takes part, whether pages go to them only, and scripted alerts.',
    group: GROUP,
  },
  {
    name: 'exercise inject',
    usage: 'exercise inject [MINUTE | SEVERITY | TITLE]',
    description:
      'Leads: add scripted alerts to the running exercise (a minute past arrives at once).',
    group: GROUP,
  },
  {
    name: 'exercise end',
    usage: 'exercise end [OUTCOME]',
    description: 'Leads: end the running exercise and see its report; a review card follows.',
    group: GROUP,
  },
  {
    name: 'exercises',
    usage: 'exercises',
    description: 'The exercises register: date, scenario and outcome of each.',
    group: GROUP,
  },
  {
    name: 'lessons',
    usage: 'lessons [WORDS]',
    description: 'Lessons from post-incident and exercise reviews, searched by words.',
    group: GROUP,
  },
];

const START_FIELDS = ['name', 'participants', 'participantsOnly', 'scenario'] as const;
const REVIEW_FIELDS = ['whatHappened', 'wentWell', 'toImprove', 'actions'] as const;
const MAX_ID = 128;

export interface ExercisesFeatureDeps {
  exercises: Pick<
    Exercises,
    'start' | 'inject' | 'end' | 'list' | 'running' | 'participantChoices' | 'get'
  >;
  reviews: Pick<Reviews, 'forSubject' | 'save' | 'completeAction' | 'search'>;
  /** Posts a card as a new thread in the ICS cyber channel (through the outbox); false without one. */
  postInChannel(card: AdaptiveCard, summary: string): Promise<boolean>;
}

/**
 * Exercise mode and reviews in the chat (issue 21): `exercise start|inject|end`, `exercises`, `lessons`, the
 * start and inject forms, the review card (`review.open`, `review.save`) and the reminder's Mark done button.
 * Leads and members are decided by the use cases from the caller's Entra id; ids in card data are checked.
 */
export function exercisesFeature(deps: ExercisesFeatureDeps): BotFeature {
  /** The one running exercise, or a refusal naming what to do. */
  const runningOne = async (caller: Member | undefined): Promise<Exercise> => {
    const running = await deps.exercises.running(caller);
    if (!running.length)
      throw new CtacError(
        'not_found',
        'No exercise is running. Start one with "exercise start NAME".',
      );
    return running[0]!;
  };

  const startForm = async (
    caller: Member | undefined,
    values: Partial<Record<(typeof START_FIELDS)[number], string>>,
    problems?: string[],
  ) => {
    const people = (await deps.exercises.participantChoices(caller)).map((m) => ({
      id: m.aadObjectId.toLowerCase(),
      name: m.name,
    }));
    return exerciseFormCard({
      mode: 'start',
      people,
      values: {
        name: values.name ?? '',
        participants: values.participants ?? '',
        participantsOnly: values.participantsOnly === 'true',
        scenario: values.scenario ?? '',
      },
      problems,
    });
  };

  const start: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const values = cardFields(data, START_FIELDS, 20_000);
    try {
      const exercise = await deps.exercises.start(caller, {
        name: values.name,
        participantIds: values.participants.split(',').filter(Boolean),
        participantsOnly: values.participantsOnly === 'true',
        scenario: values.scenario,
      });
      return exerciseStartedCard(exercise, `EXERCISE started: ${exercise.name}`);
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation') return startForm(caller, values, e.problems);
      throw e;
    }
  };

  const inject: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const exerciseId = cardField(data, 'exerciseId', 40);
    if (!isExerciseId(exerciseId))
      throw new CtacError('bad_request', 'That form is out of date. Type "exercise inject" again.');
    const scenario = cardField(data, 'scenario', 20_000);
    try {
      const exercise = await deps.exercises.inject(caller, exerciseId, scenario);
      return exerciseStartedCard(exercise, `EXERCISE: alerts added to ${exercise.name}`);
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation') {
        const exercise = await deps.exercises.get(caller, exerciseId);
        if (exercise)
          return exerciseFormCard({
            mode: { inject: exercise },
            values: { scenario },
            problems: e.problems,
          });
      }
      throw e;
    }
  };

  const openReview: CardActionHandler = async (data, turn) => {
    const { subject, review } = await deps.reviews.forSubject(
      await turn.caller(),
      cardField(data, 'kind', 20),
      cardField(data, 'id', MAX_ID),
    );
    return reviewFormCard({ subject, review });
  };

  const saveReview: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const kind = cardField(data, 'kind', 20);
    const id = cardField(data, 'id', MAX_ID);
    const values = cardFields(data, REVIEW_FIELDS, 8_000);
    try {
      const review = await deps.reviews.save(caller, kind, id, values);
      return reviewFormCard({
        subject: review.subject,
        review,
        notice: `Review saved: ${review.subject.title.slice(0, 120)}`,
      });
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation') {
        const { subject, review } = await deps.reviews.forSubject(caller, kind, id);
        return reviewFormCard({ subject, review, values, problems: e.problems });
      }
      throw e;
    }
  };

  const actionDone: CardActionHandler = async (data, turn) => {
    const actionId = Number(cardField(data, 'actionId', 4));
    if (!Number.isInteger(actionId) || actionId < 1)
      throw new CtacError('bad_request', 'That reminder is out of date.');
    const done = await deps.reviews.completeAction(
      await turn.caller(),
      cardField(data, 'kind', 20),
      cardField(data, 'id', MAX_ID),
      actionId,
    );
    return actionReminderCard(
      done.review,
      done.action,
      done.changed
        ? 'Action done: thank you'
        : `Already done by ${done.action.doneBy?.name ?? 'someone'}`,
    );
  };

  return {
    commands: COMMANDS,
    async runCommand(name, args, turn) {
      const caller = await turn.caller();
      switch (name) {
        case 'exercise start':
          return startForm(caller, { name: args.slice(0, 80) });
        case 'exercise inject': {
          const exercise = await runningOne(caller);
          if (!args)
            return exerciseFormCard({ mode: { inject: exercise }, values: { scenario: '' } });
          const after = await deps.exercises.inject(caller, exercise.id, args);
          return exerciseStartedCard(after, `EXERCISE: alerts added to ${after.name}`);
        }
        case 'exercise end': {
          const exercise = await runningOne(caller);
          const report = await deps.exercises.end(caller, exercise.id, args);
          const subject: ReviewSubject = {
            kind: 'exercise',
            id: exercise.id,
            title: exercise.name,
          };
          await deps.postInChannel(
            reviewFormCard({ subject }),
            `EXERCISE review: ${exercise.name}`,
          );
          return exerciseReportCard(report, { reviewButton: true });
        }
        case 'exercises':
          return exerciseRegisterCard(await deps.exercises.list(caller));
        case 'lessons': {
          const hits = await deps.reviews.search(caller, args);
          return lessonsCard(args, hits);
        }
        default:
          return sectionsCard({ style: 'warning', heading: 'Unknown command', sections: [] });
      }
    },
    verbs: {
      'exercise.start': start,
      'exercise.inject': inject,
      'review.open': openReview,
      'review.save': saveReview,
      'review.actionDone': actionDone,
    },
  };
}
