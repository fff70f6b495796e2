import type { Logger } from 'pino';
import { dueRiskReminders, type RiskReminderRules } from '../../domain/risk';
import type { Clock } from '../../domain/shared/clock';
import type { RiskReminderLog, RiskReminderNotifier, RiskRepository } from './ports';

/**
 * Chases the leads of escalations still undecided (issue 16): after RISK_DECISION_REMINDER_HOURS and on
 * each review date, each lead is reminded in their chat. Which reminders are due is the domain's rule
 * (dueRiskReminders); each is recorded (a conditional insert keyed by risk, kind and due time) before it
 * is queued, so a restart or a second instance never sends it twice.
 */
export class RiskDecisionReminders {
  constructor(
    private readonly deps: {
      /** An exercise's escalations are chased too: their reminders say EXERCISE. */
      risks: Pick<RiskRepository, 'listOpenWithExercises'>;
      log: RiskReminderLog;
      notifier: RiskReminderNotifier;
      clock: Clock;
      rules: RiskReminderRules;
      logger?: Pick<Logger, 'warn'>;
    },
  ) {}

  /** Sends the reminders due at `now` that nobody has sent yet; answers how many were sent. */
  async remindDue(now: Date = this.deps.clock.now()): Promise<number> {
    const open = await this.deps.risks.listOpenWithExercises();
    const byId = new Map(open.map((risk) => [risk.id, risk]));
    let sent = 0;
    for (const reminder of dueRiskReminders(open, now, this.deps.rules)) {
      if (!(await this.deps.log.claim(reminder, now))) continue;
      try {
        await this.deps.notifier.remindLeads(byId.get(reminder.riskId)!, reminder);
      } catch (e) {
        // Not queued: the claim is given back so the next pass (here or elsewhere) sends it.
        await this.deps.log
          .release(reminder)
          .catch((err: unknown) =>
            this.deps.logger?.warn({ err, reminder }, 'risks: could not give back a reminder'),
          );
        throw e;
      }
      sent++;
    }
    return sent;
  }
}
