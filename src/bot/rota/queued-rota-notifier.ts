import { CardFactory } from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationRepository } from '../../app/ports';
import type { RotaNotifier } from '../../app/rota/ports';
import type { Member } from '../../domain/people/member';
import type { SendQueue } from '../send-queue';

/**
 * The rota's messages through the persisted Teams send queue (src/bot/send-queue.ts), which paces
 * them within Teams' limits and retries on throttling. Answers `true` once a message is queued for
 * somewhere it can be delivered: the ICS cyber channel, or a
 * member with a 1:1 chat or a known Teams id.
 */
export class QueuedRotaNotifier implements RotaNotifier {
  constructor(
    private readonly queue: Pick<SendQueue, 'enqueue'>,
    private readonly conversations: ConversationRepository,
    private readonly member: (aadObjectId: string) => Promise<Member | undefined>,
    private readonly logger: Logger,
  ) {}

  async postToChannel(card: object): Promise<boolean> {
    const channel = await this.conversations.cyberChannel();
    if (!channel) {
      this.logger.warn('rota: no ICS cyber channel saved yet; install the app in the team');
      return false;
    }
    await this.queue.enqueue({
      kind: 'channelPost',
      channelId: channel.id,
      activity: { attachments: [CardFactory.adaptiveCard(card)] },
    });
    return true;
  }

  async sendToMember(memberId: string, card: object): Promise<boolean> {
    const id = memberId.toLowerCase();
    const reachable =
      !!(await this.conversations.get('personal', id)) || !!(await this.member(id))?.teamsUserId;
    if (!reachable) {
      this.logger.info({ memberId: id }, 'rota: no 1:1 chat with this member yet');
      return false;
    }
    await this.queue.enqueue({
      kind: 'personal',
      aadObjectId: id,
      activity: { attachments: [CardFactory.adaptiveCard(card)] },
    });
    return true;
  }
}
