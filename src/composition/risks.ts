import { DecisionLog } from '../app/risks/decision-log';
import { RiskRegister } from '../app/risks/risk-register';
import { RiskSettings } from '../app/risks/risk-settings';
import type { BotFeature } from '../bot/bot-feature';
import { TeamsRiskEscalationNotifier } from '../bot/risks/channel-notifier';
import { risksFeature } from '../bot/risks/risks-feature';
import { uuidGenerator } from '../domain/shared/ids';
import { TableDecisionRepository } from '../store/decision-repository';
import { TableRiskCardPlaces } from '../store/risk-card-repository';
import { TableRiskPolicyRepository } from '../store/risk-policy-repository';
import { TableRiskRepository } from '../store/risk-repository';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';

/**
 * Risks and decisions (issue 5): the register, the decision log, appetite; escalations post to the
 * channel.
 */
export interface RisksArea {
  register: RiskRegister;
  decisions: DecisionLog;
  feature: BotFeature;
}

export function composeRisks(
  { config, store, clock, logger, adapter }: AppContext,
  { directory, conversations, audit }: PeopleArea,
): RisksArea {
  const decisions = new DecisionLog(
    new TableDecisionRepository(store),
    directory,
    clock,
    uuidGenerator,
  );
  const settings = new RiskSettings(new TableRiskPolicyRepository(store), directory, clock, audit);
  // Where each risk's cards are in Teams, so a decision made anywhere updates them (issue 22).
  const cards = new TeamsRiskEscalationNotifier(
    adapter,
    config.bot.appId ?? '',
    conversations,
    directory,
    new TableRiskCardPlaces(store),
    logger,
  );
  const register = new RiskRegister(
    new TableRiskRepository(store),
    decisions,
    settings,
    directory,
    cards,
    clock,
    uuidGenerator,
  );
  return {
    register,
    decisions,
    feature: risksFeature({ register, decisions, settings, directory, logger, cards }),
  };
}
