import type { BotFeature } from '../bot/bot-feature';
import { CtacBot } from '../bot/ctac-bot';
import { messageContent } from '../bot/teams-sender';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';

/**
 * The bot (`/api/messages`): areas of the product plug in as features, each bringing its commands and
 * card actions (src/bot/bot-feature.ts); replies it cannot give in the conversation go through the outbox.
 */
export function composeBot(
  { config, clock, logger }: AppContext,
  { directory, conversations, audit }: PeopleArea,
  outbox: OutboxArea,
  features: BotFeature[],
): CtacBot {
  return new CtacBot({
    directory,
    conversations,
    clock,
    logger,
    features,
    tenantId: config.bot.tenantId,
    audit,
    sendPersonal: (aadObjectId, activity) =>
      outbox.queue.enqueue({ kind: 'personal', aadObjectId, content: messageContent(activity) }),
  });
}
