import {
  AlertInbox,
  INBOX_CONCURRENCY,
  type AlertInboxStore,
  type InboxEntry,
} from '../../../src/app/alerts/alert-inbox';
import type { IngestResult } from '../../../src/app/alerts/alert-service';
import { raiseAlert, type IncomingAlert } from '../../../src/domain/alerts';
import { FakeClock } from '../../../src/domain/shared/clock';
import { settle } from '../../helpers/hand-timers';
import { webhook } from './builders';

/** The inbox table in memory: conditional on a counter standing in for the ETag. */
class MemoryInboxStore implements AlertInboxStore {
  readonly rows = new Map<string, InboxEntry>();
  private n = 0;
  async insert(entry: Omit<InboxEntry, 'etag'>) {
    const key = `${entry.source}\n${entry.dedupKey}`;
    if (this.rows.has(key)) return { ok: false as const, reason: 'exists' as const };
    const row = { ...entry, etag: `e${++this.n}` };
    this.rows.set(key, row);
    return { ok: true as const, value: row };
  }
  async get(source: InboxEntry['source'], dedupKey: string) {
    return this.rows.get(`${source}\n${dedupKey}`);
  }
  async replace(entry: InboxEntry) {
    const key = `${entry.source}\n${entry.dedupKey}`;
    if (this.rows.get(key)?.etag !== entry.etag)
      return { ok: false as const, reason: 'conflict' as const };
    const row = { ...entry, etag: `e${++this.n}` };
    this.rows.set(key, row);
    return { ok: true as const, value: row };
  }
  async listUndone() {
    return [...this.rows.values()].filter((r) => !r.done);
  }
}

test('when a storm arrives one request at a time while the inbox is draining, then INBOX_CONCURRENCY (48) alerts are applied at once, not one after another, and every one is applied once', async () => {
  const clock = new FakeClock('2026-12-03T05:00:00Z');
  const store = new MemoryInboxStore();
  let inFlight = 0;
  let most = 0;
  const applied: string[] = [];
  const release: (() => void)[] = [];
  let n = 0;
  const inbox: AlertInbox = new AlertInbox({
    store,
    ingest: async (incoming: IncomingAlert, actor, alertId): Promise<IngestResult> => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Each application waits on storage until the test lets it go.
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      applied.push(incoming.dedupKey);
      return {
        outcome: 'created',
        alert: raiseAlert(incoming, { id: alertId, actor, at: clock.now() }).alert,
      };
    },
    clock,
    ids: { next: () => `A${++n}` },
    instanceId: 'one',
    // As the inbox job does: a drain runs when woken.
    onWork: () => void inbox.drain(),
  });
  const accept = (i: number) =>
    inbox.accept(
      { source: 'incident', dedupKey: `STORM-${i}`, title: `Storm alert ${i}`, severity: 'low' },
      webhook,
      { signature: `sig-${i}`, version: 1_796_000_000 },
    );

  const storm = INBOX_CONCURRENCY + 24;
  expect(INBOX_CONCURRENCY).toBe(48);
  // More requests than workers, one after another, each answered before the next arrives.
  for (let i = 0; i < storm; i++) expect((await accept(i)).outcome).toBe('created');
  await settle();
  expect(most).toBe(INBOX_CONCURRENCY);
  while (applied.length < storm) {
    release.splice(0).forEach((go) => go());
    await settle();
  }
  await inbox.settled();
  expect(most).toBe(INBOX_CONCURRENCY);
  expect(applied.sort()).toEqual(Array.from({ length: storm }, (_, i) => `STORM-${i}`).sort());
  expect([...store.rows.values()].every((r) => r.done)).toBe(true);
});
