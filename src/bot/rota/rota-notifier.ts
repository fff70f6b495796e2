import { CardFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationRepository } from '../../app/ports';
import type { RotaNotifier } from '../../app/rota/ports';

/**
 * Sends the rota's proactive messages with the saved conversation references: the ICS cyber channel
 * (ConversationRepository.cyberChannel) and 1:1 chats. Failures are logged and answered
 * `false`, so a job moves on instead of stopping.
 */
export class TeamsRotaNotifier implements RotaNotifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly conversations: ConversationRepository,
    private readonly logger: Logger,
  ) {}

  async postToChannel(card: object): Promise<boolean> {
    const channel = await this.conversations.cyberChannel();
    if (!channel) {
      this.logger.warn('rota: no ICS cyber channel saved yet; install the app in the team');
      return false;
    }
    return this.send(channel.reference as ConversationReference, card, 'channel');
  }

  async sendToMember(memberId: string, card: object): Promise<boolean> {
    const chat = await this.conversations.get('personal', memberId.toLowerCase());
    if (!chat) {
      this.logger.info({ memberId }, 'rota: no 1:1 chat with this member yet');
      return false;
    }
    return this.send(chat.reference as ConversationReference, card, 'personal');
  }

  private async send(reference: ConversationReference, card: object, where: string) {
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
      });
      return true;
    } catch (e) {
      this.logger.warn({ err: e, where }, 'rota: could not send a message to Teams');
      return false;
    }
  }
}
