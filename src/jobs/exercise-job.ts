import type { Logger } from 'pino';
import type { Exercises } from '../app/exercises';
import type { Reviews } from '../app/reviews';
import type { LoopSettings } from './job-loop';
import { ScheduledJob } from './scheduled-job';

/** How often scripted exercise alerts due are looked for. */
export const EXERCISE_INJECT_MS = 20_000;
/** How often the yearly exercise reminder and review actions due are looked at (each is sent once). */
export const EXERCISE_REMINDER_MS = 60 * 60_000;

/**
 * Exercise mode's jobs (issue 21): injects each running exercise's scripted alerts at their minute (once,
 * whichever instance gets there), and reminds the leads when no exercise has been held for 11 months and
 * review actions' owners on their due day (each once, stored before it is sent).
 */
export class ExerciseJob {
  private readonly inject: ScheduledJob;
  private readonly reminders: ScheduledJob;

  constructor(
    private readonly deps: {
      exercises: Pick<Exercises, 'injectDue' | 'remindIfDue'>;
      reviews: Pick<Reviews, 'remindDue'>;
      logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
    },
  ) {
    this.inject = new ScheduledJob(
      async () => {
        const created = await this.tick();
        if (created) deps.logger?.info({ created }, 'exercise alerts injected');
      },
      { name: 'exercise injection', logger: deps.logger },
    );
    this.reminders = new ScheduledJob(
      async () => {
        const sent = await this.remind();
        if (sent.exercise || sent.actions)
          deps.logger?.info(sent, 'exercise and review reminders sent');
      },
      { name: 'exercise and review reminders', logger: deps.logger },
    );
  }

  /** One injection pass; answers how many alerts were created. */
  tick(): Promise<number> {
    return this.deps.exercises.injectDue();
  }

  /** One reminder pass: the yearly exercise reminder (when due) and review actions due. */
  async remind(): Promise<{ exercise: boolean; actions: number }> {
    const exercise = await this.deps.exercises.remindIfDue();
    const actions = await this.deps.reviews.remindDue();
    return { exercise, actions };
  }

  start(settings: LoopSettings = {}): void {
    this.inject.start(EXERCISE_INJECT_MS, settings);
    this.reminders.start(EXERCISE_REMINDER_MS, settings);
  }

  /** Looks for due alerts now (a scenario line due at once); nothing when not running. */
  wake(): void {
    this.inject.wake();
  }

  async stop(): Promise<void> {
    await Promise.all([this.inject.stop(), this.reminders.stop()]);
  }
}
