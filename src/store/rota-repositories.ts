import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import type {
  CalendarLinkRepository,
  CalendarScope,
  JobClaims,
  LeaveRepository,
  OverrideRepository,
  RotationRepository,
  StoredRotation,
  StoredSwap,
  SwapRepository,
} from '../app/rota/ports';
import {
  normaliseRotation,
  SWAP_IN_EFFECT,
  type Leave,
  type RotaLayer,
  type RotaOverride,
  type Rotation,
  type SwapEvent,
  type SwapRequest,
  type SwapStatus,
} from '../domain/rota';
import type { Actor } from '../domain/shared/actor';
import { commitInPartition, insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { getOrUndefined, isNotFound, listPartition, type TableStore } from './tables';

/*
 * Key layout (one table per aggregate; instants are stored as ISO 8601 UTC strings, which sort as
 * they compare, so range filters work on them)
 *   RotaRotations      PK 'rotation'   RK encodeKey(rotation id)    member ids and shift length as JSON
 *   RotaOverrides      PK 'override'   RK encodeKey(override id)    startAt / endAt
 *   RotaLeave          PK 'leave'      RK encodeKey(leave id)       startAt / endAt
 *   RotaSwaps          PK 'swap'       RK 's_' + encodeKey(swap id)                        the swap
 *                                      RK 'e_' + encodeKey(swap id) + '_' + ms + '_' + kind its audit events
 *                      A swap and its events share the partition, so a change and its event commit
 *                      in one transaction.
 *   RotaJobClaims      PK 'claim'      RK encodeKey(key)            "this handover / reminder was sent"
 *   RotaCalendarLinks  PK 'secret'     RK SHA-256 of the secret (hex)          -> the scope
 *                      PK 'scope'      RK ('rota_' | 'member_') + member id    -> the secret's hash
 *                      The secret itself is never stored. A link opens only while its scope row names
 *                      its hash, so replacing the scope row ends the old link even if its row is left.
 * The rota is small (a few rotations, tens of overrides and leave entries a month), so one partition
 * per kind is right; listings filter on time inside it.
 */
export const ROTA_TABLES = {
  rotations: 'RotaRotations',
  overrides: 'RotaOverrides',
  leave: 'RotaLeave',
  swaps: 'RotaSwaps',
  claims: 'RotaJobClaims',
  calendarLinks: 'RotaCalendarLinks',
} as const;

const ROTATION_PARTITION = 'rotation';
const OVERRIDE_PARTITION = 'override';
const LEAVE_PARTITION = 'leave';
const SWAP_PARTITION = 'swap';
const CLAIM_PARTITION = 'claim';
const SECRET_PARTITION = 'secret';
const SCOPE_PARTITION = 'scope';

const iso = (d: Date): string => d.toISOString();
const date = (s: string): Date => new Date(s);

async function deleteIfPresent(client: TableClient, pk: string, rk: string): Promise<boolean> {
  try {
    await client.deleteEntity(pk, rk);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

async function listOverlappingRows<T extends object>(
  client: TableClient,
  partitionKey: string,
  from: Date,
  to: Date,
): Promise<T[]> {
  const filter = odata`PartitionKey eq ${partitionKey} and endAt gt ${iso(from)} and startAt lt ${iso(to)}`;
  const rows: T[] = [];
  for await (const row of client.listEntities<T>({ queryOptions: { filter } })) rows.push(row);
  return rows;
}

interface RotationRow {
  id: string;
  name: string;
  layer: string;
  memberIds: string;
  shiftLength: string;
  handoverTime: string;
  timeZone: string;
  startDate: string;
}

const rotationRow = (r: Rotation) => ({
  partitionKey: ROTATION_PARTITION,
  rowKey: encodeKey(r.id),
  id: r.id,
  name: r.name,
  layer: r.layer,
  memberIds: JSON.stringify(r.memberIds),
  shiftLength: JSON.stringify(r.shiftLength),
  handoverTime: r.handoverTime,
  timeZone: r.timeZone,
  startDate: r.startDate,
});

// Read back through the domain's own check, so a hand-edited row cannot produce a broken rotation.
const toRotation = (row: RotationRow): Rotation =>
  normaliseRotation({
    ...row,
    memberIds: JSON.parse(row.memberIds),
    shiftLength: JSON.parse(row.shiftLength),
  });

export class TableRotationRepository implements RotationRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(ROTA_TABLES.rotations);
  }
  async get(id: string): Promise<StoredRotation | undefined> {
    const row = await getOrUndefined<RotationRow>(this.client, ROTATION_PARTITION, encodeKey(id));
    return row && { rotation: toRotation(row), etag: row.etag };
  }
  async list(): Promise<StoredRotation[]> {
    const rows = await listPartition<RotationRow>(this.client, ROTATION_PARTITION);
    return rows.map((row) => ({ rotation: toRotation(row), etag: row.etag }));
  }
  async create(rotation: Rotation): Promise<Conditional<StoredRotation>> {
    const res = await insertIfAbsent(this.client, rotationRow(rotation));
    return res.ok ? { ok: true, value: { rotation, etag: res.value } } : res;
  }
  async update(rotation: Rotation, etag: string): Promise<Conditional<StoredRotation>> {
    const res = await replaceIfUnchanged(this.client, rotationRow(rotation), etag);
    return res.ok ? { ok: true, value: { rotation, etag: res.value } } : res;
  }
}

interface OverrideRow {
  id: string;
  kind: string;
  memberId: string;
  coveredMemberId?: string;
  layer?: string;
  startAt: string;
  endAt: string;
  createdBy: string;
  createdAt: string;
  swapId?: string;
  note?: string;
}

function overrideRow(o: RotaOverride): OverrideRow {
  return {
    id: o.id,
    kind: o.kind,
    memberId: o.memberId,
    coveredMemberId: o.kind === 'cover' ? o.coveredMemberId : '',
    layer: o.layer ?? '',
    startAt: iso(o.start),
    endAt: iso(o.end),
    createdBy: o.createdBy,
    createdAt: iso(o.createdAt),
    swapId: o.swapId ?? '',
    note: o.note ?? '',
  };
}

function toOverride(row: OverrideRow): RotaOverride {
  const base = {
    id: row.id,
    memberId: row.memberId,
    start: date(row.startAt),
    end: date(row.endAt),
    createdBy: row.createdBy,
    createdAt: date(row.createdAt),
    ...(row.swapId ? { swapId: row.swapId } : {}),
    ...(row.note ? { note: row.note } : {}),
  };
  const layer = row.layer ? { layer: row.layer as RotaLayer } : {};
  if (row.kind === 'cover')
    return { ...base, ...layer, kind: 'cover', coveredMemberId: row.coveredMemberId ?? '' };
  if (row.kind === 'add') return { ...base, kind: 'add', layer: row.layer as RotaLayer };
  return { ...base, ...layer, kind: 'remove' };
}

/**
 * Records with a time range kept in one partition of their own table (overrides, leave): point reads by id,
 * insert-once, delete, and the records overlapping a window.
 */
abstract class TimeRangeRepository<T extends { id: string }, Row extends object> {
  constructor(
    private readonly store: TableStore,
    private readonly tableName: string,
    private readonly partition: string,
  ) {}
  protected abstract toModel(row: Row): T;
  protected abstract toRow(item: T): Row;
  private get client() {
    return this.store.table(this.tableName);
  }
  async get(id: string): Promise<T | undefined> {
    const row = await getOrUndefined<Row>(this.client, this.partition, encodeKey(id));
    return row && this.toModel(row);
  }
  async add(item: T): Promise<Conditional<T>> {
    const res = await insertIfAbsent(this.client, {
      partitionKey: this.partition,
      rowKey: encodeKey(item.id),
      ...this.toRow(item),
    });
    return res.ok ? { ok: true, value: item } : res;
  }
  remove(id: string): Promise<boolean> {
    return deleteIfPresent(this.client, this.partition, encodeKey(id));
  }
  async listOverlapping(from: Date, to: Date): Promise<T[]> {
    const rows = await listOverlappingRows<Row>(this.client, this.partition, from, to);
    return rows.map((row) => this.toModel(row));
  }
}

export class TableOverrideRepository
  extends TimeRangeRepository<RotaOverride, OverrideRow>
  implements OverrideRepository
{
  constructor(store: TableStore) {
    super(store, ROTA_TABLES.overrides, OVERRIDE_PARTITION);
  }
  protected toModel(row: OverrideRow): RotaOverride {
    return toOverride(row);
  }
  protected toRow(override: RotaOverride): OverrideRow {
    return overrideRow(override);
  }
}

interface LeaveRow {
  id: string;
  memberId: string;
  startAt: string;
  endAt: string;
  createdBy: string;
  createdAt: string;
  note?: string;
}

const toLeave = (row: LeaveRow): Leave => ({
  id: row.id,
  memberId: row.memberId,
  start: date(row.startAt),
  end: date(row.endAt),
  createdBy: row.createdBy,
  createdAt: date(row.createdAt),
  ...(row.note ? { note: row.note } : {}),
});

export class TableLeaveRepository
  extends TimeRangeRepository<Leave, LeaveRow>
  implements LeaveRepository
{
  constructor(store: TableStore) {
    super(store, ROTA_TABLES.leave, LEAVE_PARTITION);
  }
  protected toModel(row: LeaveRow): Leave {
    return toLeave(row);
  }
  protected toRow(leave: Leave): LeaveRow {
    return {
      id: leave.id,
      memberId: leave.memberId,
      startAt: iso(leave.start),
      endAt: iso(leave.end),
      createdBy: leave.createdBy,
      createdAt: iso(leave.createdAt),
      note: leave.note ?? '',
    };
  }
}

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

export class TableJobClaims implements JobClaims {
  constructor(private readonly store: TableStore) {}
  async claim(key: string, at: Date, by: string): Promise<boolean> {
    const res = await insertIfAbsent(this.store.table(ROTA_TABLES.claims), {
      partitionKey: CLAIM_PARTITION,
      rowKey: encodeKey(key),
      key,
      claimedAt: iso(at),
      claimedBy: by,
    });
    return res.ok;
  }
}

const scopeKey = (scope: CalendarScope) => `${scope.kind}_${encodeKey(scope.memberId)}`;

interface ScopeRow {
  secretHash: string;
}
interface SecretRow {
  scopeKind: string;
  memberId: string;
}

export class TableCalendarLinkRepository implements CalendarLinkRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(ROTA_TABLES.calendarLinks);
  }

  async create(scope: CalendarScope, secretHash: string): Promise<boolean> {
    if (await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, scopeKey(scope))) return false;
    await this.addSecret(scope, secretHash);
    const claimed = await insertIfAbsent(this.client, {
      partitionKey: SCOPE_PARTITION,
      rowKey: scopeKey(scope),
      secretHash,
    });
    if (claimed.ok) return true;
    // Someone else made this scope's link at the same moment: theirs stands, ours is withdrawn.
    await deleteIfPresent(this.client, SECRET_PARTITION, secretHash);
    return false;
  }

  async replace(scope: CalendarScope, secretHash: string): Promise<void> {
    await this.addSecret(scope, secretHash);
    // Conditional on the scope row as read, so of two resets at once each old link is ended.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, scopeKey(scope));
      const row = { partitionKey: SCOPE_PARTITION, rowKey: scopeKey(scope), secretHash };
      const saved = current
        ? await replaceIfUnchanged(this.client, row, current.etag)
        : await insertIfAbsent(this.client, row);
      if (!saved.ok) continue;
      if (current) await deleteIfPresent(this.client, SECRET_PARTITION, current.secretHash);
      return;
    }
    await deleteIfPresent(this.client, SECRET_PARTITION, secretHash);
    throw new Error('The calendar link kept changing; it was not replaced.');
  }

  async find(secretHash: string): Promise<CalendarScope | undefined> {
    const row = await getOrUndefined<SecretRow>(this.client, SECRET_PARTITION, secretHash);
    if (!row || (row.scopeKind !== 'rota' && row.scopeKind !== 'member')) return undefined;
    const scope: CalendarScope = { kind: row.scopeKind, memberId: row.memberId };
    const current = await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, scopeKey(scope));
    return current?.secretHash === secretHash ? scope : undefined;
  }

  async removeMember(memberId: string): Promise<void> {
    for (const kind of ['member', 'rota'] as const) {
      const key = scopeKey({ kind, memberId });
      const current = await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, key);
      if (!current) continue;
      await deleteIfPresent(this.client, SCOPE_PARTITION, key);
      await deleteIfPresent(this.client, SECRET_PARTITION, current.secretHash);
    }
  }

  private async addSecret(scope: CalendarScope, secretHash: string): Promise<void> {
    await this.client.createEntity<SecretRow>({
      partitionKey: SECRET_PARTITION,
      rowKey: secretHash,
      scopeKind: scope.kind,
      memberId: scope.memberId,
    });
  }
}
