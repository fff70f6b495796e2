import type { Logger } from 'pino';
import { normaliseIncomingAlert, type IncomingAlert } from '../../domain/alerts';
import type { Actor } from '../../domain/shared/actor';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import type { IdGenerator } from '../../domain/shared/ids';
import type { Conditional } from '../ports';
import { inBackground } from '../work-priority';
import type { IngestResult } from './alert-service';

/**
 * One accepted version of a sender's alert, as the webhook wrote it: the one row per source and dedup
 * key that settles the dedup (a second insert fails), the replay guard (the signatures taken at this
 * version) and what the background work needs to make the alert, its timer and its card.
 */
export interface InboxEntry {
  source: IncomingAlert['source'];
  dedupKey: string;
  /** The alert's id, chosen when its first version was accepted (the webhook's answer names it). */
  alertId: string;
  /** The signed X-CTAC-Timestamp of the version held: an older one changes nothing. */
  version: number;
  /** The signatures of the requests taken at this version (a replay of one is a duplicate). */
  signatures: string[];
  /** The alert as validated, `sentAt` included. */
  incoming: IncomingAlert;
  actor: Actor;
  /** True once the version held is applied to the alert (stored, timer set, card queued). */
  done: boolean;
  /** The alert's state when the entry was last applied (the answer to a duplicate). */
  state?: string;
  /**
   * False until the alert's first version is applied in full: the alert made with its first escalation
   * step fired in the same write, its card queued and that step's pages sent (issue 18). An application
   * that finds it false sends the step's pages if the alert shows none (a crash or an instance that
   * stopped between making the alert and paging). Absent on rows written before it was kept: those
   * alerts' first step was fired by the escalation job.
   */
  raised?: boolean;
  /** Which instance applies it, until when (ISO 8601); a lapsed claim is taken over by a scan. */
  claimedBy: string;
  claimedUntil: string;
  etag: string;
}

/** The alert inbox in storage: conditional writes only (see src/store/alert-inbox-store.ts). */
export interface AlertInboxStore {
  /** Inserts a first version; `exists` when the source and dedup key already have a row. */
  insert(entry: Omit<InboxEntry, 'etag'>): Promise<Conditional<InboxEntry>>;
  get(source: InboxEntry['source'], dedupKey: string): Promise<InboxEntry | undefined>;
  /**
   * Replaces the row on `entry.etag`; `conflict` when it changed since it was read. `grouped`: while
   * another write to the partition is in flight, it goes with the others waiting in one transaction
   * after it (a storm's done marks).
   */
  replace(entry: InboxEntry, opts?: { grouped?: boolean }): Promise<Conditional<InboxEntry>>;
  /** The rows not yet applied (a crash, or an instance that stopped). */
  listUndone(): Promise<InboxEntry[]>;
}

/** What the webhook answers: the alert's id, what taking the request did, and the alert's state. */
export interface InboxAnswer {
  outcome: 'created' | 'duplicate' | 'updated';
  alertId: string;
  state: string;
}

export interface AlertInboxDeps {
  store: AlertInboxStore;
  /**
   * Applies a version to the alert (AlertService.ingest, with the inbox's id for a new alert).
   */
  ingest: (
    incoming: IncomingAlert,
    actor: Actor,
    alertId: string,
    opts: {
      /** The first version the inbox has seen of it (a create is tried first). */
      likelyNew: boolean;
      /** The first version is not yet applied in full: its first step is fired and paged (`raised`). */
      raising: boolean;
    },
  ) => Promise<IngestResult>;
  clock: Clock;
  ids: IdGenerator;
  instanceId: string;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** Called when an accepted entry waits for the background (wakes the inbox job). */
  onWork?: () => void;
}

/** How long an instance holds an entry it accepted or took over before another may take it. */
export const INBOX_CLAIM_MS = 60_000;
/**
 * Entries applied at once in the background. Each is several storage round trips, and under load each
 * of its writes into a shared partition waits a moment for others (src/store/partition-batcher.ts):
 * 16 at once then applied a storm of 100 alerts a second more slowly than it came (every alert visible
 * 5.5 s after the last, against 1 s with 32 or 48).
 */
