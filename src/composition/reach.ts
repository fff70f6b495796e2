import { Reach } from '../app/reach';
import type { BotFeature } from '../bot/bot-feature';
import { reachFeature } from '../bot/reach/reach-feature';
import { TableEscalationPolicyStore } from '../store/alert-escalation-store';
import { TableContactRepository } from '../store/contact-repository';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { RotaArea } from './rota';

/** Who CTAC can reach (issue 16): `reach` for the leads, and the rota notices' unreachable lines. */
export interface ReachArea {
  reach: Reach;
  feature: BotFeature;
}

export function composeReach(
  { config, store, clock }: AppContext,
  { directory, members, conversations }: PeopleArea,
  { rota }: Pick<RotaArea, 'rota'>,
): ReachArea {
  const policies = new TableEscalationPolicyStore(store);
  const contacts = new TableContactRepository(store);
  const reach = new Reach({
    directory,
    members,
    conversations,
    shifts: async (from, to) => (await rota.schedule(from, to)).shifts,
    policies: () => policies.all(),
    clock,
    // Texts need GOV.UK Notify's key and a text template; each person, a mobile number.
    notifyConfigured: !!config.notify?.smsTemplateId,
    hasMobile: async (memberId) => !!(await contacts.get(memberId))?.mobile,
  });
  return { reach, feature: reachFeature({ reach, conversations }) };
}
