/**
 * The copies of rows this process read or wrote last, by key, for a short while: a conditional write's
 * first try may start from one instead of reading the row again (a storm's alerts are read to draw
 * their digest and written moments later to record where it was posted). Only a first try: the write
 * is conditional on the copy's ETag, so a copy another instance has changed since fails the condition,
 * and the caller reads the row as it would have anyway. Never for an answer to a person: that reads.
 */
export class RecentCopies<T> {
  private readonly copies = new Map<string, { value: T; at: number }>();

  constructor(
    private readonly max = 512,
    private readonly forMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  keep(key: string, value: T): void {
    // Deleted first so the key moves to the newest end: the oldest copy is the first to go.
    this.copies.delete(key);
    this.copies.set(key, { value, at: this.now() });
    if (this.copies.size > this.max) this.copies.delete(this.copies.keys().next().value!);
  }

  /** The copy kept for `key` within the last `forMs`, if any. */
  get(key: string): T | undefined {
    const copy = this.copies.get(key);
    if (!copy) return undefined;
    if (this.now() - copy.at <= this.forMs) return copy.value;
    this.copies.delete(key);
    return undefined;
  }
}
