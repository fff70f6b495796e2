import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Directory } from '../../app/directory';
import type { DecisionLog } from '../../app/risks/decision-log';
import type { RiskRegister } from '../../app/risks/risk-register';
import type { RiskSettings } from '../../app/risks/risk-settings';
import { decisionFormCard, type DecisionFormValues } from '../../cards/decision-views';
import type { AdaptiveCard } from '../../cards/render';
import { orgNamesOf } from '../../cards/risk-card-format';
import type { BotTurn } from '../bot-feature';

export interface RisksFeatureDeps {
  register: RiskRegister;
  decisions: DecisionLog;
  settings: RiskSettings;
  directory: Directory;
  logger: Logger;
  /** Remembers where the raiser's copy of a risk card is, so a later decision updates it there. */
  cards?: RaiserCards;
}

export interface RaiserCards {
  rememberRaiserCard(riskId: string, context: TurnContext, activityId: string): Promise<void>;
}

/** What the risk handlers share: the use cases, and the cards every one of them may answer with. */
export interface RisksContext extends RisksFeatureDeps {
  /** Organisation names by code, for cards. */
  orgNames(): Promise<ReturnType<typeof orgNamesOf>>;
  /** The decision form, offering only the attributions the caller may use. */
  decisionForm(
    turn: BotTurn,
    opts: {
      values?: DecisionFormValues;
      problems?: string[];
      inTask?: boolean;
      supersedes?: string;
    },
  ): Promise<AdaptiveCard>;
}

export function risksContext(deps: RisksFeatureDeps): RisksContext {
  const { register, directory } = deps;
  return {
    ...deps,
    orgNames: async () => orgNamesOf(await directory.listOrganisations()),
    async decisionForm(turn, opts) {
      const caller = await turn.caller();
      const { organisations, group } = await deps.decisions.attributionChoices(caller);
      const exercise = await deps.decisions.exerciseOffered(caller);
      return decisionFormCard({
        organisations,
        risks: await register.listOpen(caller),
        groupChoice: group,
        ...(exercise && { exercise }),
        ...opts,
      });
    },
  };
}
