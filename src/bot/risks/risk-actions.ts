import {
  riskCard,
  riskFormCard,
  riskFormValues,
  escalationCard,
  type Banner,
} from '../../cards/risk-views';
import { noticeCard } from '../../cards/views';
import { ESCALATION_CHOICE_LABELS, isEscalationChoice, type Risk } from '../../domain/risk';
import { isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardField, type CardData } from '../card-fields';
import { isFormProblem, isRefusal, partOfExercise, problemsOf, riskFormFrom } from './form-data';
import type { RisksContext } from './risks-context';
import { sourceMessagesOf } from './source-messages';

/** What the raiser and the channel are told when a change sent the risk to the ICS cyber group. */
export const escalatedNote = (escalated: boolean): string =>
  escalated
    ? ' It is above appetite, so it has gone to the ICS cyber group: their card is in the channel.'
    : '';

/** The risk card's buttons: raise, show, edit, re-score, escalate, close, and a lead's decision. */
export function riskActions(ctx: RisksContext): Record<string, CardActionHandler> {
  const { register, directory, orgNames } = ctx;

  /**
   * The risk card after a change, with what happened on top. A change the risk's state does not allow shows
   * the risk as it is; a refusal of the caller themself is a short notice (thrown to the bot's notice card).
   */
  const changeRisk =
    (
      run: (
        turn: BotTurn,
        id: string,
        data: CardData,
      ) => Promise<{ risk: Risk; changed: boolean; escalated: boolean }>,
      done: (risk: Risk, escalated: boolean) => string,
    ): CardActionHandler =>
    async (data, turn) => {
      const id = cardField(data, 'riskId');
      try {
        const { risk, changed, escalated } = await run(turn, id, data);
        const banner: Banner = changed
          ? { text: done(risk, escalated), style: escalated ? 'warning' : 'good' }
          : { text: 'Nothing changed: the values are the same as before.', style: 'default' };
        return riskCard(risk, await orgNames(), banner);
      } catch (e) {
        if (!isCtacError(e) || e.code === 'not_found' || isRefusal(e)) throw e;
        const risk = await register.get(await turn.caller(), id);
        return riskCard(risk, await orgNames(), {
          text: [e.message, ...e.problems].join(' '),
          style: 'attention',
        });
      }
    };

  return {
    'risk.raise': async (data, turn) => {
      const values = riskFormFrom(data);
      try {
        const { risk, escalated } = await register.raise(await turn.caller(), values, 'teams', {
          partOfExercise: partOfExercise(values),
          fromMessages: sourceMessagesOf(turn.context),
        });
        // The answer replaces the form: that message becomes the raiser's copy of the risk card.
        const copy = turn.context.activity.replyToId;
        if (copy) await ctx.cards?.rememberRaiserCard(risk.id, turn.context, copy);
        const by = (await turn.caller())?.name ?? 'a member';
        return riskCard(risk, await orgNames(), {
          text: `Risk ${risk.id} raised by ${by}.${escalatedNote(escalated)}`,
          style: escalated ? 'warning' : 'good',
        });
      } catch (e) {
        if (!isFormProblem(e)) throw e;
        const exercise = await register.exerciseOffered(await turn.caller());
        return riskFormCard({
          organisations: await directory.listOrganisations(),
          values,
          problems: problemsOf(e),
          ...(exercise && { exercise }),
        });
      }
    },
    'risk.show': async (data, turn) =>
      riskCard(
        await register.get(await turn.caller(), cardField(data, 'riskId')),
        await orgNames(),
      ),
    'risk.edit.form': async (data, turn) => {
      const risk = await register.forEditing(await turn.caller(), cardField(data, 'riskId'));
      return riskFormCard({ riskId: risk.id, organisations: [], values: riskFormValues(risk) });
    },
    'risk.edit': async (data, turn) => {
      const id = cardField(data, 'riskId');
      const values = riskFormFrom(data);
      try {
        const { risk, changed } = await register.edit(
          await turn.caller(),
          id,
          {
            title: values.title,
            description: values.description,
            cafPrinciple: values.cafPrinciple,
            owner: values.owner,
            mitigations: values.mitigations,
            reviewDate: values.reviewDate,
            supplier: values.supplier,
          },
          'teams',
        );
        return riskCard(risk, await orgNames(), {
          text: changed
            ? `Saved by ${(await turn.caller())?.name ?? 'a member'}.`
            : 'Nothing changed.',
          style: changed ? 'good' : 'default',
        });
      } catch (e) {
        if (!isFormProblem(e)) throw e;
        return riskFormCard({ riskId: id, organisations: [], values, problems: problemsOf(e) });
      }
    },
    'risk.rescore': changeRisk(
      async (turn, id, data) =>
        register.rescore(
          await turn.caller(),
          id,
          {
            likelihood: data['rescore_likelihood'],
            consequence: data['rescore_consequence'],
            note: data['rescore_note'],
          },
          'teams',
        ),
      (risk, escalated) => `Re-scored: now ${risk.score}.${escalatedNote(escalated)}`,
    ),
    'risk.escalate': changeRisk(
      async (turn, id, data) =>
        register.escalate(await turn.caller(), id, { note: data['escalate_note'] }, 'teams'),
      () => 'Escalated to the ICS cyber group: their card is in the channel.',
    ),
    'risk.close': changeRisk(
      async (turn, id, data) =>
        register.close(await turn.caller(), id, { reason: data['close_reason'] }, 'teams'),
      (risk) => `Closed by ${risk.closure?.by.name ?? 'a member'}.`,
    ),
    'risk.decide': async (data, turn) => {
      const id = cardField(data, 'riskId');
      const caller = await turn.caller();
      const choice = cardField(data, 'choice');
      try {
        // The use case updates the card for everyone and confirms in its thread, as for a decision in the tab.
        const { risk } = await register.decide(
          caller,
          id,
          { choice, rationale: data['rationale'] },
          'teams',
        );
        return escalationCard(risk, await orgNames());
      } catch (e) {
        if (!isCtacError(e) || e.code === 'not_found') throw e;
        const label = isEscalationChoice(choice) ? ESCALATION_CHOICE_LABELS[choice] : 'That choice';
        // Only the presser sees this answer; the card in the channel stays as it is for everyone else.
        if (isRefusal(e))
          return noticeCard(
            `${label} was not applied`,
            'Only leads of the ICS cyber group can decide on escalated risks. Nothing was changed.',
            'warning',
          );
        // A lead's press that came too late or without a rationale: the card as it now is, the reason on top.
        const current = await register.get(caller, id);
        return escalationCard(current, await orgNames(), {
          text: [e.message, ...e.problems].join(' '),
          style: 'attention',
        });
      }
    },
  };
}
