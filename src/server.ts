import type { Server } from 'http';
import type { AddressInfo } from 'net';
import type { Logger } from 'pino';
import { AlertEscalation } from './app/alerts/alert-escalation';
import { alertIdGenerator } from './app/alerts/alert-ids';
import { AlertService } from './app/alerts/alert-service';
import { AlertSettings } from './app/alerts/alert-settings';
import { RotaOnCallSource } from './app/rota/rota-on-call-source';
import type { AlertNotifier, OnCallSource } from './app/alerts/ports';
import { CachedValue, notifyingWrites } from './app/cached-value';
import { CachedConversationRepository } from './app/conversation-cache';
import { Directory } from './app/directory';
import { CachedMemberRepository } from './app/member-cache';
import { randomBytes } from 'crypto';
import { RotaCalendarFeeds } from './app/rota/rota-calendar-feeds';
import { RotaService } from './app/rota/rota-service';
import { calendarRoutes } from './api/calendar-routes';
import { rotaFeature } from './bot/rota/rota-feature';
import { QueuedRotaNotifier } from './bot/rota/queued-rota-notifier';
import { RotaJobs } from './jobs/rota-jobs';
import { graphTokenSource } from './graph/graph-auth';
import { createGraphClient } from './graph/graph-client';
import { GraphActivityFeed } from './graph/graph-activity-feed';
import { GraphAlertActivityFeed } from './graph/graph-alert-feed';
import { GraphPeopleLookup } from './graph/graph-people';
import {
  ROTA_TABLES,
  TableCalendarLinkRepository,
  TableJobClaims,
  TableLeaveRepository,
  TableOverrideRepository,
  TableRotationRepository,
  TableSwapRepository,
} from './store/rota-repositories';
import { alertsWebhookRouter } from './api/alerts-webhook';
import { TableWebhookReplayGuard, WEBHOOK_REPLAY_TABLE } from './store/webhook-replay-store';
import { alertsFeature } from './bot/alerts/alerts-feature';
import { escalationPolicyFeature } from './bot/alerts/escalation-policy-feature';
import { alertPostRecorder } from './app/alerts/alert-digests';
import { SendQueue, type MessageContent } from './app/outbox';
import { TeamsAlertNotifier } from './bot/alerts/teams-alert-notifier';
import { createSendingAdapter, messageContent, TeamsSender } from './bot/teams-sender';
import { OutboxJob } from './jobs/outbox-job';
import { TableAlertDigestRepository } from './store/alert-digest-repository';
import { SEND_QUEUE_TABLE, TableSendQueueRepository } from './store/send-queue-repository';
import { jobActor } from './domain/shared/actor';
import type { BotFeature } from './bot/bot-feature';
import { CtacBot } from './bot/ctac-bot';
import { createAdapter } from './bot/adapter';
import { createHttpApp } from './api/http-app';
import { ConfigError, loadConfig, type Config } from './config';
import { systemClock, type Clock } from './domain/shared/clock';
import { createLogger } from './logger';
import { startTelemetry, type Telemetry } from './telemetry';
import { fromRoot } from './paths';
import { startEmbeddedAzurite, type EmbeddedAzurite } from './store/embedded-azurite';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from './store/directory-repositories';
import { TableStore } from './store/tables';
import {
  ALERT_ESCALATION_TABLES,
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
} from './store/alert-escalation-store';
import { ALERT_TABLES, TableAlertRepository } from './store/alert-repository';
import { ALERT_POLLER_TABLES, TableNhsPollerStore } from './store/alert-poller-store';
import { EscalationJob } from './jobs/escalation-job';
import { NhsAlertsPoller } from './jobs/nhs-alerts-poller';
import { HsaReminderJob } from './jobs/hsa-reminder-job';
import { HsaResponses } from './app/alerts/hsa-responses';
import {
  HSA_RESPONSE_TABLES,
  TableHsaResponseRepository,
} from './store/alert-hsa-response-repository';
import { DecisionLog } from './app/risks/decision-log';
import { RiskRegister } from './app/risks/risk-register';
import { RiskSettings } from './app/risks/risk-settings';
import { TeamsRiskEscalationNotifier } from './bot/risks/channel-notifier';
import { risksFeature } from './bot/risks/risks-feature';
import { uuidGenerator } from './domain/shared/ids';
import { DECISION_TABLE, TableDecisionRepository } from './store/decision-repository';
import { RISK_SETTINGS_TABLE, TableRiskPolicyRepository } from './store/risk-policy-repository';
import { RISK_CARD_TABLE, TableRiskCardPlaces } from './store/risk-card-repository';
import { RISK_TABLE, TableRiskRepository } from './store/risk-repository';
import type { JWTVerifyGetKey } from 'jose';
import { entraVerifier, type TokenVerifier } from './api/auth-bearer';
import { createDevIssuer, type DevIssuer } from './api/auth-dev-issuer';
import { noIssuerVerifier } from './api/auth-no-issuer';
import { registersRouter } from './api/registers-routes';
import { devHostRouter, tabAssetsRouter } from './api/tab-assets';
import { tabRouter } from './api/tab-routes';
import { AuditLog } from './app/audit-log';
import type { Member } from './domain/people/member';
import { AUDIT_TABLE, TableAuditRepository } from './store/audit-repository';
import { auditFeature } from './bot/audit/audit-feature';
import { auditRouter } from './api/audit-routes';

