import type { ConversationRepository } from '../../app/ports';
import type { Reach } from '../../app/reach';
import { reachCard } from '../../cards/reach-views';
import type { BotFeature } from '../bot-feature';
import type { CommandSpec } from '../commands';
import { teamRoster } from '../directory/team-roster';

const REACH: CommandSpec = {
  name: 'reach',
  usage: 'reach',
  description:
    'Who on the rota, among the leads and in escalation policies cannot be reached now, and why (leads).',
  group: 'People and organisations',
};

export interface ReachFeatureDeps {
  reach: Reach;
  conversations: Pick<ConversationRepository, 'list'>;
}

/** `reach` (leads): who CTAC could not page now, and why. The team's roster comes from Teams. */
export function reachFeature({ reach, conversations }: ReachFeatureDeps): BotFeature {
  return {
    commands: [REACH],
    runCommand: async (_name, _args, turn) =>
      reachCard(
        await reach.check(await turn.caller(), () =>
          teamRoster(turn.context, conversations).catch(() => undefined),
        ),
      ),
  };
}
