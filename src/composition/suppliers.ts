import { DsptStatuses } from '../app/dspt';
import { SupplierReminders, Suppliers } from '../app/suppliers';
import type { BotFeature } from '../bot/bot-feature';
import { TeamsSupplierReminderNotifier } from '../bot/suppliers/supplier-reminder-notifier';
import { suppliersFeature } from '../bot/suppliers/suppliers-feature';
import { hasRole } from '../domain/people/member';
import { SupplierReminderJob } from '../jobs/supplier-reminder-job';
import { TableRiskRepository } from '../store/risk-repository';
import {
  TableDsptRepository,
  TableSupplierReminderLog,
  TableSupplierRepository,
} from '../store/supplier-repository';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';

/** The critical supplier register, its reminders to the leads and each organisation's DSPT status (issue 20). */
export interface SuppliersArea {
  suppliers: Suppliers;
  dspt: DsptStatuses;
  feature: BotFeature;
  reminderJob: SupplierReminderJob;
}

export function composeSuppliers(
  { store, clock, logger }: AppContext,
  { directory, members }: PeopleArea,
  outbox: Pick<OutboxArea, 'queue'>,
  alerts: Pick<AlertsArea, 'repository'>,
): SuppliersArea {
  const repository = new TableSupplierRepository(store);
  const suppliers = new Suppliers({
    directory,
    repository,
    // The open risks' index rows (one range query), read directly: the register's use cases check a caller.
    risks: new TableRiskRepository(store),
    alerts: alerts.repository,
    clock,
  });
  const dspt = new DsptStatuses({ directory, repository: new TableDsptRepository(store), clock });
  const organisations = () => directory.listOrganisations();
  const reminders = new SupplierReminders({
    repository,
    log: new TableSupplierReminderLog(store),
    notifier: new TeamsSupplierReminderNotifier({
      queue: outbox.queue,
      leads: async () => (await members.list()).filter((m) => hasRole(m, 'lead')),
      organisations,
      clock,
      logger,
    }),
    clock,
    logger,
  });
  return {
    suppliers,
    dspt,
    feature: suppliersFeature({ suppliers, dspt, organisations, clock }),
    reminderJob: new SupplierReminderJob({ reminders, clock, logger }),
  };
}
