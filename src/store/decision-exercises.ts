import type { DecisionExercises } from '../app/risks/decision-log';
import type { RunningExerciseOf } from '../domain/decisions';
import { scenarioAlertKey } from '../domain/exercises';
import type { TableAlertRepository } from './alert-repository';
import type { TableExerciseRepository } from './exercise-repository';

/**
 * What the decision log asks of exercise mode (issue 21), read from the exercise and alert tables: the
 * running exercises, and which of them an alert, or the Teams message of an alert's card, belongs to.
 */
export class TableDecisionExercises implements DecisionExercises {
  constructor(
    private readonly exercises: Pick<TableExerciseRepository, 'list'>,
    private readonly alerts: Pick<TableAlertRepository, 'get' | 'findByDedupKey'>,
  ) {}

  async running(): Promise<RunningExerciseOf[]> {
    return (await this.exercises.list()).filter((e) => !e.endedAt);
  }

  async exerciseOfAlert(alertId: string): Promise<string | undefined> {
    return (await this.alerts.get(alertId))?.alert.exercise?.id;
  }

  /** A running exercise has at most a few dozen alerts: their cards are found by the exercise's keys. */
  async exerciseOfAlertMessage(messageId: string): Promise<string | undefined> {
    for (const exercise of await this.exercises.list()) {
      if (exercise.endedAt) continue;
      for (const line of exercise.injected) {
        const stored = await this.alerts.findByDedupKey(
          'incident',
          scenarioAlertKey(exercise.id, line),
        );
        if (stored?.alert.channelPost?.activityId === messageId) return exercise.id;
      }
    }
    return undefined;
  }
}
