/** The outbox: every proactive message is queued here, durably, and delivered within Teams' limits. */
export * from './message';
export * from './ports';
export { DeliveryError } from './retry';
export {
  SendQueue,
  type SendQueueDeps,
  type SendQueueOptions,
  type EnqueueOptions,
  type TickReport,
} from './send-queue';
export { GATHER_MS } from './gathering';
