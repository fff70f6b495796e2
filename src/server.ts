import { warmAlertCards } from './cards/alert-digest-card';
import type { JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { DevIssuer } from './api/auth-dev-issuer';
import type { AlertNotifier } from './app/alerts/ports';
import { composeAlerts, type AlertsArea } from './composition/alerts';
import { composeBot } from './composition/bot';
import { appContext } from './composition/context';
import { composeDirectory } from './composition/directory';
import { startHttp } from './composition/http';
import { startJobs, stopJobs, type BackgroundJobs } from './composition/jobs';
import { composeOutbox } from './composition/outbox';
import { composeRisks } from './composition/risks';
import { composeReach, type ReachArea } from './composition/reach';
import { composeRota } from './composition/rota';
import { composeContact } from './composition/contact';
import { composeProcedures } from './composition/procedures';
import { composeSuppliers } from './composition/suppliers';
import { composeExercises } from './composition/exercises';
import { composeRegulatoryClocks } from './composition/regulatory-clocks';
import { composeExports } from './composition/exports';
import { composeRetention } from './composition/retention';
import { composeLeavers } from './composition/leavers';
import { openStorage } from './composition/storage';
import { auditFeature } from './bot/audit/audit-feature';
import { setTabLinkAppId } from './cards/tab-links';
import { ConfigError, loadConfig, type Config } from './config';
import { systemClock, type Clock } from './domain/shared/clock';
import { createLogger } from './logger';
import type { TableStore } from './store/tables';
import { startTelemetry, type Telemetry } from './telemetry';

export interface RunningApp {
  url: string;
  port: number;
  store: TableStore;
  /** With CTAC_DEV_HOST only: signs bearer tokens the API accepts (tests, local tab). */
  devIssuer?: DevIssuer;
  /**
   * The background jobs, for tests that drive them with a FakeClock (tick()) besides their own timers,
   * or instead of them (`jobs: false`).
   */
  jobs: BackgroundJobs;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Delivery of alert cards and pages; tests may record it. */
  alertNotifier?: AlertNotifier;
  /** Tests only: Entra ID's signing keys for tab tokens, so nothing is fetched from Entra. */
  entraKeys?: JWTVerifyGetKey;
  /** Azure Monitor, started by the caller; by default started here from config (and stopped with the app). */
  telemetry?: Telemetry;
  /**
   * Starts the background jobs on their timers (the default). False starts none: nothing runs by
   * itself, and a test drives each job with `jobs.*.tick()`.
   */
  jobs?: boolean;
}

/**
 * The composition root: each area of the app (src/composition) builds its repositories, use cases and
 * adapters and hands on what the others need; then the app listens and the jobs start.
 */
export async function startApp(config: Config, opts: StartOptions = {}): Promise<RunningApp> {
  // First, so what is set up next is traced and logged (src/telemetry; nothing is loaded when off).
  const telemetry = opts.telemetry ?? (await startTelemetry(config.telemetry));
  const logger = opts.logger ?? createLogger(config.logLevel, telemetry.logDestination);
  const clock = opts.clock ?? systemClock;
  const storage = await openStorage(config, logger);
  const ctx = appContext(config, logger, clock, storage.store, telemetry.metrics);
  // Cards and reminders link into the tab with the manifest id (none when it is not set).
  setTabLinkAppId(config.teamsAppId);

  const people = composeDirectory(ctx);
  // The outbox and the alerts need each other: a delivered alert post is recorded, and an alert's card
  // is drawn as it goes out; both are asked only once the app runs.
  const outbox = composeOutbox(ctx, people, {
    onPosted: (post, where) => alerts.onPosted(post, where),
    render: (alertId) => alerts.cards.cardNow(alertId),
    renderDigest: (digestId) => alerts.cards.digestNow(digestId),
  });
  let publicUrl = config.publicUrl ?? '';
  const rota = composeRota(ctx, people, outbox, {
    baseUrl: () => publicUrl,
    openAlerts: () => alerts.openAlertLines(),
    unreachableOnCall: (shifts, now) => reach.reach.unreachableOnCall(shifts, now),
  });
  const reach: ReachArea = composeReach(ctx, people, rota);
  const alerts: AlertsArea = composeAlerts(ctx, people, outbox, rota, opts.alertNotifier, {
    baseUrl: () => publicUrl,
  });
  const risks = composeRisks(ctx, people, outbox);
  const contact = composeContact(ctx, people, outbox, { baseUrl: () => publicUrl });
  const procedures = composeProcedures(ctx, people, outbox, alerts, rota);
  const suppliers = composeSuppliers(ctx, people, outbox, alerts);
  const exercises = composeExercises(ctx, people, outbox, alerts);
  const regulatory = composeRegulatoryClocks(ctx, people, alerts, rota);
  const leavers = composeLeavers(ctx, people, alerts);
  const exportsArea = composeExports(ctx, people, alerts, risks, { baseUrl: () => publicUrl });
  const bot = composeBot(ctx, people, outbox, [
    risks.feature,
    alerts.feature,
    auditFeature({ audit: people.audit }),
    rota.feature,
    alerts.policyFeature,
    reach.feature,
    contact.feature,
    procedures.feature,
    suppliers.feature,
    exercises.feature,
    regulatory.feature,
    leavers.feature,
  ]);
  // Parsed and compiled now rather than while the first storm's requests wait.
  warmAlertCards();
  const http = await startHttp(ctx, {
    people,
    alerts,
    rota,
    risks,
    procedures,
    suppliers,
    exercises,
    exports: exportsArea.exports,
    bot,
    entraKeys: opts.entraKeys,
  });
  publicUrl ||= http.url;

  const jobs: BackgroundJobs = {
    alertInbox: alerts.inboxJob,
    escalation: alerts.escalationJob,
    rota: rota.jobs,
    sendQueue: outbox.job,
    hsaReminders: alerts.hsaReminderJob,
    riskReminders: risks.reminderJob,
    supplierReminders: suppliers.reminderJob,
    regulatoryReminders: regulatory.job,
    ackLinkCleanup: alerts.ackLinkCleanupJob,
    exportLinkCleanup: exportsArea.cleanupJob,
    retention: composeRetention(ctx, people).job,
    nhsPoller: alerts.nhsPoller,
    pageReceipts: alerts.pageReceiptsJob,
    exercises: exercises.job,
  };
  if (opts.jobs ?? true) startJobs(jobs, { metrics: telemetry.metrics });

  return {
    url: http.url,
    port: http.port,
    store: storage.store,
    devIssuer: http.devIssuer,
    jobs,
    async stop() {
      await stopJobs(jobs);
      // Digest joins and channel asks still gathered in memory go to the outbox's table now, so a stop
      // loses none of them: they are sent when the app next runs.
      await alerts.cards
        .flushDigests()
        .catch((err) => logger.error({ err }, 'alerts: could not keep gathered digest messages'));
      await http.close();
      await storage.stop();
      if (!opts.telemetry) await telemetry.shutdown();
    },
  };
}

/** `npm run serve`: the app alone. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const running = await startApp(config);
  const shutdown = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
