import { Reach } from '../app/reach';
import type { BotFeature } from '../bot/bot-feature';
import { reachFeature } from '../bot/reach/reach-feature';
import { TableEscalationPolicyStore } from '../store/alert-escalation-store';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { RotaArea } from './rota';

/** Who CTAC can reach (issue 16): `reach` for the leads, and the rota notices' unreachable lines. */
export interface ReachArea {
  reach: Reach;
  feature: BotFeature;
}

export function composeReach(
  { store, clock }: AppContext,
  { directory, members, conversations }: PeopleArea,
  { rota }: Pick<RotaArea, 'rota'>,
): ReachArea {
  const policies = new TableEscalationPolicyStore(store);
  const reach = new Reach({
    directory,
    members,
    conversations,
    shifts: async (from, to) => (await rota.schedule(from, to)).shifts,
    policies: () => policies.all(),
    clock,
    // Text messages come with GOV.UK Notify in a later slice; until then nobody can be texted.
    notifyConfigured: false,
  });
  return { reach, feature: reachFeature({ reach, conversations }) };
}
