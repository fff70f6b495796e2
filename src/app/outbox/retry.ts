import { backoffDelay } from '../../domain/teams-send-budget';
import type { DeliveryState } from './ports';

/** A send the channel refused: its status, and Retry-After in seconds when it said. */
export class DeliveryError extends Error {
  constructor(
    readonly statusCode: number | undefined,
    readonly retryAfterSeconds: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
  /** 429, 412 and 5xx are worth another try; so is a network failure (no status). */
  get retryable(): boolean {
    const s = this.statusCode;
    return s === undefined || s === 429 || s === 412 || s >= 500;
  }
}

/** A failed send as the outbox judges it: anything but a DeliveryError counts as a network failure. */
export const sendFailure = (e: unknown): DeliveryError =>
  e instanceof DeliveryError ? e : new DeliveryError(undefined, undefined, String(e));

/** The state of a row waiting to be tried again: 429s are marked throttled. */
export const retryState = (error: DeliveryError): DeliveryState =>
  error.statusCode === 429 ? 'throttled' : 'queued';

/** How a failure is kept on the row. */
export const describeFailure = (e: DeliveryError): string =>
  `${e.statusCode ?? 'network'}: ${e.message}`.slice(0, 500);

/** When to retry, and when to give up. */
export class RetryPolicy {
  constructor(
    /** After this many failed attempts a message is marked failed. */
    private readonly maxAttempts: number,
    private readonly random: () => number,
  ) {}

  /** True when a failed send is not to be tried again. */
  givesUp(error: DeliveryError, attempts: number): boolean {
    return !(error.retryable && attempts < this.maxAttempts);
  }

  /** When to try a failed send again: Retry-After, or backoff with jitter. */
  retryAt(error: DeliveryError, attempts: number, now: Date): Date {
    return new Date(now.getTime() + backoffDelay(attempts, error.retryAfterSeconds, this.random));
  }
}
