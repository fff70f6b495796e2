import { RegulatoryClocks } from '../app/regulatory-clocks';
import { regulatoryClocksFeature } from '../bot/alerts/regulatory-clocks-feature';
import type { BotFeature } from '../bot/bot-feature';
import { alertCard } from '../cards/alerts';
import { RegulatoryClockJob } from '../jobs/regulatory-clock-job';
import { TableOrganisationRepository } from '../store/directory-repositories';
import { TableRegulatoryClockIndex } from '../store/regulatory-clock-store';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { RotaArea } from './rota';

/** The NIS and personal data breach 72-hour clocks on alerts (issue 21): buttons, reminders, reports. */
export interface RegulatoryClocksArea {
  clocks: RegulatoryClocks;
  feature: BotFeature;
  job: RegulatoryClockJob;
}

export function composeRegulatoryClocks(
  { store, clock, logger }: AppContext,
  { directory, members, audit }: PeopleArea,
  alerts: Pick<AlertsArea, 'repository' | 'cards' | 'hsaResponses' | 'regulatoryCards'>,
  rota: Pick<RotaArea, 'onCallNames'>,
): RegulatoryClocksArea {
  const clocks = new RegulatoryClocks({
    directory,
    alerts: alerts.repository,
    organisations: new TableOrganisationRepository(store),
    members,
    index: new TableRegulatoryClockIndex(store),
    clock,
    // Reminders go 1:1 through the outbox, like every message CTAC sends.
    messageMember: (id, text) => alerts.cards.messageMember(id, text),
    refreshCard: (alert) => alerts.cards.refreshCard(alert),
    audit,
  });
  const feature = regulatoryClocksFeature({
    clocks,
    async alert(alertId) {
      return (await alerts.repository.get(alertId))?.alert;
    },
    async alertCard(alert, notice) {
      const onCall = await rota.onCallNames().catch(() => [] as string[]);
      const responses =
        alert.source === 'hsa'
          ? await alerts.hsaResponses.lines(alert.id).catch((err) => {
              logger.error({ err }, 'regulatory clocks: could not read the HSA responses');
              return [];
            })
          : undefined;
      const regulatory = await alerts.regulatoryCards.forAlert(alert);
      return alertCard(alert, { onCall, responses, notice, regulatory });
    },
  });
  const job = new RegulatoryClockJob({ clocks, clock, logger });
  return { clocks, feature, job };
}
