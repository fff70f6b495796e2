import type { AdaptiveCard } from '../../cards/render';
import {
  memberFormCard,
  memberListCard,
  memberRemoveFormCard,
  noticeCard,
} from '../../cards/views';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import type { DirectoryFeatureDeps, DirectoryHandlers } from './directory-feature';
import { teamRoster } from './team-roster';

/** `members`, `member add` and `member remove`: who is in CTAC, with which organisation and role. */
export function directoryMembers({
  directory,
  conversations,
}: DirectoryFeatureDeps): DirectoryHandlers {
  async function memberForm(turn: BotTurn): Promise<AdaptiveCard> {
    const [people, organisations] = await Promise.all([
      teamRoster(turn.context, conversations),
      directory.listOrganisations(),
    ]);
    if (organisations.length === 0)
      return noticeCard(
        'Add an organisation first',
        'Every member belongs to an ICS organisation. Type "org add" to add one.',
        'warning',
      );
    return memberFormCard({ people, organisations });
  }

  /** Someone from the team's roster becomes a member, or their organisation or role changes. */
  const addMember: CardActionHandler = async (data, turn) => {
    const caller = directory.require(await turn.caller(), 'admin', 'add members');
    const people = await teamRoster(turn.context, conversations);
    const chosen = cardField(data, 'aadObjectId').toLowerCase();
    const person = people.find((p) => p.aadObjectId.toLowerCase() === chosen);
    try {
      if (!person)
        throw new CtacError('validation', 'Please check the member details.', [
          'Choose a person from the team.',
        ]);
      const { member, isNew } = await directory.addMember(
        caller,
        {
          aadObjectId: person.aadObjectId,
          name: person.name,
          upn: person.upn,
          orgCode: data['orgCode'],
          role: data['role'],
        },
        person.teamsUserId,
      );
      return noticeCard(
        isNew ? `Added ${member.name}` : `Updated ${member.name}`,
        `${member.name} is now a ${member.role} for ${member.orgCode}. Changed by ${caller.name}.`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return memberFormCard({
          people,
          organisations: await directory.listOrganisations(),
          values: {
            aadObjectId: cardField(data, 'aadObjectId'),
            orgCode: cardField(data, 'orgCode'),
            role: cardField(data, 'role'),
          },
          problems: e.problems,
        });
      throw e;
    }
  };

  const removeMember: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    try {
      const removed = await directory.removeMember(caller, data['aadObjectId']);
      return noticeCard(
        `Removed ${removed.name} from CTAC`,
        `${removed.name} is no longer a ${removed.role}${removed.orgCode ? ` for ${removed.orgCode}` : ''}: they cannot act on CTAC's cards or tab, and their calendar links have stopped working. If they are in a rotation, a lead should take them out of it with "rota setup". Removed by ${caller?.name ?? 'an admin'}.`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return memberRemoveFormCard({
          members: await directory.listMembers(caller),
          problems: e.problems,
        });
      throw e;
    }
  };

  return {
    commands: {
      members: async (turn) => {
        const members = await directory.listMembers(await turn.caller());
        return memberListCard(members, await directory.listOrganisations());
      },
      'member add': async (turn) => {
        directory.require(await turn.caller(), 'admin', 'add members');
        return memberForm(turn);
      },
      'member remove': async (turn) =>
        memberRemoveFormCard({
          members: await directory.listMembers(
            directory.require(await turn.caller(), 'admin', 'remove members'),
          ),
        }),
    },
    verbs: { 'member.add': addMember, 'member.remove': removeMember },
  };
}
