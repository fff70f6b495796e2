import { TurnContext, type ConversationReference } from 'botbuilder';
import type { ConversationRepository } from '../../app/ports';
import { channelIdOf } from './teams-channel';

/**
 * Saves where the app lives, from every activity, so proactive posts work later: the team and the
 * channel, a person's own chat with CTAC, or a group chat.
 */
export async function saveConversation(
  context: TurnContext,
  conversations: ConversationRepository,
  at: Date,
): Promise<void> {
  const activity = context.activity;
  const reference = TurnContext.getConversationReference(activity) as ConversationReference;
  const now = at.toISOString();
  const team = activity.channelData?.team;
  const type = activity.conversation?.conversationType;
  if (team?.id) {
    await conversations.save({
      kind: 'team',
      id: team.id,
      name: team.name,
      aadGroupId: team.aadGroupId,
      reference,
      updatedAt: now,
    });
    const channelId = channelIdOf(context);
    const channelRef = {
      ...reference,
      conversation: { ...reference.conversation, id: channelId },
    };
    await conversations.save({
      kind: 'channel',
      id: channelId,
      teamId: team.id,
      aadGroupId: team.aadGroupId,
      reference: channelRef,
      updatedAt: now,
    });
  } else if (type === 'personal' && activity.from?.aadObjectId) {
    await conversations.save({
      kind: 'personal',
      id: activity.from.aadObjectId.toLowerCase(),
      reference,
      updatedAt: now,
    });
  } else if (activity.conversation?.id) {
    await conversations.save({
      kind: 'groupChat',
      id: activity.conversation.id,
      reference,
      updatedAt: now,
    });
  }
}
