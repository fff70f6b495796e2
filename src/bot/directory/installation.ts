import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { CyberChannel } from '../../app/cyber-channel';
import type { Directory } from '../../app/directory';
import type { ConversationRepository } from '../../app/ports';
import type { AdaptiveCard } from '../../cards/render';
import { welcomeCard } from '../../cards/views';
import type { Clock } from '../../domain/shared/clock';
import { teamRoster } from './team-roster';
import { identifyCaller } from './teams-caller';
import { teamChannelOf } from './teams-channel';

export interface InstallationDeps {
  directory: Directory;
  conversations: ConversationRepository;
  cyberChannel: CyberChannel;
  clock: Clock;
  logger: Logger;
  /** The help card, for a person's own chat. */
  help(): AdaptiveCard;
}

/**
 * What CTAC says when it is installed, or undefined when it has said it already. In a team: the
 * installer may become the first admin, the channel may become the ICS cyber channel, and the team is
 * welcomed once. In a person's own chat: the help card, once.
 */
export async function welcomeCardFor(
  context: TurnContext,
  deps: InstallationDeps,
): Promise<AdaptiveCard | undefined> {
  const team = context.activity.channelData?.team;
  // Only an install into a team can make its installer the first admin (Directory.identify).
  const installer = await identifyCaller(context, deps, {
    installer: team?.id ? 'team' : 'chat',
  });
  const now = deps.clock.now().toISOString();
  const channel = teamChannelOf(context);
  if (!team?.id || !channel) {
    // Teams sends installationUpdate and conversationUpdate for one install (and again each time the
    // Playground is reopened): the chat gets the help card once.
    const chatId = context.activity.conversation?.id;
    const firstTime =
      context.activity.conversation?.conversationType === 'personal' &&
      chatId &&
      (await deps.conversations.markOnce(`welcome:personal:${chatId}`, now));
    return firstTime ? deps.help() : undefined;
  }
  await deps.cyberChannel.installedIn(channel);
  await recordTeamIds(context, deps);
  if (!(await deps.conversations.markOnce(`welcome:${team.id}`, now))) return undefined;
  let teamName = team.name as string | undefined;
  if (!teamName)
    teamName = await TeamsInfo.getTeamDetails(context, team.id).then(
      (d) => d.name,
      () => undefined,
    );
  return welcomeCard({
    teamName: teamName ?? 'this team',
    installedBy: installer?.name ?? context.activity.from?.name ?? 'an admin',
    installedAt: deps.clock.now(),
  });
}

/** On install in a team: the Teams ids of the members found in its roster, so CTAC can open their chats. */
async function recordTeamIds(context: TurnContext, deps: InstallationDeps): Promise<void> {
  try {
    await deps.directory.recordRoster(await teamRoster(context, deps.conversations));
  } catch (e) {
    deps.logger.warn({ err: e }, "install: could not read the team's roster");
  }
}
