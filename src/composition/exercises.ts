import { Exercises } from '../app/exercises';
import { Reviews } from '../app/reviews';
import type { BotFeature } from '../bot/bot-feature';
import { exercisesFeature } from '../bot/exercises/exercises-feature';
import type { AdaptiveCard } from '../cards/render';
import { actionReminderCard, reviewFormCard } from '../cards/review-views';
import type { Alert } from '../domain/alerts';
import { needsReview } from '../domain/reviews';
import { RISK_STATUS_LABELS } from '../domain/risk';
import { uuidGenerator } from '../domain/shared/ids';
import { ExerciseJob } from '../jobs/exercise-job';
import { TableDecisionRepository } from '../store/decision-repository';
import { TableExerciseRepository } from '../store/exercise-repository';
import { TableReviewRepository } from '../store/review-repository';
import { TableRiskRepository } from '../store/risk-repository';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';

/** Exercise mode, post-incident reviews and lessons (issue 21). */
export interface ExercisesArea {
  exercises: Exercises;
  reviews: Reviews;
  feature: BotFeature;
  /** Injects scripted alerts at their minute; the yearly exercise and review action reminders. */
  job: ExerciseJob;
}

export function composeExercises(
  { store, clock, logger }: AppContext,
  { directory, members, conversations }: PeopleArea,
  outbox: Pick<OutboxArea, 'queue'>,
  alerts: Pick<AlertsArea, 'repository' | 'service'>,
): ExercisesArea {
  const repository = new TableExerciseRepository(store);
  const decisions = new TableDecisionRepository(store);
  const risks = new TableRiskRepository(store);
  const message = (aadObjectId: string, content: { text?: string; card?: AdaptiveCard }) =>
    outbox.queue.enqueue({ kind: 'personal', aadObjectId: aadObjectId.toLowerCase(), content });

  const reviews: Reviews = new Reviews({
    directory,
    members,
    repository: new TableReviewRepository(store),
    clock,
    findAlert: async (id) => (await alerts.repository.get(id))?.alert,
    findExercise: async (id) => (await repository.get(id))?.exercise,
    remindOwner: async (review, action) => {
      await message(action.owner.id, {
        card: actionReminderCard(review, action),
        text: `Action due: ${action.text}`,
      });
    },
    // The incident links to its review: a note on its timeline, shown on its card.
    linkFromAlert: async (member, alertId, lessons) => {
      await alerts.service.addNote(
        { member, source: 'teams' },
        alertId,
        `Post-incident review saved by ${member.name}. Lessons: ${lessons}. Type "lessons" to search them.`,
      );
    },
    logger,
  });

  const exercises = new Exercises({
    directory,
    members,
    repository,
    clock,
    ids: uuidGenerator,
    ingest: (incoming, actor, opts) => alerts.service.ingest(incoming, actor, opts),
    findAlert: async (key) => (await alerts.repository.findByDedupKey('incident', key))?.alert,
    decisionsOf: async (exerciseId) =>
      (await decisions.listForExercise(exerciseId))
        .reverse()
        .map((d) => ({ text: d.text, by: d.loggedBy.name, at: d.loggedAt })),
    risksOf: async (exerciseId) =>
      (await risks.listForExercise(exerciseId)).map((r) => ({
        id: r.id,
        title: r.title,
        score: r.score,
        status: RISK_STATUS_LABELS[r.status],
        by: r.raisedBy.name,
        at: r.raisedAt,
      })),
    lessons: (exerciseId) => reviews.lessonsOfExercise(exerciseId),
    messageMember: async (aadObjectId, text) => {
      await message(aadObjectId, { text });
    },
    logger,
  });

  const postInChannel = async (card: AdaptiveCard, summary: string): Promise<boolean> => {
    const channel = await conversations.cyberChannel();
    if (!channel) return false;
    await outbox.queue.enqueue({
      kind: 'channelPost',
      channelId: channel.id,
      content: { card, summary },
    });
    return true;
  };

  /** The review card in a resolved critical or high alert's thread (or the channel, if it has none). */
  const askForReview = async (alert: Alert): Promise<void> => {
    if (!needsReview(alert)) return;
    const card = reviewFormCard({ subject: { kind: 'alert', id: alert.id, title: alert.title } });
    const summary = `Post-incident review: ${alert.title.slice(0, 80)}`;
    if (alert.channelPost)
      await outbox.queue.enqueue({
        kind: 'threadReply',
        conversationId: alert.channelPost.conversationId,
        content: { card, summary },
      });
    else await postInChannel(card, summary);
  };
  alerts.service.onResolved(askForReview);

  const feature = exercisesFeature({ exercises, reviews, postInChannel });
  const job = new ExerciseJob({ exercises, reviews, logger });
  return { exercises, reviews, feature, job };
}
