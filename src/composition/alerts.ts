import { AckLinks } from '../app/alerts/ack-links';
import { AlertEscalation } from '../app/alerts/alert-escalation';
import { alertPostRecorder, type RecordPosted } from '../app/alerts/alert-digests';
import { alertIdGenerator } from '../app/alerts/alert-ids';
import { AlertInbox } from '../app/alerts/alert-inbox';
import { AlertService } from '../app/alerts/alert-service';
import { AlertSettings } from '../app/alerts/alert-settings';
import { HsaResponses } from '../app/alerts/hsa-responses';
import { PageDelivery } from '../app/alerts/page-delivery';
import { PageReceipts } from '../app/alerts/page-receipts';
import { RegulatoryCardContexts } from '../app/regulatory-clocks';
import type { AlertNotifier } from '../app/alerts/ports';
import type { PostedCallback } from '../app/outbox';
import { alertsFeature } from '../bot/alerts/alerts-feature';
import { escalationPolicyFeature } from '../bot/alerts/escalation-policy-feature';
import { TeamsAlertNotifier } from '../bot/alerts/teams-alert-notifier';
import type { BotFeature } from '../bot/bot-feature';
import { tabLinkFor } from '../cards/tab-links';
import { jobActor } from '../domain/shared/actor';
import { uuidGenerator } from '../domain/shared/ids';
import { GraphAlertActivityFeed } from '../graph/graph-alert-feed';
import { AlertInboxJob } from '../jobs/alert-inbox-job';
import { EscalationJob } from '../jobs/escalation-job';
import { AckLinkCleanupJob } from '../jobs/ack-link-cleanup-job';
import { HsaReminderJob } from '../jobs/hsa-reminder-job';
import { NhsAlertsPoller } from '../jobs/nhs-alerts-poller';
import { PageReceiptsJob } from '../jobs/page-receipts-job';
import { NotifyPageSender } from '../notify/notify-page-sender';
import { TableAckLinkStore } from '../store/ack-link-store';
import { TableAlertDigestRepository } from '../store/alert-digest-repository';
import {
  TableEscalationPolicyStore,
  TableEscalationTimerStore,
} from '../store/alert-escalation-store';
import { TableHsaResponseRepository } from '../store/alert-hsa-response-repository';
import { TableAlertInboxStore } from '../store/alert-inbox-store';
import { TableNhsPollerStore } from '../store/alert-poller-store';
import { TableAlertRepository } from '../store/alert-repository';
import { TableContactRepository } from '../store/contact-repository';
import { TableOrganisationRepository } from '../store/directory-repositories';
import { TablePageReceiptStore } from '../store/page-receipt-store';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import type { OutboxArea } from './outbox';
import type { RotaArea } from './rota';

/** Alerts (issue 3) and HSAs: storage, use cases, cards, escalation, the NHS poller and reminders. */
export interface AlertsArea {
  repository: TableAlertRepository;
  service: AlertService;
  /** The webhook's way in: one write, then the alert in the background (inboxJob). */
  inbox: AlertInbox;
  inboxJob: AlertInboxJob;
  hsaResponses: HsaResponses;
  /** The one-time links in texts and emails to acknowledge from the phone (/ack/<token>). */
  ackLinks: AckLinks;
  /** Deletes acknowledge links a week after they expired. */
  ackLinkCleanupJob: AckLinkCleanupJob;
  /** Alert cards in Teams, through the outbox. */
  cards: TeamsAlertNotifier;
  /** Lines describing the open alerts, for the people coming on call. */
  openAlertLines(): Promise<string[]>;
  /** Records where an alert's channel post (or a storm digest) went, once the outbox delivered it. */
  onPosted: PostedCallback;
  escalationJob: EscalationJob;
  hsaReminderJob: HsaReminderJob;
  /** Off unless NHS_CYBER_ALERTS_URL is set. */
  nhsPoller?: NhsAlertsPoller;
  /** GOV.UK Notify's delivery receipts, polled; only when Notify is configured. */
  pageReceiptsJob?: PageReceiptsJob;
  /** The alert commands and card actions. */
  feature: BotFeature;
  /** Escalation policies: `policies` for everyone, `policy <severity>` for admins. */
  policyFeature: BotFeature;
  /** What alert cards need for the NIS and data breach clocks (issue 21). */
  regulatoryCards: RegulatoryCardContexts;
}

