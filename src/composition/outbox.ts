import { SendQueue, type PostedCallback, type RenderCard, type RenderDigest } from '../app/outbox';
import { createSendingAdapter, TeamsSender } from '../bot/teams-sender';
import { uuidGenerator } from '../domain/shared/ids';
import { OutboxJob } from '../jobs/outbox-job';
import { TableSendQueueRepository } from '../store/send-queue-repository';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';

/** The outbox (src/app/outbox): every message to Teams goes through it, delivered by the TeamsSender. */
export interface OutboxArea {
  queue: SendQueue;
  /** Its real-time worker. */
  job: OutboxJob;
}

/** What the outbox asks of the alerts: where an alert's post went, and its card as it stands. */
export interface AlertCardHooks {
  onPosted: PostedCallback;
  render: RenderCard;
  renderDigest: RenderDigest;
}

export function composeOutbox(
  { config, store, clock, logger, metrics }: AppContext,
  { conversations, members }: PeopleArea,
  alertCards: AlertCardHooks,
): OutboxArea {
  const teamsSender = new TeamsSender({
    adapter: createSendingAdapter(config),
    botAppId: config.bot.appId ?? '',
    conversations,
    member: (id) => members.get(id),
  });
  const queue = new SendQueue(
    new TableSendQueueRepository(store),
    (message) => teamsSender.deliver(message),
    {
      clock,
      ids: uuidGenerator,
      logger,
      onPosted: alertCards.onPosted,
      // An alert card's update for everyone is drawn when it goes out, from the alert as it stands.
      render: alertCards.render,
      // So is a storm digest's post: alerts joining it while it waits need no re-render each.
      renderDigest: alertCards.renderDigest,
      metrics,
    },
  );
  return { queue, job: new OutboxJob(queue, logger) };
}
