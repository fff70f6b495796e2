import { Leavers } from '../app/leavers';
import type { BotFeature } from '../bot/bot-feature';
import { leaversFeature } from '../bot/directory/leavers-feature';
import { uuidGenerator } from '../domain/shared/ids';
import { TableAckLinkStore } from '../store/ack-link-store';
import { TableEscalationPolicyStore } from '../store/alert-escalation-store';
import { TableCalendarLinkRepository } from '../store/calendar-link-repository';
import { TableContactRepository } from '../store/contact-repository';
import { TableMemberRepository } from '../store/directory-repositories';
import { TableRiskRepository } from '../store/risk-repository';
import {
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
} from '../store/rota-repositories';
import { TableSwapRepository } from '../store/rota-swap-repository';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';

/** Leavers (issue 21): removing a member from the rota, links, pages and policies; removing organisations. */
export interface LeaversArea {
  leavers: Leavers;
  feature: BotFeature;
}

export function composeLeavers(
  { store, clock }: AppContext,
  { directory, members, audit }: PeopleArea,
  alerts: Pick<AlertsArea, 'repository'>,
): LeaversArea {
  const leavers = new Leavers({
    directory,
    members,
    rotations: new TableRotationRepository(store),
    overrides: new TableOverrideRepository(store),
    leave: new TableLeaveRepository(store),
    swaps: new TableSwapRepository(store),
    calendarLinks: new TableCalendarLinkRepository(store),
    contacts: new TableContactRepository(store),
    clock,
    ids: uuidGenerator,
    // Not cached: the preview and the removal read the policies as they are now.
    policies: new TableEscalationPolicyStore(store, 0),
    ackLinks: new TableAckLinkStore(store),
    removed: new TableMemberRepository(store, clock),
    audit,
    openAlerts: () => alerts.repository.listOpen(),
    openRisks: () => new TableRiskRepository(store).listOpen(),
  });
  return { leavers, feature: leaversFeature({ directory, leavers }) };
}
