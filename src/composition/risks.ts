import { DecisionLog } from '../app/risks/decision-log';
import { RiskDecisionReminders } from '../app/risks/decision-reminders';
import { RiskRegister } from '../app/risks/risk-register';
import { RiskSettings } from '../app/risks/risk-settings';
import type { BotFeature } from '../bot/bot-feature';
import { TeamsRiskEscalationNotifier } from '../bot/risks/channel-notifier';
import { risksFeature } from '../bot/risks/risks-feature';
import { hasRole } from '../domain/people/member';
import { uuidGenerator } from '../domain/shared/ids';
import { RiskReminderJob } from '../jobs/risk-reminder-job';
import { TableAlertRepository } from '../store/alert-repository';
import { TableDecisionExercises } from '../store/decision-exercises';
import { TableDecisionRepository } from '../store/decision-repository';
import { TableExerciseRepository } from '../store/exercise-repository';
import { TableRiskCardPlaces } from '../store/risk-card-repository';
import { TableRiskPolicyRepository } from '../store/risk-policy-repository';
import { TableRiskReminderLog } from '../store/risk-reminder-repository';
import { TableRiskRepository } from '../store/risk-repository';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';

/**
 * Risks and decisions (issue 5): the register, the decision log, appetite; escalations go to the channel
 * and to each lead through the outbox, and undecided ones are reminded (issue 16).
 */
export interface RisksArea {
  register: RiskRegister;
  decisions: DecisionLog;
  feature: BotFeature;
  /** Reminds the leads of escalations still undecided. */
  reminderJob: RiskReminderJob;
}

export function composeRisks(
  { config, store, clock, logger }: AppContext,
  { directory, members, conversations, audit }: PeopleArea,
  outbox: Pick<OutboxArea, 'queue'>,
): RisksArea {
  // A decision logged or a risk raised as part of a running exercise is tagged with it (issue 21).
  const exercises = new TableDecisionExercises(
    new TableExerciseRepository(store),
    new TableAlertRepository(store, { logger }),
  );
  const decisions = new DecisionLog(
    new TableDecisionRepository(store),
    directory,
    clock,
    uuidGenerator,
    exercises,
  );
  const settings = new RiskSettings(new TableRiskPolicyRepository(store), directory, clock, audit);
  // Where each risk's cards are in Teams, so a decision made anywhere updates them (issue 22).
  const cards = new TeamsRiskEscalationNotifier({
    queue: outbox.queue,
    conversations,
    directory,
    places: new TableRiskCardPlaces(store),
    leads: async () => (await members.list()).filter((m) => hasRole(m, 'lead')),
    logger,
  });
  const risks = new TableRiskRepository(store);
  const register = new RiskRegister(
    risks,
    decisions,
    settings,
    directory,
    cards,
    clock,
    uuidGenerator,
    exercises,
  );
  const reminders = new RiskDecisionReminders({
    risks,
    log: new TableRiskReminderLog(store),
    notifier: cards,
    clock,
    rules: { reminderHours: config.risks.decisionReminderHours },
    logger,
  });
  return {
    register,
    decisions,
    feature: risksFeature({ register, decisions, settings, directory, logger, cards }),
    reminderJob: new RiskReminderJob({ reminders, clock, logger }),
  };
}
