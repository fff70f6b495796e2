import { decisionLoggedCard } from '../../cards/decision-views';
import type { CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import {
  decisionFormFrom,
  decisionFormValuesOf,
  decisionInput,
  isDecisionFormProblem,
  partOfExercise,
  problemsOf,
} from './form-data';
import type { RisksContext } from './risks-context';
import { sourceMessagesOf } from './source-messages';

/** The decision form's buttons: log a decision, and correct one by logging its replacement. */
export function decisionActions(ctx: RisksContext): Record<string, CardActionHandler> {
  const { decisions, orgNames, decisionForm } = ctx;
  return {
    'decision.log': async (data, turn) => {
      const values = decisionFormFrom(data);
      try {
        const decision = await decisions.log(await turn.caller(), decisionInput(values), 'teams', {
          partOfExercise: partOfExercise(values),
          fromMessages: sourceMessagesOf(turn.context),
        });
        return decisionLoggedCard(decision, await orgNames());
      } catch (e) {
        if (!isDecisionFormProblem(e)) throw e;
        return decisionForm(turn, { values, problems: problemsOf(e) });
      }
    },
    'decision.correct.form': async (data, turn) => {
      const old = await decisions.forCorrection(await turn.caller(), cardField(data, 'decisionId'));
      return decisionForm(turn, { supersedes: old.id, values: decisionFormValuesOf(old) });
    },
    'decision.supersede': async (data, turn) => {
      const values = decisionFormFrom(data);
      const oldId = cardField(data, 'supersedes');
      // A decision the caller may not correct is refused with a notice, not a form to try again.
      await decisions.forCorrection(await turn.caller(), oldId);
      try {
        const decision = await decisions.supersede(
          await turn.caller(),
          oldId,
          decisionInput(values),
          'teams',
        );
        return decisionLoggedCard(decision, await orgNames());
      } catch (e) {
        if (!isDecisionFormProblem(e)) throw e;
        return decisionForm(turn, { values, problems: problemsOf(e), supersedes: oldId });
      }
    },
  };
}
