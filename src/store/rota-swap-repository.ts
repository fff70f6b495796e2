import { odata, type TransactionAction } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import type { StoredSwap, SwapRepository } from '../app/rota/ports';
import {
  SWAP_IN_EFFECT,
  type RotaLayer,
  type SwapEvent,
  type SwapRequest,
  type SwapStatus,
} from '../domain/rota';
import type { Actor } from '../domain/shared/actor';
import { commitInPartition } from './conditional';
import { encodeKey } from './keys';
import { date, iso, ROTA_TABLES } from './rota-tables';
import { getOrUndefined, type TableStore } from './tables';

/*
 * Shift swaps and their audit events.
 * Key layout (RotaSwaps)
 *   PK 'swap'   RK 's_' + encodeKey(swap id)                        the swap
 *               RK 'e_' + encodeKey(swap id) + '_' + ms + '_' + kind its audit events
 * A swap and its events share the partition, so a change and its event commit in one transaction.
 */
const SWAP_PARTITION = 'swap';

interface SwapRow {
  id: string;
  layer: string;
  rotationId?: string;
  fromMemberId: string;
  toMemberId: string;
  shiftStart: string;
  shiftEnd: string;
  inReturnStart?: string;
  inReturnEnd?: string;
  note?: string;
  status: string;
  proposedBy: string;
  createdAt: string;
  updatedAt: string;
  decidedBy?: string;
  decidedAt?: string;
}

interface SwapEventRow {
  kind: string;
  swapId: string;
  actor: string;
  source: string;
  at: string;
  fromStatus?: string;
  toStatus: string;
  reason?: string;
}

const swapKey = (id: string) => `s_${encodeKey(id)}`;

function swapRow(s: SwapRequest) {
  return {
    partitionKey: SWAP_PARTITION,
    rowKey: swapKey(s.id),
    id: s.id,
    layer: s.layer,
    rotationId: s.rotationId ?? '',
    fromMemberId: s.fromMemberId,
    toMemberId: s.toMemberId,
    shiftStart: iso(s.shift.start),
    shiftEnd: iso(s.shift.end),
    inReturnStart: s.inReturn ? iso(s.inReturn.start) : '',
    inReturnEnd: s.inReturn ? iso(s.inReturn.end) : '',
    note: s.note ?? '',
    status: s.status,
    proposedBy: s.proposedBy,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    decidedBy: s.decidedBy ?? '',
    decidedAt: s.decidedAt ? iso(s.decidedAt) : '',
  };
}

const toSwap = (row: SwapRow): SwapRequest => ({
  id: row.id,
  layer: row.layer as RotaLayer,
  ...(row.rotationId ? { rotationId: row.rotationId } : {}),
  fromMemberId: row.fromMemberId,
  toMemberId: row.toMemberId,
  shift: { start: date(row.shiftStart), end: date(row.shiftEnd) },
  ...(row.inReturnStart && row.inReturnEnd
    ? { inReturn: { start: date(row.inReturnStart), end: date(row.inReturnEnd) } }
    : {}),
  ...(row.note ? { note: row.note } : {}),
  status: row.status as SwapStatus,
  proposedBy: row.proposedBy,
  createdAt: date(row.createdAt),
  updatedAt: date(row.updatedAt),
  ...(row.decidedBy ? { decidedBy: row.decidedBy } : {}),
  ...(row.decidedAt ? { decidedAt: date(row.decidedAt) } : {}),
});

function eventAction(e: SwapEvent): TransactionAction {
  return [
    'create',
    {
      partitionKey: SWAP_PARTITION,
      rowKey: `e_${encodeKey(e.swapId)}_${String(e.at.getTime()).padStart(15, '0')}_${e.kind}`,
      kind: e.kind,
      swapId: e.swapId,
      actor: JSON.stringify(e.actor),
      source: e.source,
      at: iso(e.at),
      fromStatus: e.from ?? '',
      toStatus: e.to,
      reason: e.reason ?? '',
    },
  ];
}

export class TableSwapRepository implements SwapRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(ROTA_TABLES.swaps);
  }
  async get(id: string): Promise<StoredSwap | undefined> {
    const row = await getOrUndefined<SwapRow>(this.client, SWAP_PARTITION, swapKey(id));
    return row && { swap: toSwap(row), etag: row.etag };
  }
  async create(swap: SwapRequest, event: SwapEvent): Promise<Conditional<StoredSwap>> {
    const res = await commitInPartition(this.client, [
      ['create', swapRow(swap)],
      eventAction(event),
    ]);
    if (!res.ok) return res;
    return this.reread(swap.id);
  }
  async update(
    swap: SwapRequest,
    etag: string,
    event: SwapEvent,
  ): Promise<Conditional<StoredSwap>> {
    const res = await commitInPartition(this.client, [
      ['update', swapRow(swap), 'Replace', { etag }],
      eventAction(event),
    ]);
    if (!res.ok) return { ok: false, reason: 'conflict' };
    return this.reread(swap.id);
  }
  async listInEffect(from: Date, to: Date): Promise<SwapRequest[]> {
    const filter = odata`PartitionKey eq ${SWAP_PARTITION} and RowKey ge 's_' and RowKey lt 's~' and (status eq 'accepted' or status eq 'approved')`;
    const swaps: SwapRequest[] = [];
    for await (const row of this.client.listEntities<SwapRow>({ queryOptions: { filter } })) {
      const swap = toSwap(row);
      const ranges = [swap.shift, ...(swap.inReturn ? [swap.inReturn] : [])];
      if (
        SWAP_IN_EFFECT.includes(swap.status) &&
        ranges.some((r) => r.start.getTime() < to.getTime() && from.getTime() < r.end.getTime())
      )
        swaps.push(swap);
    }
    return swaps;
  }
  async events(id: string): Promise<SwapEvent[]> {
    const prefix = `e_${encodeKey(id)}_`;
    const filter = odata`PartitionKey eq ${SWAP_PARTITION} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}`;
    const events: SwapEvent[] = [];
    for await (const row of this.client.listEntities<SwapEventRow>({ queryOptions: { filter } }))
      events.push({
        kind: row.kind as SwapEvent['kind'],
        swapId: row.swapId,
        actor: JSON.parse(row.actor) as Actor,
        source: row.source as SwapEvent['source'],
        at: date(row.at),
        ...(row.fromStatus ? { from: row.fromStatus as SwapStatus } : {}),
        to: row.toStatus as SwapStatus,
        ...(row.reason ? { reason: row.reason } : {}),
      });
    // Row keys order by time; at the same millisecond the first event (no previous status) comes first.
    return events.sort(
      (a, b) => a.at.getTime() - b.at.getTime() || Number(!!a.from) - Number(!!b.from),
    );
  }
  private async reread(id: string): Promise<Conditional<StoredSwap>> {
    const stored = await this.get(id);
    return stored ? { ok: true, value: stored } : { ok: false, reason: 'conflict' };
  }
}
