import {
  CardFactory,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationRepository } from '../../app/ports';
import type { RiskCardPlace, RiskCardPlaces, RiskEscalationNotifier } from '../../app/risks/ports';
import type { AdaptiveCard } from '../../cards/render';
import { decisionLoggedCard, escalationCard, orgNamesOf, riskCard } from '../../cards/risk-views';
import type { Directory } from '../../app/directory';
import type { Decision } from '../../domain/decisions';
import { ESCALATION_CHOICE_LABELS, type Risk } from '../../domain/risk';
import { formatUkDateTime } from '../../domain/shared/time';

/**
 * A risk's cards in Teams: posts escalated risks in the ICS cyber channel (ConversationRepository.cyberChannel)
 * and remembers where each escalation card and the raiser's copy of the risk card went, so a decision made
 * anywhere (the card's buttons or the tab) updates them and confirms in the escalation's thread. A failed send
 * is logged, not thrown: the risk is already changed and stays on the register for the leads (`risks`).
 */
export class TeamsRiskEscalationNotifier implements RiskEscalationNotifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly conversations: ConversationRepository,
    private readonly directory: Directory,
    private readonly places: RiskCardPlaces,
    private readonly logger: Logger,
  ) {}

  async postEscalation(risk: Risk): Promise<void> {
    try {
      const channel = await this.conversations.cyberChannel();
      if (!channel) {
        this.logger.warn(
          { riskId: risk.id },
          'risks: no ICS cyber channel saved yet; install the app in the team',
        );
        return;
      }
      const card = escalationCard(risk, await this.orgNames());
      const reference = channel.reference as ConversationReference;
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        const sent = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
        if (sent?.id)
          await this.places.save(risk.id, 'escalation', {
            conversationId: reference.conversation.id,
            activityId: sent.id,
            reference,
          });
      });
    } catch (e) {
      this.logger.error({ err: e, riskId: risk.id }, 'risks: could not post the escalation card');
    }
  }

  /** Remembers the raiser's copy of the risk card: the message `activityId` in the turn's conversation. */
  async rememberRaiserCard(
    riskId: string,
    context: TurnContext,
    activityId: string,
  ): Promise<void> {
    try {
      const reference = TurnContext.getConversationReference(context.activity);
      await this.places.save(riskId, 'raiser', {
        conversationId: reference.conversation?.id ?? '',
        activityId,
        reference,
      });
    } catch (e) {
      this.logger.warn({ err: e, riskId }, 'risks: could not remember the raiser\u2019s card');
    }
  }

  async decided(risk: Risk, decision: Decision): Promise<void> {
    const names = await this.orgNames().catch(() => ({}));
    const [escalation, raiser] = await Promise.all([
      this.place(risk.id, 'escalation'),
      this.place(risk.id, 'raiser'),
    ]);
    if (escalation) {
      // A channel post is its own thread: the card is updated and answered there, as a button press is.
      const thread = escalation.conversationId.includes(';')
        ? escalation.conversationId
        : `${escalation.conversationId};messageid=${escalation.activityId}`;
      await this.send(risk.id, 'update the escalation card', escalation, thread, (context) =>
        update(context, escalation.activityId, escalationCard(risk, names)),
      );
      await this.send(risk.id, 'confirm the decision', escalation, thread, async (context) => {
        await context.sendActivity({
          attachments: [CardFactory.adaptiveCard(decisionLoggedCard(decision, names))],
        });
      });
    }
    if (raiser) {
      const d = risk.lastDecision;
      const banner = d && {
        text: `The ICS cyber group decided: ${ESCALATION_CHOICE_LABELS[d.choice]} (${d.by.name}, ${formatUkDateTime(d.at)}).`,
        style: 'good' as const,
      };
      await this.send(
        risk.id,
        'update the raiser\u2019s card',
        raiser,
        raiser.conversationId,
        (context) => update(context, raiser.activityId, riskCard(risk, names, banner || undefined)),
      );
    }
  }

  private async place(riskId: string, kind: 'escalation' | 'raiser') {
    try {
      return await this.places.get(riskId, kind);
    } catch (e) {
      this.logger.warn({ err: e, riskId, kind }, 'risks: could not find where the card is');
      return undefined;
    }
  }

  private async send(
    riskId: string,
    what: string,
    place: RiskCardPlace,
    conversationId: string,
    run: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const saved = place.reference as ConversationReference;
    const reference: Partial<ConversationReference> = {
      ...saved,
      conversation: { ...saved.conversation, id: conversationId },
      activityId: undefined,
    };
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, run);
    } catch (e) {
      this.logger.warn({ err: e, riskId }, `risks: could not ${what}`);
    }
  }

  private async orgNames() {
    return orgNamesOf(await this.directory.listOrganisations());
  }
}

async function update(context: TurnContext, id: string, card: AdaptiveCard): Promise<void> {
  await context.updateActivity({
    id,
    type: 'message',
    conversation: context.activity.conversation,
    attachments: [CardFactory.adaptiveCard(card)],
  } as Partial<Activity>);
}
