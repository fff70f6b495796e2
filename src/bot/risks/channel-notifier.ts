import { CardFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationRepository } from '../../app/ports';
import type { RiskEscalationNotifier } from '../../app/risks/ports';
import { escalationCard, orgNamesOf } from '../../cards/risk-views';
import type { Directory } from '../../app/directory';
import type { Risk } from '../../domain/risk';

/**
 * Posts escalated risks in the ICS cyber channel (ConversationRepository.cyberChannel) with the saved
 * conversation reference. A failed post is logged, not thrown: the risk is already escalated and stays on the
 * register for the leads (`risks`).
 */
export class TeamsRiskEscalationNotifier implements RiskEscalationNotifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly conversations: ConversationRepository,
    private readonly directory: Directory,
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
      const card = escalationCard(risk, orgNamesOf(await this.directory.listOrganisations()));
      await this.adapter.continueConversationAsync(
        this.botAppId,
        channel.reference as ConversationReference,
        async (context) => {
          await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
        },
      );
    } catch (e) {
      this.logger.error({ err: e, riskId: risk.id }, 'risks: could not post the escalation card');
    }
  }
}
