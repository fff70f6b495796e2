/**
 * Writes of entries to one row, one at a time per row from this process: entries that arrive while a row is
 * being written are gathered into its next write (a bulk change makes a few writes, not one lost race
 * after another). Used by the AlertViews day rows and the weekly figure rows, whose writes read the row,
 * add the entries keyed by alert id and write it back on its ETag.
 */
export class GatheredWrites<E> {
  private readonly rows = new Map<
    string,
    { writing: Promise<void>; next?: { entries: Record<string, E>; done: Promise<void> } }
  >();

  constructor(
    /** Writes a row's gathered entries (read, add, write back on the ETag; retried inside). */
    private readonly write: (key: string, entries: Record<string, E>) => Promise<void>,
    /** How an entry joins one already waiting for the same id; the newer wins by default. */
    private readonly merge: (waiting: E | undefined, entry: E) => E = (_waiting, entry) => entry,
  ) {}

  /** Adds entries to a row's next write; resolves once they are written (or rejects with that write). */
  add(key: string, entries: Record<string, E>): Promise<void> {
    let slot = this.rows.get(key);
    if (!slot) this.rows.set(key, (slot = { writing: Promise.resolve() }));
    if (slot.next) {
      for (const [id, entry] of Object.entries(entries))
        slot.next.entries[id] = this.merge(slot.next.entries[id], entry);
      return slot.next.done;
    }
    const current = slot;
    const next = { entries: { ...entries }, done: Promise.resolve() };
    current.next = next;
    next.done = current.writing.then(() => {
      current.next = undefined;
      return this.write(key, next.entries);
    });
    // Once nothing more waits on the row, its slot goes (a failed write does not stop the next).
    const settled = (): void => {
      if (this.rows.get(key) === current && current.writing === writing && !current.next)
        this.rows.delete(key);
    };
    const writing: Promise<void> = next.done.then(settled, settled);
    current.writing = writing;
    return next.done;
  }

  /** Waits for every write asked for so far (failures included, not thrown). */
  async flush(): Promise<void> {
    await Promise.all([...this.rows.values()].map((slot) => slot.writing.catch(() => undefined)));
  }
}
