import { targetKey, type OutboxMessage, type RefreshTarget } from './message';
import type { OutboxTimers } from './ports';

/** Refreshes are gathered for at most this long (from the first), then stored as one row. */
export const GATHER_MS = 200;
/** The most refreshes one row holds. */
const BUNDLE_MAX = 50;

/** Refreshes being gathered into one row for a conversation, and who waits for it to be stored. */
interface Gathering {
  targets: RefreshTarget[];
  waiters: { resolve(id: string): void; reject(e: unknown): void }[];
  cancel: () => void;
}

/**
 * Card refreshes for a conversation waiting for its Teams budget, gathered for up to GATHER_MS (or
 * BUNDLE_MAX refreshes) and stored as one `refreshes` row; each caller's promise answers that row's
 * id once it is stored.
 */
export class RefreshGathering {
  private readonly gathering = new Map<string, Gathering>();

  constructor(
    private readonly store: (message: OutboxMessage) => Promise<string>,
    private readonly timers: OutboxTimers,
  ) {}

  /** True while refreshes for the conversation are being gathered. */
  has(conversation: string): boolean {
    return this.gathering.has(conversation);
  }

  add(conversation: string, target: RefreshTarget): Promise<string> {
    let gathering = this.gathering.get(conversation);
    if (!gathering) {
      const cancel = this.timers.after(GATHER_MS, () => void this.flush(conversation));
      gathering = { targets: [], waiters: [], cancel };
      this.gathering.set(conversation, gathering);
    }
    const { targets, waiters } = gathering;
    targets.push(target);
    const stored = new Promise<string>((resolve, reject) => waiters.push({ resolve, reject }));
    if (targets.length >= BUNDLE_MAX) void this.flush(conversation);
    return stored;
  }

  /** Stores a conversation's gathered refreshes as one row (each one once, where it first came). */
  async flush(conversation: string): Promise<void> {
    const gathering = this.gathering.get(conversation);
    if (!gathering) return;
    this.gathering.delete(conversation);
    gathering.cancel();
    const seen = new Set<string>();
    const targets = gathering.targets.filter((t) => {
      const key = targetKey(t);
      return !seen.has(key) && !!seen.add(key);
    });
    try {
      const id = await this.store({ kind: 'refreshes', conversationId: conversation, targets });
      for (const w of gathering.waiters) w.resolve(id);
    } catch (e) {
      for (const w of gathering.waiters) w.reject(e);
    }
  }

  /** Stores everything being gathered (before the worker stops). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.gathering.keys()].map((c) => this.flush(c)));
  }
}
