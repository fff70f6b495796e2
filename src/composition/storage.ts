import type { Logger } from 'pino';
import type { Config } from '../config';
import { ACK_LINK_TABLE } from '../store/ack-link-store';
import { EXPORT_LINK_TABLE } from '../store/export-link-store';
import { ALERT_ESCALATION_TABLES } from '../store/alert-escalation-store';
import { ALERT_INBOX_TABLE } from '../store/alert-inbox-store';
import { HSA_RESPONSE_TABLES } from '../store/alert-hsa-response-repository';
import { PAGE_RECEIPT_TABLE } from '../store/page-receipt-store';
import { ALERT_POLLER_TABLES } from '../store/alert-poller-store';
import { ALERT_TABLES } from '../store/alert-rows';
import { TableAlertRepository } from '../store/alert-repository';
import { AUDIT_TABLE } from '../store/audit-repository';
import { CONTACT_TABLE } from '../store/contact-repository';
import { DECISION_TABLE } from '../store/decision-repository';
import { PROCEDURE_TABLE } from '../store/procedure-repository';
import { SUPPLIER_TABLES } from '../store/supplier-repository';
import { EXERCISE_TABLE } from '../store/exercise-repository';
import { REVIEW_TABLE } from '../store/review-repository';
import { REGULATORY_CLOCK_TABLE } from '../store/regulatory-clock-store';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../store/embedded-azurite';
import { RISK_CARD_TABLE } from '../store/risk-card-repository';
import { RISK_REMINDER_TABLE } from '../store/risk-reminder-repository';
import { RISK_SETTINGS_TABLE } from '../store/risk-policy-repository';
import { RISK_TABLE, TableRiskRepository } from '../store/risk-repository';
import { ROTA_TABLES } from '../store/rota-tables';
import { SEND_QUEUE_TABLE } from '../store/send-queue-repository';
import { TableStore } from '../store/tables';
import { StorageGate } from '../app/work-priority';

/** Table Storage, ready: every table exists. */
export interface Storage {
  store: TableStore;
  /** Stops the embedded Azurite, if the app started one. */
  stop(): Promise<void>;
}

/** Opens Table Storage (starting the embedded Azurite unless storage is configured) and creates the tables. */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  let azurite: EmbeddedAzurite | undefined;
  let storage: ConstructorParameters<typeof TableStore>[0];
  if (config.storage.kind === 'embedded') {
    azurite = await startEmbeddedAzurite({ dataDir: config.storage.dataDir });
    storage = { kind: 'connectionString', connectionString: azurite.connectionString };
    logger.info(
      { port: azurite.port, dataDir: config.storage.dataDir },
      'embedded Azurite (Table Storage) started',
    );
  } else {
    storage = config.storage;
  }
  // Background work (the inbox, paging, the send queue, the jobs) yields storage to people waiting.
  const store = new TableStore(storage, config.tablePrefix, undefined, new StorageGate());
  await store.createTables();
  await store.createTables(Object.values(ROTA_TABLES));
  await store.createTables([
    ...Object.values(ALERT_TABLES),
    ...Object.values(ALERT_ESCALATION_TABLES),
    ...Object.values(ALERT_POLLER_TABLES),
    ...Object.values(HSA_RESPONSE_TABLES),
    ACK_LINK_TABLE,
    EXPORT_LINK_TABLE,
    ALERT_INBOX_TABLE,
    PAGE_RECEIPT_TABLE,
    REGULATORY_CLOCK_TABLE,
  ]);
  await store.createTables([
    RISK_TABLE,
    DECISION_TABLE,
    RISK_SETTINGS_TABLE,
    RISK_CARD_TABLE,
    RISK_REMINDER_TABLE,
  ]);
  await store.createTables([SEND_QUEUE_TABLE, AUDIT_TABLE, CONTACT_TABLE, PROCEDURE_TABLE]);
  await store.createTables(Object.values(SUPPLIER_TABLES));
  await store.createTables([EXERCISE_TABLE, REVIEW_TABLE]);
  // The tab's alert views (AlertViews), made good from the alerts after a crash or an older version.
  const alerts = new TableAlertRepository(store, { logger });
  await alerts
    .backfillViews(new Date())
    .then((made) => logger.info(made, 'alert views checked'))
    .catch((err: unknown) =>
      logger.warn({ err }, 'alert views not checked; the tab may miss alerts'),
    );
  // The quarter figures' weekly alert rows, once, for the alerts settled before they were kept.
  await alerts
    .backfillFigures(new Date())
    .then((made) => made && logger.info(made, 'alert figures backfilled'))
    .catch((err: unknown) =>
      logger.warn({ err }, 'alert figures not backfilled; older alerts may be missing'),
    );
  // The risk register's open index rows, given the columns the quarter figures read (an older version's).
  await new TableRiskRepository(store)
    .backfillOpenFigures()
    .then((made) => made && logger.info({ made }, 'open risks given their figure columns'))
    .catch((err: unknown) =>
      logger.warn(
        { err },
        'open risks not given their figure columns; the figures read them whole',
      ),
    );
  return { store, stop: async () => void (await azurite?.stop()) };
}
