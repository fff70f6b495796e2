import type { Clock } from '../domain/shared/clock';

/** How old a store check /api/health may answer from. */
export const HEALTH_MAX_AGE_MS = 5_000;

export type StoreHealth = { ok: true } | { ok: false; error: unknown };

/**
 * The answer to "does Table Storage answer?", from a check at most `maxAgeMs` old: /api/health is open to
 * anyone, so its callers share one check rather than each reading the store. Callers at the same moment
 * share one check in flight; a failure is remembered as long as a success.
 */
export class RecentStoreCheck {
  private last?: { at: number; result: Promise<StoreHealth> };

  constructor(
    private readonly check: () => Promise<void>,
    private readonly clock: Clock,
    private readonly maxAgeMs = HEALTH_MAX_AGE_MS,
  ) {}

  status(): Promise<StoreHealth> {
    const now = this.clock.now().getTime();
    if (this.last && now - this.last.at < this.maxAgeMs && now >= this.last.at)
      return this.last.result;
    const result = this.check().then(
      (): StoreHealth => ({ ok: true }),
      (error: unknown): StoreHealth => ({ ok: false, error }),
    );
    this.last = { at: now, result };
    return result;
  }
}