export interface RunningApp {
  url: string;
  port: number;
  store: TableStore;
  /** With CTAC_DEV_HOST only: signs bearer tokens the API accepts (tests, local tab). */
  devIssuer?: DevIssuer;
  /** The background jobs, for tests that drive them with a FakeClock (tick()) besides their own timers. */
  jobs: { escalation: EscalationJob; rota: RotaJobs; sendQueue: OutboxJob };
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
}

/** How often the escalation job looks for due timers. */
const ESCALATION_TICK_MS = 15_000;
/** How often the NHS cyber alerts API is polled (when NHS_CYBER_ALERTS_URL is set). */
const NHS_POLL_MS = 5 * 60_000;
/** How often overdue HSA responses are looked for. */
const HSA_REMINDER_MS = 10 * 60_000;

/** How often the rota's jobs look for handovers, reminders and gaps. */
const ROTA_TICK_MS = 60_000;

/** The composition root: builds every adapter, use case and repository, then listens. */
export async function startApp(config: Config, opts: StartOptions = {}): Promise<RunningApp> {
  // First, so what is set up next is traced and logged (src/telemetry; nothing is loaded when off).
  const telemetry = opts.telemetry ?? (await startTelemetry(config.telemetry));
  const metrics = telemetry.metrics;
  const logger = opts.logger ?? createLogger(config.logLevel, telemetry.logDestination);
  const clock = opts.clock ?? systemClock;

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
  const store = new TableStore(storage, config.tablePrefix);
  await store.createTables();
  await store.createTables(Object.values(ROTA_TABLES));
  await store.createTables([
    ...Object.values(ALERT_TABLES),
    ...Object.values(ALERT_ESCALATION_TABLES),
    ...Object.values(ALERT_POLLER_TABLES),
    ...Object.values(HSA_RESPONSE_TABLES),
    WEBHOOK_REPLAY_TABLE,
  ]);
  await store.createTables([RISK_TABLE, DECISION_TABLE, RISK_SETTINGS_TABLE, RISK_CARD_TABLE]);
  await store.createTables([SEND_QUEUE_TABLE, AUDIT_TABLE]);

  // Where messages go (the ICS cyber channel, people's chats) is remembered for 30 s; changes made
  // here show at once.
  const conversations = new CachedConversationRepository(
    new TableConversationRepository(store),
    clock,
  );
  // Member look-ups are remembered for 10 s (every button press starts with one); changes through
  // it show at once.
  const members = new CachedMemberRepository(new TableMemberRepository(store), clock);
  // Admin changes (roles, organisations, channel, appetite, bands, policies) are recorded here.
  // The directory records its changes here, and checks who may read it: each needs the other.
  const audit: AuditLog = new AuditLog(
    new TableAuditRepository(store),
    { require: (...args): Member => directory.require(...args) },
    clock,
    uuidGenerator,
  );
  const directory = new Directory(
    new TableOrganisationRepository(store),
    members,
    clock,
    config.admins,
    audit,
  );
  // Alerts (issue 3): storage, use cases, escalation.
  const alertRepository = new TableAlertRepository(store);
  // Every message to Teams goes through the outbox (src/app/outbox), delivered by the TeamsSender.
  const alertDigests = new TableAlertDigestRepository(store);
  const recordAlertPosted = async (
    alertId: string,
    post: { conversationId: string; activityId: string; digest?: boolean },
  ) => {
    await alertService.recordPosted(alertId, post, jobActor('teams-sender'));
  };
  const sendQueue = new SendQueue(
    new TableSendQueueRepository(store),
    (message) => teamsSender.deliver(message),
    {
      clock,
      ids: uuidGenerator,
      logger,
      onPosted: alertPostRecorder(alertDigests, recordAlertPosted),
      // An alert card's update for everyone is drawn when it goes out, from the alert as it stands.
      render: (alertId): Promise<MessageContent | undefined> =>
        teamsAlertNotifier.cardNow(alertId),
      metrics,
    },
  );
  const outboxJob = new OutboxJob(sendQueue, logger);
  const teamsSender = new TeamsSender({
    adapter: createSendingAdapter(config),
    botAppId: config.bot.appId ?? '',
    conversations,
    member: (id) => members.get(id),
  });
  // Who is on call, as names for the alert cards: remembered for 15 s (then, for up to a minute, still
  // shown while a fresh look runs in the background, so no button press waits for it), and forgotten
  // at once when the rota changes here (paging always asks afresh).
  const onCallNamesNow = new CachedValue(
    async (): Promise<string[]> => {
      const layers = await onCall.onCallNow(clock.now());
      const ids = [...new Set([...layers.primary, ...layers.secondary])];
      const people = await Promise.all(ids.map((id) => members.get(id)));
      return people.flatMap((m, i) => (m ? [m.name] : ids[i] ? [ids[i]!] : []));
    },
    clock,
    15_000,
    45_000,
  );
  const onCallChanged = () => onCallNamesNow.invalidate();
  const onCallNames = () => onCallNamesNow.get();
  const teamsAlertNotifier = new TeamsAlertNotifier({
    queue: sendQueue,
    digests: alertDigests,
    conversations,
    alerts: alertRepository,
    recordPosted: recordAlertPosted,
    clock,
    onCallNames,
    hsaLines: (alertId) => hsaResponses.lines(alertId),
    member: (id) => members.get(id),
    logger,
  });
  const alertNotifier: AlertNotifier = opts.alertNotifier ?? teamsAlertNotifier;
  const escalationTimers = new TableEscalationTimerStore(store);
  // Who is on call, layer by layer: the rota (issue 4; rotaOnCall is made further down).
  const onCall: OnCallSource = { onCallNow: (at) => rotaOnCall.onCallNow(at) };
  // One policy store for escalation and the admins' edits, so a saved policy applies at once.
  const escalationPolicies = new TableEscalationPolicyStore(store);
  // Microsoft Graph (people look-ups, activity feed) when GRAPH_ENABLED.
  const graphClient = config.graph
    ? createGraphClient({ getToken: graphTokenSource(config.bot), baseUrl: config.graph.baseUrl })
    : undefined;
  const alertEscalation = new AlertEscalation({
    alerts: alertRepository,
    notifier: alertNotifier,
    timers: escalationTimers,
    policies: escalationPolicies,
    onCall,
    members,
    activityFeed:
      graphClient && new GraphAlertActivityFeed(graphClient, config.bot.appId ?? '', logger),
    logger,
  });
  const alertService = new AlertService({
    alerts: alertRepository,
    notifier: alertNotifier,
    directory,
    escalation: alertEscalation,
    clock,
    ids: alertIdGenerator,
    logger,
    metrics,
  });
  const escalationJob = new EscalationJob({
    timers: escalationTimers,
    escalation: alertEscalation,
    alerts: alertRepository,
    clock,
    instanceId: `${process.pid}@${config.host}`,
    logger,
    // Every open alert's card reaches the channel, even after a crash between storing and queueing.
    delivery: { index: alertRepository, ensurePosted: (id) => alertService.ensurePosted(id) },
  });

  const hsaResponses = new HsaResponses({
    alerts: alertRepository,
    responses: new TableHsaResponseRepository(store),
    organisations: new TableOrganisationRepository(store),
    members,
    directory,
    notifier: alertNotifier,
    clock,
    logger,
  });
  const hsaReminderJob = new HsaReminderJob({ responses: hsaResponses, clock, logger });
  // Off unless NHS_CYBER_ALERTS_URL is set.
  const nhsPoller =
    config.nhsCyberAlertsUrl === undefined
      ? undefined
      : new NhsAlertsPoller({
          baseUrl: config.nhsCyberAlertsUrl,
          ingest: (incoming, actor) => alertService.ingest(incoming, actor),
          store: new TableNhsPollerStore(store),
          clock,
          instanceId: `${process.pid}@${config.host}`,
          logger,
        });

  const adapter = createAdapter(config, logger);
  // The on-call rota (issue 4): use cases, Teams messages, jobs and calendar feeds.
  let publicUrl = config.publicUrl ?? '';
  const rota = new RotaService({
    rotations: notifyingWrites(
      new TableRotationRepository(store),
      ['create', 'update'],
      onCallChanged,
    ),
    overrides: notifyingWrites(
      new TableOverrideRepository(store),
      ['add', 'remove'],
      onCallChanged,
    ),
    leave: notifyingWrites(new TableLeaveRepository(store), ['add', 'remove'], onCallChanged),
    swaps: notifyingWrites(new TableSwapRepository(store), ['create', 'update'], onCallChanged),
    directory,
    members,
    organisations: new TableOrganisationRepository(store),
    clock,
    ids: uuidGenerator,
    lookup: graphClient && new GraphPeopleLookup(graphClient),
  });
  const rotaOnCall = new RotaOnCallSource(rota);
  // Rota messages go through the same persisted send queue as alerts (paced, retried).
  const rotaNotifier = new QueuedRotaNotifier(
    sendQueue,
    conversations,
    (id) => members.get(id),
    logger,
  );
  const calendarFeeds = new RotaCalendarFeeds({
    rota,
    links: new TableCalendarLinkRepository(store),
    // Not the cached look-up: a removed member's links end with the next fetch, on any instance.
    members: new TableMemberRepository(store),
    clock,
    baseUrl: () => publicUrl,
    newSecret: () => randomBytes(32).toString('base64url'),
  });
  const rotaJobs = new RotaJobs({
    rota,
    claims: new TableJobClaims(store),
    notifier: rotaNotifier,
    clock,
    logger,
    reminderLeadMs: config.rota.reminderLeadMinutes * 60_000,
    gapNoticeMs: config.rota.gapNoticeHours * 3_600_000,
    instanceId: `${process.pid}@${config.host}`,
    activityFeed: graphClient && new GraphActivityFeed(graphClient, config.bot.appId ?? '', logger),
    openAlerts: async () =>
      (await alertRepository.listOpen()).map((a) => `${a.title} (${a.severity}, ${a.state})`),
  });
  // Areas of the product plug in here: each brings its bot commands and card actions (src/bot/bot-feature.ts).
  // Risks and decisions (issue 5): the register, the decision log, appetite; escalations post to the channel.
  const decisionLog = new DecisionLog(
    new TableDecisionRepository(store),
    directory,
    clock,
    uuidGenerator,
  );
  const riskSettings = new RiskSettings(
    new TableRiskPolicyRepository(store),
    directory,
    clock,
    audit,
  );
  // Where each risk's cards are in Teams, so a decision made anywhere updates them (issue 22).
  const riskCards = new TeamsRiskEscalationNotifier(
    adapter,
    config.bot.appId ?? '',
    conversations,
    directory,
    new TableRiskCardPlaces(store),
    logger,
  );
  const riskRegister = new RiskRegister(
    new TableRiskRepository(store),
    decisionLog,
    riskSettings,
    directory,
    riskCards,
    clock,
    uuidGenerator,
  );
  const features: BotFeature[] = [
    risksFeature({
      register: riskRegister,
      decisions: decisionLog,
      settings: riskSettings,
      directory,
      logger,
      cards: riskCards,
    }),
  ];
  features.push(
    alertsFeature({
      alerts: alertService,
      lookup: alertRepository,
      directory,
      onCallNames,
      digestCard: (digestId, notice) => teamsAlertNotifier.digestCard(digestId, notice),
      fetchHsa: nhsPoller && ((hsaId) => nhsPoller.fetchOne(hsaId)),
      hsa: {
        lines: (alertId) => hsaResponses.lines(alertId),
        respondWithForm: (caller, alertId, form) =>
          hsaResponses.respondWithForm(caller, alertId, form),
      },
      clock,
      ids: uuidGenerator,
      logger,
    }),
  );
  features.push(auditFeature({ audit }));
  features.push(rotaFeature({ rota, logger, calendar: calendarFeeds, notifier: rotaNotifier }));
  // Escalation policies (issue 3): `policies` for everyone, `policy <severity>` for admins.
  features.push(
    escalationPolicyFeature({
      settings: new AlertSettings({
        policies: escalationPolicies,
        members,
        directory,
        audit,
      }),
      memberName: async (id) => (await members.get(id))?.name,
    }),
  );
  // Bearer tokens for the API (src/api/auth-bearer.ts): the development issuer with CTAC_DEV_HOST only
  // (config allows it only on loopback and without BOT_ID), else Entra ID when there is a bot to ask it
  // about, else none at all.
  const devIssuer = config.devHost ? await createDevIssuer() : undefined;
  const tokenVerifier: TokenVerifier = devIssuer
    ? devIssuer.verifier
    : config.bot.appId && config.bot.tenantId
      ? entraVerifier({
          tenantId: config.bot.tenantId,
          audience: apiAudience(config),
          keys: opts.entraKeys,
        })
      : noIssuerVerifier;
  const bot = new CtacBot({
    directory,
    conversations,
    clock,
    logger,
    features,
    tenantId: config.bot.tenantId,
    audit,
    sendPersonal: (aadObjectId, activity) =>
      sendQueue.enqueue({ kind: 'personal', aadObjectId, content: messageContent(activity) }),
  });

  const app = createHttpApp({
    logger,
    handleBotRequest: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
    checkStore: () => store.ping(),
    clock,
    botAppId: config.bot.appId,
    allowLocalFraming: config.env !== 'production',
    localOnly: config.devHost,
    anonymousBot: config.bot.anonymous,
    tabDir: fromRoot('src', 'tab', 'public'),
    routes: [
      registersRouter({
        verifier: tokenVerifier,
        directory,
        register: riskRegister,
        decisions: decisionLog,
        clock,
      }),
      // The leads' tab (issue 6): its API, its bundled scripts and, with CTAC_DEV_HOST, the development host.
      tabAssetsRouter(fromRoot('dist-tab')),
      tabRouter({
        verifier: tokenVerifier,
        directory,
        register: riskRegister,
        decisions: decisionLog,
        alerts: alertService,
        // Resolved alerts too, for the weekly times to acknowledge and resolve.
        alertHistory: { raisedSince: (from) => alertRepository.raisedSince(from, clock.now()) },
        rota,
        clock,
        hsaResponses: {
          forAlerts: async (ids) =>
            (await Promise.all(ids.map((id) => hsaResponses.lines(id)))).flatMap((lines) =>
              lines.map((line) => line.response),
            ),
        },
      }),
      ...(devIssuer ? [devHostRouter(fromRoot('dist-tab'), devIssuer, () => members.list())] : []),
      auditRouter({ verifier: tokenVerifier, directory, audit, clock }),
      calendarRoutes(calendarFeeds, logger),
      alertsWebhookRouter({
        secret: config.webhookSecret,
        ingest: (incoming, actor) => alertService.ingest(incoming, actor),
        replays: new TableWebhookReplayGuard(store),
        clock,
        logger,
      }),
    ],
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  publicUrl ||= url;
  logger.info({ url, anonymousBot: config.bot.anonymous }, 'CTAC is listening');
  rotaJobs.start(ROTA_TICK_MS, { metrics });
  escalationJob.start(ESCALATION_TICK_MS, { metrics });
  nhsPoller?.start(NHS_POLL_MS, { metrics });
  hsaReminderJob.start(HSA_REMINDER_MS, { metrics });
  outboxJob.start({ metrics });

  return {
    url,
    port,
    store,
    devIssuer,
    jobs: { escalation: escalationJob, rota: rotaJobs, sendQueue: outboxJob },
    async stop() {
      await rotaJobs.stop();
      await escalationJob.stop();
      await nhsPoller?.stop();
      await hsaReminderJob.stop();
      await outboxJob.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await azurite?.stop();
      if (!opts.telemetry) await telemetry.shutdown();
    },
  };
}

/**
 * The audience of the tab's SSO tokens: `api://<public host>/<bot id>`, the app's identifier URI. Never the
 * bare bot id: app-only tokens for the bot carry that.
 */
function apiAudience(config: Config): string | undefined {
  const appId = config.bot.appId ?? '';
  return config.publicUrl && appId ? `api://${new URL(config.publicUrl).host}/${appId}` : undefined;
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