export const INBOX_CONCURRENCY = 48;
/** Signatures kept per version: only requests signed in the same second share one. */
const MAX_SIGNATURES = 20;

const keyOf = (e: Pick<InboxEntry, 'source' | 'dedupKey'>) => `${e.source}\n${e.dedupKey}`;
const contentOf = ({ sentAt: _sentAt, ...content }: IncomingAlert) => JSON.stringify(content);

/**
 * The webhook's way in (issue 18): a request is answered after one conditional write to the inbox,
 * and the alert is made from that row in the background (AlertInbox.drain, run by the inbox job), so
 * a crash between the answer and the card loses nothing: the row stays undone and is applied again
 * after a restart (scan). A newer version of a known alert is applied before answering, as before.
 */
export class AlertInbox {
  private readonly queue: InboxEntry[] = [];
  /** The ETag of the newest version this instance wrote or took, by key, until it is applied. */
  private readonly current = new Map<string, string>();
  /** Applications in progress by key, one after another per alert. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private draining?: Promise<void>;
  /** Workers applying queued entries now. */
  private readonly workers = new Set<Promise<void>>();
  /** Entries that are the first version of their alert the inbox took (a new row, not a scan's). */
  private readonly firstVersions = new WeakSet<InboxEntry>();

  constructor(private readonly deps: AlertInboxDeps) {}

