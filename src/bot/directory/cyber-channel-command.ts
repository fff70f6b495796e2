import { noticeCard } from '../../cards/views';
import type { DirectoryFeatureDeps, DirectoryHandlers } from './directory-feature';
import { teamChannelOf } from './teams-channel';

/**
 * `channel` says which channel is the ICS cyber channel; `channel here`, said in a channel by an admin,
 * makes that channel the one alerts, escalations and handovers go to.
 */
export function cyberChannelCommand({ cyberChannel }: DirectoryFeatureDeps): DirectoryHandlers {
  return {
    commands: {
      channel: async (turn, args) => {
        const here = teamChannelOf(turn.context);
        if (args.toLowerCase() === 'here') {
          const choice = await cyberChannel.chooseHere(await turn.caller(), here);
          if (choice.kind === 'not_in_a_channel')
            return noticeCard(
              'Say this in the channel you want',
              'Mention me with "channel here" in the team channel that should get alerts, escalations and handovers.',
              'warning',
            );
          return noticeCard(
            'This is now the ICS cyber channel',
            'New alerts, risk escalations and rota handovers will be posted here. Cards already posted stay where they are.',
            'good',
          );
        }
        const current = await cyberChannel.where(here?.id);
        return noticeCard(
          current.here
            ? 'This is the ICS cyber channel'
            : current.set
              ? 'The ICS cyber channel is set'
              : 'No ICS cyber channel yet',
          current.set
            ? `Alerts, escalations and handovers go to ${current.here ? 'this channel' : 'the channel chosen by an admin'}. An admin can move them by mentioning me with "channel here" in another channel.`
            : 'Install CTAC in the team, or have an admin mention me with "channel here" in the channel to use.',
        );
      },
    },
    verbs: {},
  };
}
