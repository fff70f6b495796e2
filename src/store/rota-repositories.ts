import { odata, type TableClient } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import type {
  LeaveRepository,
  OverrideRepository,
  RotationRepository,
  StoredRotation,
} from '../app/rota/ports';
import {
  normaliseRotation,
  type Leave,
  type RotaLayer,
  type RotaOverride,
  type Rotation,
} from '../domain/rota';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { date, deleteIfPresent, iso, ROTA_TABLES } from './rota-tables';
import { getOrUndefined, listPartition, type TableStore } from './tables';

/*
 * The rota's rotations, overrides and leave.
 * Key layout (instants as ISO 8601 UTC strings, see rota-tables.ts)
 *   RotaRotations      PK 'rotation'   RK encodeKey(rotation id)    member ids and shift length as JSON
 *   RotaOverrides      PK 'override'   RK encodeKey(override id)    startAt / endAt
 *   RotaLeave          PK 'leave'      RK encodeKey(leave id)       startAt / endAt
 */
const ROTATION_PARTITION = 'rotation';
const OVERRIDE_PARTITION = 'override';
const LEAVE_PARTITION = 'leave';

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
