import { AsyncLocalStorage } from 'node:async_hooks';
// The timers module's own, not the global: a test's fake timers must not hold the background still.
import { setImmediate as nextLoopTurn } from 'node:timers';

/**
 * Storage work for someone waiting goes first (issue 18). A webhook sender, a person pressing a button
 * or the tab waits for its storage requests; the background (applying accepted alerts, paging, the send
 * queue, every scheduled job) does not. Table Storage (and Azurite, one request at a time) answers in
 * turn, so a background burst (a storm's alerts applied dozens at a time) would put every waiting
 * request behind it. Work started with `inBackground` (the job loops, the alert inbox's workers) takes
 * its storage requests through the StorageGate: only a few at once while someone is waiting, as many as
 * it likes otherwise. Everything else (requests, start-up) is not gated at all.
 */
type Priority = 'background';
const context = new AsyncLocalStorage<Priority>();

/** Runs `fn`, and everything it starts, as background work. */
export const inBackground = <T>(fn: () => T): T => context.run('background', fn);

/**
 * Runs `fn` as work someone waits for, even when called from background work: a transaction started by
 * the background that carries a waiting person's row too (src/store/partition-batcher.ts).
 */
export const inForeground = <T>(fn: () => T): T => context.exit(fn);

/** Whether the code running now was started as background work. */
export const isBackground = (): boolean => context.getStore() === 'background';

/**
 * Background work resumes one piece at a time, each in a turn of the event loop of its own (issue 18).
 * When a storage answer wakes background work (one transaction settles a dozen alerts' rows), every
 * woken piece would otherwise run straight on in one go, up to its next request, and a webhook request
 * arriving meanwhile would wait in the socket for all of them: under a storm the webhook's slowest
 * answers were those waits. Through `backgroundTurn`, requests that arrived are read between pieces.
 */
class TurnQueue {
  private readonly waiting: (() => void)[] = [];
  private armed = false;

  /** Resolves in a turn of its own, after the I/O that is ready now and those queued before it. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.armed) {
        this.armed = true;
        nextLoopTurn(this.run);
      }
    });
  }

  private readonly run = (): void => {
    this.waiting.shift()?.();
    if (this.waiting.length) nextLoopTurn(this.run);
    else this.armed = false;
  };
}

const turns = new TurnQueue();

/** Resolves in an event-loop turn of its own, one background piece a turn (see TurnQueue). */
export const backgroundTurn = (): Promise<void> => turns.next();

export interface StorageGateOptions {
  /** Background requests at once while someone waits, or waited within `quietMs`. */
  busy?: number;
  /** Background requests at once otherwise. */
  idle?: number;
  /** How long after the last waiting request the background still counts as sharing. */
  quietMs?: number;
  now?: () => number;
}

/**
 * How many background storage requests run at once: `busy` while requests for people waiting are in
 * flight or ended less than `quietMs` ago, `idle` otherwise. A slot is held for one request (its retries
 * included) and nothing else, so a slot is never held while waiting for another: no deadlock.
 */
export class StorageGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private foregroundInFlight = 0;
  private lastForeground = Number.NEGATIVE_INFINITY;
  private readonly busy: number;
  private readonly idle: number;
  private readonly quietMs: number;
  private readonly now: () => number;

  constructor({ busy = 2, idle = 32, quietMs = 150, now = Date.now }: StorageGateOptions = {}) {
    this.busy = Math.max(1, busy);
    this.idle = Math.max(this.busy, idle);
    this.quietMs = quietMs;
    this.now = now;
  }

  /** Sends one storage request: gated when it is background work, counted as someone waiting if not. */
  async send<T>(request: () => Promise<T>): Promise<T> {
    if (!isBackground()) {
      this.foregroundInFlight++;
      try {
        return await request();
      } finally {
        this.foregroundInFlight--;
        this.lastForeground = this.now();
        this.pump();
      }
    }
    if (this.active < this.limit()) this.active++;
    // Woken by pump, which counts this request in.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await request();
    } finally {
      this.active--;
      this.pump();
      // What the answer wakes runs in a turn of its own (see TurnQueue).
      await turns.next();
    }
  }

  /** Background requests waiting for a slot now (tests, diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }

  private limit(): number {
    const sharing = this.foregroundInFlight > 0 || this.now() - this.lastForeground < this.quietMs;
    return sharing ? this.busy : this.idle;
  }

  private pump(): void {
    while (this.waiting.length && this.active < this.limit()) {
      this.active++;
      this.waiting.shift()!();
    }
  }
}
