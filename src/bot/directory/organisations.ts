import { organisationEditFormCard } from '../../cards/leaver-views';
import { noticeCard, organisationFormCard, organisationListCard } from '../../cards/views';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import type { DirectoryFeatureDeps, DirectoryHandlers } from './directory-feature';

/**
 * `orgs`, `org add`, `org edit` and `org essential`: the ICS organisations, which admins add and change
 * (`org remove` is in leavers-feature.ts: it checks what still names the organisation).
 */
export function directoryOrganisations({ directory }: DirectoryFeatureDeps): DirectoryHandlers {
  const addOrganisation: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    try {
      const org = await directory.addOrganisation(caller, data);
      return noticeCard(
        `Added ${org.name} (${org.code})`,
        `${org.isOes ? 'Marked as an operator of essential services. ' : ''}Added by ${caller?.name ?? 'an admin'}. Next, add its people with "member add".`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && (e.code === 'validation' || e.code === 'conflict'))
        return organisationFormCard({
          name: cardField(data, 'name'),
          code: cardField(data, 'code'),
          isOes: data['isOes'] === 'true',
          problems: e.problems.length ? e.problems : [e.message],
        });
      throw e;
    }
  };

  /** Saves `org edit`: the organisation is read again by the code on the card. */
  const editOrganisation: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const code = cardField(data, 'code', 12);
    const values = { name: cardField(data, 'name'), isOes: data['isOes'] === 'true' };
    try {
      const org = await directory.editOrganisation(caller, code, values);
      return noticeCard(
        `Saved ${org.name} (${org.code})`,
        `${org.isOes ? 'An operator of essential services under NIS.' : 'Not an operator of essential services.'} Changed by ${caller?.name ?? 'an admin'}.`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation')
        return organisationEditFormCard({
          organisation: await directory.organisationOrThrow(code),
          values,
          problems: e.problems,
        });
      throw e;
    }
  };

  return {
    commands: {
      orgs: async () =>
        organisationListCard('ICS organisations', await directory.listOrganisations()),
      'org add': async (turn) => {
        directory.require(await turn.caller(), 'admin', 'add organisations');
        return organisationFormCard();
      },
      'org edit': async (turn, args) => {
        directory.require(await turn.caller(), 'admin', 'edit organisations');
        const code = args.trim();
        if (!code || code.includes(' '))
          throw new CtacError('bad_request', 'Type "org edit CODE", for example "org edit RXC".');
        return organisationEditFormCard({
          organisation: await directory.organisationOrThrow(code),
        });
      },
      // `org essential RXC on|off`: the NIS mark, which lets an alert naming it be flagged under NIS.
      'org essential': async (turn, args) => {
        const [code = '', onOff = '', ...rest] = args.split(' ');
        const on = onOff.toLowerCase();
        if (!code || (on !== 'on' && on !== 'off') || rest.length)
          throw new CtacError(
            'bad_request',
            'Type "org essential CODE on" or "org essential CODE off", for example "org essential RXC on".',
          );
        const caller = await turn.caller();
        const org = await directory.setEssentialServices(caller, code, on === 'on');
        return noticeCard(
          `${org.name} (${org.code})`,
          org.isOes
            ? 'Marked as an operator of essential services: its alerts can be flagged as possibly reportable under NIS.'
            : 'Not marked as an operator of essential services.',
          'good',
        );
      },
    },
    verbs: { 'org.add': addOrganisation, 'org.edit': editOrganisation },
  };
}
