import type { Directory } from '../../app/directory';
import type { Leavers } from '../../app/leavers';
import {
  leaverDoneCard,
  leaverPreviewCard,
  organisationRemoveCard,
} from '../../cards/leaver-views';
import { memberRemoveFormCard, noticeCard } from '../../cards/views';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature, CardActionHandler } from '../bot-feature';
import { cardField } from '../card-fields';
import { COMMANDS } from '../commands';

export interface LeaversFeatureDeps {
  directory: Directory;
  leavers: Leavers;
}

/** Longest "from" text read from a card: a date and time is short. */
const FROM_MAX = 40;

/**
 * Leavers in Teams (admins): `member remove <name or email>` shows who, from when, the rota gaps it opens
 * and the policies naming them, and removes only on Confirm (the preview is run again and must match);
 * `org remove <CODE>` says why not yet, or asks to confirm. Who may is decided from the caller's Entra id.
 */
export function leaversFeature({ directory, leavers }: LeaversFeatureDeps): BotFeature {
  /** The preview card for `who` from `from`, or the member list again with what is wrong. */
  const preview = async (
    turn: Parameters<CardActionHandler>[1],
    who: string,
    from: string,
    problems: string[] = [],
    byIdOnly = true,
  ) => {
    const caller = await turn.caller();
    try {
      return leaverPreviewCard(await leavers.preview(caller, who, from, { byIdOnly }), problems);
    } catch (e) {
      if (isCtacError(e) && e.code === 'validation' && e.message === 'Please choose who to remove.')
        return memberRemoveFormCard({
          members: await directory.listMembers(caller),
          problems: e.problems,
        });
      if (isCtacError(e) && e.code === 'validation')
        return leaverPreviewCard(await leavers.preview(caller, who, '', { byIdOnly }), e.problems);
      throw e;
    }
  };

  /** "Show the gaps for this time", and the member list's button: a fresh preview. */
  const showPreview: CardActionHandler = async (data, turn) =>
    preview(turn, cardField(data, 'aadObjectId'), cardField(data, 'from', FROM_MAX));

  const confirm: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    const memberId = cardField(data, 'memberId');
    const from = cardField(data, 'from', FROM_MAX);
    // The time typed since the card was shown: show its gaps first, remove nobody yet.
    if (from !== cardField(data, 'shownFrom', FROM_MAX))
      return preview(turn, memberId, from, [
        'The time changed since these gaps were shown: check them, then remove.',
      ]);
    try {
      return leaverDoneCard(
        await leavers.confirm(caller, memberId, from, cardField(data, 'seen', 4000)),
        caller?.name ?? 'an admin',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'conflict')
        return preview(turn, memberId, from, [e.message]);
      throw e;
    }
  };

  const cancel: CardActionHandler = async (_data, turn) => {
    directory.require(await turn.caller(), 'admin', 'remove members');
    return noticeCard('Nobody was removed', 'Nothing was changed.', 'default');
  };

  const confirmOrganisation: CardActionHandler = async (data, turn) => {
    const caller = await turn.caller();
    try {
      const org = await leavers.removeOrganisation(caller, cardField(data, 'code', 12));
      return noticeCard(
        `Removed ${org.name} (${org.code})`,
        `It is no longer an ICS organisation in CTAC. Closed risks, resolved alerts and the audit log keep its code and name. Removed by ${caller?.name ?? 'an admin'}.`,
        'good',
      );
    } catch (e) {
      if (isCtacError(e) && e.code === 'conflict')
        return noticeCard(
          e.message,
          'An organisation is removed only once nothing names it.',
          'warning',
          e.problems,
        );
      throw e;
    }
  };

  const commands: Record<
    string,
    (turn: Parameters<CardActionHandler>[1], args: string) => Promise<ReturnType<typeof noticeCard>>
  > = {
    'member remove': async (turn, args) => {
      const caller = directory.require(await turn.caller(), 'admin', 'remove members');
      if (!args.trim())
        return memberRemoveFormCard({ members: await directory.listMembers(caller) });
      return preview(turn, args, '', [], false);
    },
    'org remove': async (turn, args) => {
      const code = args.trim();
      if (!code || code.includes(' '))
        throw new CtacError('bad_request', 'Type "org remove CODE", for example "org remove RXC".');
      return organisationRemoveCard(
        await leavers.checkOrganisationRemoval(await turn.caller(), code),
      );
    },
  };

  return {
    commands: COMMANDS.filter((c) => c.name in commands),
    runCommand: (name, args, turn) => commands[name]!(turn, args),
    verbs: {
      'member.remove': showPreview,
      'member.remove.confirm': confirm,
      'member.remove.cancel': cancel,
      'org.remove.confirm': confirmOrganisation,
      'org.remove.cancel': async (_data, turn) => {
        directory.require(await turn.caller(), 'admin', 'remove organisations');
        return noticeCard('Nothing was removed', 'The organisation stays.', 'default');
      },
    },
  };
}
