import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type {
  EscalationPolicyStore,
  EscalationTimer,
  EscalationTimerStore,
  VersionedPolicyStore,
} from '../app/alerts/escalation-ports';
import type { Conditional } from '../app/ports';
import type { EscalationPolicy, SeverityRank } from '../domain/alerts';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { PartitionBatcher } from './partition-batcher';
import {
  getOrUndefined,
  isConditionFailed,
  isNotFound,
  listPartition,
  type TableStore,
} from './tables';

/*
 * Key layout
 *   AlertTimers    PK 'due'        RK encodeKey(alert id)   dueAt (ISO 8601 UTC, so text order is time
 *                                                            order), claimedBy
 *   AlertSettings  PK 'policy'     RK severity rank         policy JSON (admins' overrides)
 *                  PK 'oncall'     RK 'list'                no longer read: the admins' interim on-call
 *                                                            list, which the rota replaced
 * One timer per alert, all in one partition: the job asks for `dueAt le now` within it, never scanning
 * the table, and claims a timer by replacing it on its ETag.
 */
export const ALERT_ESCALATION_TABLES = {
  timers: 'AlertTimers',
  settings: 'AlertSettings',
} as const;

const DUE_PARTITION = 'due';
const POLICY_PARTITION = 'policy';

interface TimerRow {
  alertId: string;
  dueAt: string;
  claimedBy: string;
}

export class TableEscalationTimerStore implements EscalationTimerStore {
  /** The timers of many alerts set, claimed or released at once (a storm) go a transaction at a time. */
  private readonly batcher = new PartitionBatcher(() => this.client, DUE_PARTITION);

  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(ALERT_ESCALATION_TABLES.timers);
  }

  async set(alertId: string, dueAt: Date): Promise<void> {
    await this.batcher.upsert<TimerRow>({
      partitionKey: DUE_PARTITION,
      rowKey: encodeKey(alertId),
      alertId,
      dueAt: dueAt.toISOString(),
      claimedBy: '',
    });
  }

  async clear(alertId: string): Promise<void> {
    await this.client.deleteEntity(DUE_PARTITION, encodeKey(alertId)).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  async due(now: Date, limit: number): Promise<EscalationTimer[]> {
    const timers: EscalationTimer[] = [];
    const filter = odata`PartitionKey eq ${DUE_PARTITION} and dueAt le ${now.toISOString()}`;
    for await (const row of this.client.listEntities<TimerRow>({ queryOptions: { filter } }))
      timers.push({ alertId: row.alertId, dueAt: row.dueAt, etag: row.etag });
    return timers.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, limit);
  }

  async claim(
    timer: EscalationTimer,
    until: Date,
    by: string,
  ): Promise<Conditional<EscalationTimer>> {
    const dueAt = until.toISOString();
    const res = await this.replace(timer.alertId, dueAt, by, timer.etag);
    return res.ok ? { ok: true, value: { alertId: timer.alertId, dueAt, etag: res.value } } : res;
  }

  async release(claimed: EscalationTimer, next: Date | undefined): Promise<void> {
    if (next) {
      await this.replace(claimed.alertId, next.toISOString(), '', claimed.etag);
      return;
    }
    await this.client
      .deleteEntity(DUE_PARTITION, encodeKey(claimed.alertId), { etag: claimed.etag })
      .catch((e) => {
        // Someone set a newer timer (or it is gone already): theirs stands.
        if (!isConditionFailed(e) && !isNotFound(e)) throw e;
      });
  }

  async alertIds(): Promise<Set<string>> {
    return new Set(
      (await listPartition<TimerRow>(this.client, DUE_PARTITION)).map((row) => row.alertId),
    );
  }

  private replace(alertId: string, dueAt: string, claimedBy: string, etag: string) {
    const entity = {
      partitionKey: DUE_PARTITION,
      rowKey: encodeKey(alertId),
      alertId,
      dueAt,
      claimedBy,
    };
    return this.batcher.write(entity, ['update', entity, 'Replace', { etag }], () =>
      replaceIfUnchanged<TimerRow>(this.client, entity, etag).catch((e) => {
        if (isNotFound(e)) return { ok: false as const, reason: 'conflict' as const };
        throw e;
      }),
    );
  }
}

/**
 * Policies are read on every alert change, and change rarely: they are cached for `cacheMs` (a change
 * made through this instance applies at once, one made through another instance within `cacheMs`).
 */
export class TableEscalationPolicyStore implements EscalationPolicyStore, VersionedPolicyStore {
  private cached?: {
    until: number;
    value: Promise<Partial<Record<SeverityRank, EscalationPolicy>>>;
  };

  constructor(
    private readonly store: TableStore,
    private readonly cacheMs = 30_000,
  ) {}
  private get client(): TableClient {
    return this.store.table(ALERT_ESCALATION_TABLES.settings);
  }
  all(): Promise<Partial<Record<SeverityRank, EscalationPolicy>>> {
    const now = performance.now();
    if (this.cached && this.cached.until > now) return this.cached.value;
    const value = listPartition<{ policy: string }>(this.client, POLICY_PARTITION).then((rows) =>
      Object.fromEntries(
        rows.map((row) => [row.rowKey, JSON.parse(row.policy) as EscalationPolicy]),
      ),
    );
    this.cached = { until: now + this.cacheMs, value };
    value.catch(() => (this.cached = undefined));
    return value;
  }
  async set(rank: SeverityRank, policy: EscalationPolicy): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: POLICY_PARTITION, rowKey: rank, policy: JSON.stringify(policy) },
      'Replace',
    );
    this.cached = undefined;
  }
  async read(rank: SeverityRank): Promise<{ policy?: EscalationPolicy; etag: string }> {
    const row = await getOrUndefined<{ policy: string }>(this.client, POLICY_PARTITION, rank);
    return row
      ? { policy: JSON.parse(row.policy) as EscalationPolicy, etag: row.etag ?? '' }
      : { etag: '' };
  }
  /** '' as the ETag means "still the default": it inserts, and fails if someone saved one meanwhile. */
  async setIfUnchanged(
    rank: SeverityRank,
    policy: EscalationPolicy,
    etag: string,
  ): Promise<Conditional<string>> {
    const entity = { partitionKey: POLICY_PARTITION, rowKey: rank, policy: JSON.stringify(policy) };
    const res = etag
      ? await replaceIfUnchanged(this.client, entity, etag).catch((e) => {
          if (isNotFound(e)) return { ok: false as const, reason: 'conflict' as const };
          throw e;
        })
      : await insertIfAbsent(this.client, entity);
    this.cached = undefined;
    return res.ok ? res : { ok: false, reason: 'conflict' };
  }
}
