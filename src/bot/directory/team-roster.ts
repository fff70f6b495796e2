import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { ConversationRepository, TeamMember } from '../../app/ports';

/**
 * The people of the team (or of this chat when no team is known yet), as Teams tells us, by name, each
 * with their Teams user id.
 */
export async function teamRoster(
  context: TurnContext,
  conversations: Pick<ConversationRepository, 'list'>,
): Promise<TeamMember[]> {
  const teamId =
    context.activity.channelData?.team?.id ?? (await conversations.list('team'))[0]?.id;
  const people: TeamMember[] = [];
  let token: string | undefined;
  do {
    const page = teamId
      ? await TeamsInfo.getPagedTeamMembers(context, teamId, 100, token)
      : await TeamsInfo.getPagedMembers(context, 100, token);
    for (const m of page.members)
      if (m.aadObjectId)
        people.push({
          aadObjectId: m.aadObjectId,
          name: m.name,
          upn: m.userPrincipalName ?? m.email,
          ...(m.id ? { teamsUserId: m.id } : {}),
        });
    token = page.continuationToken || undefined;
  } while (token);
  return people.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}
