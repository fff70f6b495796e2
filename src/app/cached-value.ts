import type { Clock } from '../domain/shared/clock';

/**
 * One value loaded on demand and remembered for `ttlMs`, or until `invalidate()` (a change made in
 * this instance). Callers at the same moment share one load. A failed load is not remembered.
 * With `staleMs`, a value past its time but no older than that beyond it is still answered at once,
 * while one fresh load runs in the background for the next callers: nobody waits for a reload.
 */
export class CachedValue<T> {
  private held?: { value: Promise<T>; until: number; loaded: boolean };
  private refreshing = false;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly staleMs = 0,
  ) {}

  get(): Promise<T> {
    const now = this.clock.now().getTime();
    const held = this.held;
    if (held && held.until > now) return held.value;
    if (held?.loaded && held.until + this.staleMs > now) {
      this.refreshInBackground();
      return held.value;
    }
    const generation = this.generation;
    const value = this.load();
    const entry = { value, until: now + this.ttlMs, loaded: false };
    this.held = entry;
    value.then(
      () => {
        entry.loaded = true;
      },
      () => {
        if (this.generation === generation && this.held === entry) this.held = undefined;
      },
    );
    return value;
  }

  invalidate(): void {
    this.generation++;
    this.held = undefined;
  }

  private refreshInBackground(): void {
    if (this.refreshing) return;
    this.refreshing = true;
    const generation = this.generation;
    this.load()
      .then((fresh) => {
        if (this.generation !== generation) return;
        this.held = {
          value: Promise.resolve(fresh),
          until: this.clock.now().getTime() + this.ttlMs,
          loaded: true,
        };
      })
      // A failed reload keeps the last value until its stale time runs out.
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = false;
      });
  }
}

/**
 * The same repository, calling `onWrite` after each call of one of its `writes` methods (settled or
 * not), e.g. to drop a cached value the write may have changed.
 */
export function notifyingWrites<T extends object>(
  repo: T,
  writes: readonly (keyof T & string)[],
  onWrite: () => void,
): T {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || !writes.includes(prop as keyof T & string)) return value;
      return (...args: unknown[]) => {
        onWrite();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        void Promise.resolve(result)
          .finally(onWrite)
          .catch(() => undefined);
        return result;
      };
    },
  });
}

/**
 * Values by key, each remembered for `ttlMs` from when it was set; at most `max` kept (the oldest
 * dropped first).
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly max = 5_000,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > this.clock.now().getTime() ? hit.value : undefined;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.clock.now().getTime() + this.ttlMs });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * One load shared by the callers that ask while it is in flight, and forgotten once it settles: a
 * storm's many look-ups make one storage read. With `keep`, a load that succeeded also serves callers
 * for `keep.ms` after it finished (a change made through another instance shows within that time).
 * `invalidate()` (a change made in this instance) makes the next caller start afresh, so a change is
 * always seen by callers after it.
 */
export class SharedLoad<T> {
  private held?: { value: Promise<T>; until?: number };

  constructor(private readonly keep?: { clock: Clock; ms: number }) {}

  get(load: () => Promise<T>): Promise<T> {
    const held = this.held;
    if (held && (held.until === undefined || this.now() < held.until)) return held.value;
    const entry: { value: Promise<T>; until?: number } = { value: load() };
    this.held = entry;
    entry.value.then(
      () => {
        if (this.held !== entry) return;
        if (this.keep) entry.until = this.now() + this.keep.ms;
        else this.held = undefined;
      },
      () => {
        if (this.held === entry) this.held = undefined;
      },
    );
    return entry.value;
  }

  invalidate(): void {
    this.held = undefined;
  }

  private now(): number {
    return this.keep?.clock.now().getTime() ?? 0;
  }
}