  /**
   * Takes a validated, signed version of an alert. Throws a `validation` CtacError (nothing written)
   * when the alert is not acceptable.
   */
  async accept(
    incoming: IncomingAlert,
    actor: Actor,
    request: { signature: string; version: number },
  ): Promise<InboxAnswer> {
    const clean = normaliseIncomingAlert({
      ...incoming,
      sentAt: new Date(request.version * 1000).toISOString(),
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = this.claim();
      const inserted = await this.deps.store.insert({
        source: clean.source,
        dedupKey: clean.dedupKey,
        alertId: this.deps.ids.next(),
        version: request.version,
        signatures: [request.signature],
        incoming: clean,
        actor,
        done: false,
        raised: false,
        ...claim,
      });
      if (inserted.ok) {
        this.firstVersions.add(inserted.value);
        this.enqueue(inserted.value);
        return { outcome: 'created', alertId: inserted.value.alertId, state: 'triggered' };
      }
      const row = await this.deps.store.get(clean.source, clean.dedupKey);
      if (!row) continue;
      const duplicate: InboxAnswer = {
        outcome: 'duplicate',
        alertId: row.alertId,
        state: row.state ?? 'triggered',
      };
      // The same request again, an older version, or the same content: no write at all.
      if (row.version > request.version) return duplicate;
      if (row.version === request.version && row.signatures.includes(request.signature))
        return duplicate;
      if (contentOf(row.incoming) === contentOf(clean)) return duplicate;
      const replaced = await this.deps.store.replace({
        ...row,
        version: request.version,
        signatures:
          row.version === request.version
            ? [...row.signatures, request.signature].slice(-MAX_SIGNATURES)
            : [request.signature],
        incoming: clean,
        actor,
        done: false,
        ...claim,
      });
      if (!replaced.ok) continue;
      this.current.set(keyOf(replaced.value), replaced.value.etag);
      const applied = await this.apply(replaced.value);
      if (!applied) return { ...duplicate, outcome: 'updated' };
      return {
        outcome: applied.outcome === 'duplicate' ? 'duplicate' : 'updated',
        alertId: applied.alert.id,
        state: applied.alert.state,
      };
    }
    throw new CtacError(
      'conflict',
      `The alert ${clean.source} ${clean.dedupKey} was changing too fast to take this version. Please send it again.`,
    );
  }

  /**
   * Applies every accepted entry waiting in this instance, INBOX_CONCURRENCY at a time: entries accepted
   * while it runs start workers of their own (up to INBOX_CONCURRENCY), so a storm arriving one request at
   * a time is applied that many at once, not by the one worker its first entry started.
   */
  drain(): Promise<void> {
    this.startWorkers();
    this.draining ??= (async () => {
      while (this.workers.size) await Promise.all([...this.workers]);
    })().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /**
   * Takes over the undone rows whose claim has lapsed (accepted by an instance that stopped, or whose
   * application failed) and queues them; answers how many.
   */
  async recover(): Promise<number> {
    const now = this.deps.clock.now().toISOString();
    let taken = 0;
    for (const row of await this.deps.store.listUndone()) {
      if (row.claimedUntil > now || this.current.has(keyOf(row))) continue;
      const claimed = await this.deps.store.replace({ ...row, ...this.claim() });
      if (!claimed.ok) continue;
      this.enqueue(claimed.value);
      taken++;
    }
    return taken;
  }

  /**
   * Stops taking queued entries (those being applied finish): what is left stays undone in storage,
   * for a scan here or in another instance once its claim lapses.
   */
  stop(): void {
    for (const entry of this.queue.splice(0))
      if (this.current.get(keyOf(entry)) === entry.etag) this.current.delete(keyOf(entry));
  }

  /** True while accepted entries wait or are being applied here. */
  get busy(): boolean {
    return this.queue.length > 0 || this.draining !== undefined || this.chains.size > 0;
  }

  /** Resolves once every entry accepted so far is applied (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.busy) {
      await this.drain();
      await Promise.all([...this.chains.values()].map((c) => c.catch(() => undefined)));
    }
  }

  private claim() {
    const until = new Date(this.deps.clock.now().getTime() + INBOX_CLAIM_MS);
    return { claimedBy: this.deps.instanceId, claimedUntil: until.toISOString() };
  }

  private enqueue(entry: InboxEntry): void {
    this.current.set(keyOf(entry), entry.etag);
    this.queue.push(entry);
    // While a drain runs, it takes this one too; otherwise the job is woken to drain.
    if (this.draining) this.startWorkers();
    this.deps.onWork?.();
  }

  /** Starts workers for the entries waiting, up to INBOX_CONCURRENCY in all. */
  private startWorkers(): void {
    const wanted = Math.min(INBOX_CONCURRENCY - this.workers.size, this.queue.length);
    for (let i = 0; i < wanted; i++) {
      // Started from a webhook request, but nobody waits for it: its storage yields to those who do.
      const worker: Promise<void> = inBackground(() => this.work()).finally(() =>
        this.workers.delete(worker),
      );
      this.workers.add(worker);
    }
  }

  /** One worker: applies queued entries one after another until none is left. */
  private async work(): Promise<void> {
    for (let entry = this.queue.shift(); entry; entry = this.queue.shift())
      await this.apply(entry).catch((err) =>
        // The row stays undone and claimed; once the claim lapses a scan applies it again.
        this.deps.logger?.error(
          { err, alertId: entry!.alertId },
          'applying an accepted alert failed; it is tried again later',
        ),
      );
  }

  /**
   * Applies an entry (after any application of the same alert in progress here) unless a newer
   * version replaced it meanwhile, then marks the row done on its ETag: a row changed since (a newer
   * version) stays undone for that version's application.
   */
  private apply(entry: InboxEntry): Promise<IngestResult | undefined> {
    const key = keyOf(entry);
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        if (this.current.get(key) !== entry.etag) return undefined;
        let result: IngestResult;
        let marked: Conditional<InboxEntry>;
        try {
          result = await this.deps.ingest({ ...entry.incoming }, entry.actor, entry.alertId, {
            likelyNew: this.firstVersions.has(entry),
            raising: entry.raised === false,
          });
          marked = await this.deps.store.replace(
            {
              ...entry,
              alertId: result.alert.id,
              done: true,
              state: result.alert.state,
              ...(entry.raised === false ? { raised: true } : {}),
            },
            { grouped: true },
          );
        } finally {
          // Applied, or failed and left for a scan once the claim lapses.
          if (this.current.get(key) === entry.etag) this.current.delete(key);
        }
        if (!marked.ok)
          this.deps.logger?.warn(
            { alertId: result.alert.id },
            'an accepted alert changed while it was applied; the newer version follows',
          );
        return result;
      });
    this.chains.set(key, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    return next;
  }
}