export function composeAlerts(
  { config, store, clock, logger, metrics, graph, instanceId }: AppContext,
  { directory, members, conversations, audit }: PeopleArea,
  outbox: OutboxArea,
  rota: Pick<RotaArea, 'onCall' | 'onCallNames'>,
  /** Delivery of alert cards and pages; tests may record it. */
  givenNotifier?: AlertNotifier,
  /** The app's public address, for the acknowledge links (known once the app listens). */
  links: { baseUrl: () => string } = { baseUrl: () => config.publicUrl ?? '' },
): AlertsArea {
  const repository = new TableAlertRepository(store, { logger });
  const digests = new TableAlertDigestRepository(store);
  const regulatoryCards = new RegulatoryCardContexts(new TableOrganisationRepository(store), clock);
  const recordPosted: RecordPosted = (alertId, post, drawn) =>
    service.recordPostedFrom(alertId, post, jobActor('teams-sender'), drawn);
  const cards = new TeamsAlertNotifier({
    queue: outbox.queue,
    digests,
    conversations,
    alerts: repository,
    recordPosted,
    clock,
    onCallNames: rota.onCallNames,
    hsaLines: (alertId) => hsaResponses.lines(alertId),
    regulatory: (alert) => regulatoryCards.forAlert(alert),
    member: (id) => members.get(id),
    // What Teams answered for each page goes on the alert (delivery you can see, issue 16).
    ...(givenNotifier
      ? {}
      : {
          pageOutcomes: (outcome) =>
            escalation.recordTeamsPage(outcome, jobActor('teams-sender'), clock.now()),
        }),
    logger,
  });
  const notifier: AlertNotifier = givenNotifier ?? cards;
  // Texts and email copies per each person's preferences, through GOV.UK Notify when configured.
  const pageSender = config.notify && new NotifyPageSender(config.notify);
  // Delivery receipts by polling Notify for each text and email it accepted (no callback endpoint).
  const receiptStore = new TablePageReceiptStore(store);
  const receipts =
    pageSender &&
    new PageReceipts({
      store: receiptStore,
      sender: pageSender,
      record: (receipt, actor, now): Promise<void> => escalation.recordReceipt(receipt, actor, now),
      clock,
      logger,
    });
  const delivery = new PageDelivery({
    alerts: repository,
    contacts: new TableContactRepository(store),
    ...(pageSender ? { sender: pageSender } : {}),
    ...(receipts ? { receipts } : {}),
    // Each text and email carries its person's one-time acknowledge link (/ack/<token>).
    ackLink: (memberId, alertId, channel): Promise<string> =>
      ackLinks.issue(memberId, alertId, channel),
    clock,
    logger,
  });
  const timers = new TableEscalationTimerStore(store);
  // One policy store for escalation and the admins' edits, so a saved policy applies at once.
  const policies = new TableEscalationPolicyStore(store);
  const escalation = new AlertEscalation({
    alerts: repository,
    notifier,
    timers,
    policies,
    // Who is on call, layer by layer: the rota (issue 4).
    onCall: rota.onCall,
    members,
    activityFeed:
      graph && new GraphAlertActivityFeed(graph, config.bot.appId ?? '', logger, config.teamsAppId),
    delivery,
    // A step due at once (a new alert paging the primary now) is paged now, not at the next tick.
    onDueNow: () => escalationJob.wake(),
    logger,
  });
  const service = new AlertService({
    alerts: repository,
    notifier,
    directory,
    escalation,
    clock,
    ids: alertIdGenerator,
    logger,
    metrics,
    // An HSA's organisations' responses and reminders outlive its channel alert.
    followUpHsa: (alert, opts) => hsaResponses.follow(alert, opts),
  });
  const inbox: AlertInbox = new AlertInbox({
    store: new TableAlertInboxStore(store),
    ingest: (incoming, actor, alertId, { likelyNew, raising }) =>
      service.ingest(incoming, actor, { alertId, likelyNew, firesFirstStep: raising }),
    clock,
    ids: alertIdGenerator,
    instanceId,
    logger,
    onWork: () => inboxJob.wake(),
  });
  const inboxJob = new AlertInboxJob(inbox, clock, logger);
  const escalationJob = new EscalationJob({
    timers,
    escalation,
    alerts: repository,
    clock,
    instanceId,
    logger,
    // Every open alert's card reaches the channel, even after a crash between storing and queueing.
    delivery: { index: repository, ensurePosted: (id) => service.ensurePosted(id) },
  });
  const hsaResponses = new HsaResponses({
    alerts: repository,
    responses: new TableHsaResponseRepository(store),
    organisations: new TableOrganisationRepository(store),
    members,
    directory,
    notifier,
    clock,
    logger,
    tabLink: tabLinkFor,
  });
  const ackLinks: AckLinks = new AckLinks({
    store: new TableAckLinkStore(store),
    alerts: repository,
    members,
    acknowledge: (caller, alertId) => service.acknowledge(caller, alertId),
    clock,
    baseUrl: links.baseUrl,
  });
  const ackLinkCleanupJob = new AckLinkCleanupJob({ ackLinks, clock, logger });
  const hsaReminderJob = new HsaReminderJob({ responses: hsaResponses, clock, logger });
  const pageReceiptsJob =
    receipts && new PageReceiptsJob({ store: receiptStore, receipts, clock, instanceId, logger });
  const nhsPoller =
    config.nhsCyberAlertsUrl === undefined
      ? undefined
      : new NhsAlertsPoller({
          baseUrl: config.nhsCyberAlertsUrl,
          ingest: (incoming, actor) => service.ingest(incoming, actor),
          store: new TableNhsPollerStore(store),
          clock,
          instanceId,
          logger,
        });
  const feature = alertsFeature({
    alerts: service,
    lookup: repository,
    directory,
    onCallNames: rota.onCallNames,
    digestCard: (digestId, notice) => cards.digestCard(digestId, notice),
    fetchHsa: nhsPoller && ((hsaId) => nhsPoller.fetchOne(hsaId)),
    hsa: {
      lines: (alertId) => hsaResponses.lines(alertId),
      respondWithForm: (caller, alertId, form) =>
        hsaResponses.respondWithForm(caller, alertId, form),
      askForResponses: (caller, alertId) => hsaResponses.askForResponses(caller, alertId),
    },
    regulatory: (alert) => regulatoryCards.forAlert(alert),
    clock,
    ids: uuidGenerator,
    logger,
  });
  const policyFeature = escalationPolicyFeature({
    settings: new AlertSettings({ policies, members, directory, audit }),
    memberName: async (id) => (await members.get(id))?.name,
  });
  return {
    repository,
    service,
    inbox,
    inboxJob,
    hsaResponses,
    ackLinks,
    ackLinkCleanupJob,
    cards,
    regulatoryCards,
    openAlertLines: async () =>
      (await repository.listOpen()).map((a) => `${a.title} (${a.severity}, ${a.state})`),
    onPosted: alertPostRecorder(digests, recordPosted, cards.digestDraws),
    escalationJob,
    hsaReminderJob,
    nhsPoller,
    pageReceiptsJob,
    feature,
    policyFeature,
  };
}
