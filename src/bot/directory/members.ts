import { memberWords } from '../../app/member-directory';
import { memberEditFormCard } from '../../cards/leaver-views';
import type { AdaptiveCard } from '../../cards/render';
import { memberFormCard, memberListCard, noticeCard } from '../../cards/views';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotTurn, CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import type { DirectoryFeatureDeps, DirectoryHandlers } from './directory-feature';
import { teamRoster } from './team-roster';

/**
 * `members`, `member add` and `member edit`: who is in CTAC, with which organisation and role (`member
 * remove` is in leavers-feature.ts: it takes them off the rota too).
 */
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

  /** Saves `member edit`: the member is read again by the id on the card, never from its other data. */
  const editMember: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const values = {
      name: cardField(data, 'name'),
      upn: cardField(data, 'upn'),
      orgCode: cardField(data, 'orgCode'),
      role: cardField(data, 'role'),
    };
    try {
      const { before, member, changed } = await directory.editMember(
        caller,
        cardField(data, 'memberId'),
        values,
      );
      return changed
        ? noticeCard(
            `Changed ${member.name}`,
            `Was: ${memberWords(before)}. Now: ${memberWords(member)}. Changed by ${caller?.name ?? 'an admin'}.`,
            'good',
          )
        : noticeCard(`Nothing changed for ${member.name}`, memberWords(member), 'default');
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation') {
        const member = await directory.findMember(cardField(data, 'memberId'), 'edit', true);
        return memberEditFormCard({
          member,
          organisations: await directory.listOrganisations(),
          values,
          problems: e.problems,
        });
      }
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
      // `member edit <name or email>`: their details in a form, saved with "Save changes".
      'member edit': async (turn, args) => {
        directory.require(await turn.caller(), 'admin', 'edit members');
        if (!args.trim())
          throw new CtacError(
            'bad_request',
            'Type "member edit" and their name or email, for example "member edit bob@example.nhs.uk".',
          );
        return memberEditFormCard({
          member: await directory.findMember(args, 'edit'),
          organisations: await directory.listOrganisations(),
        });
      },
    },
    verbs: { 'member.add': addMember, 'member.edit': editMember },
  };
}
