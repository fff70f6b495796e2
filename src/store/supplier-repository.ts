import type { TableClient } from '@azure/data-tables';
import type { DsptRepository } from '../app/dspt';
import type { Conditional } from '../app/ports';
import type { StoredSupplier, SupplierReminderLog, SupplierRepository } from '../app/suppliers';
import type { DsptRecord, DueSupplierReminder, Supplier } from '../domain/suppliers';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey, invertedTimeKey } from './keys';
import { getOrUndefined, isNotFound, listPartition, type TableStore } from './tables';

/*
 * Key layout
 *   Suppliers          PK 'register'  RK encodeKey(supplier id)   the supplier as JSON; its ETag guards edits
 *   SupplierReminders  PK encodeKey(supplier id)  RK '<what>_<due date>_<window>'   one row per reminder sent
 *   DsptStatuses       PK 'latest'  RK organisation code            each organisation's latest status
 *                      PK 'history_' + code  RK inverted time       every status recorded, newest first
 * The register holds tens of suppliers, so one partition holds them all and listing is one query. A reminder
 * row is inserted only if absent: the first instance to claim it sends it, and nobody sends it again.
 */
export const SUPPLIER_TABLES = {
  suppliers: 'Suppliers',
  reminders: 'SupplierReminders',
  dspt: 'DsptStatuses',
} as const;

const REGISTER = 'register';
const LATEST = 'latest';

interface SupplierRow {
  supplier: string;
}

export class TableSupplierRepository implements SupplierRepository {
  constructor(private readonly store: TableStore) {}

  private get client(): TableClient {
    return this.store.table(SUPPLIER_TABLES.suppliers);
  }

  async get(id: string): Promise<StoredSupplier | undefined> {
    const row = await getOrUndefined<SupplierRow>(this.client, REGISTER, encodeKey(id));
    return row && { supplier: JSON.parse(row.supplier) as Supplier, etag: row.etag };
  }

  async list(): Promise<Supplier[]> {
    return (await listPartition<SupplierRow>(this.client, REGISTER)).map(
      (row) => JSON.parse(row.supplier) as Supplier,
    );
  }

  async create(supplier: Supplier): Promise<Conditional<StoredSupplier>> {
    const res = await insertIfAbsent(this.client, this.row(supplier));
    return res.ok ? { ok: true, value: { supplier, etag: res.value } } : res;
  }

  async replace(supplier: Supplier, etag: string): Promise<Conditional<StoredSupplier>> {
    try {
      const res = await replaceIfUnchanged(this.client, this.row(supplier), etag);
      return res.ok ? { ok: true, value: { supplier, etag: res.value } } : res;
    } catch (e) {
      if (isNotFound(e)) return { ok: false, reason: 'conflict' };
      throw e;
    }
  }

  private row(supplier: Supplier) {
    return {
      partitionKey: REGISTER,
      rowKey: encodeKey(supplier.id),
      supplier: JSON.stringify(supplier),
    };
  }
}

export class TableSupplierReminderLog implements SupplierReminderLog {
  constructor(private readonly store: TableStore) {}

  async claim(reminder: DueSupplierReminder, at: Date): Promise<boolean> {
    const res = await insertIfAbsent(this.store.table(SUPPLIER_TABLES.reminders), {
      partitionKey: encodeKey(reminder.supplierId),
      rowKey: rowKeyOf(reminder),
      sentAt: at.toISOString(),
    });
    return res.ok;
  }

  async release(reminder: DueSupplierReminder): Promise<void> {
    await this.store
      .table(SUPPLIER_TABLES.reminders)
      .deleteEntity(encodeKey(reminder.supplierId), rowKeyOf(reminder))
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }
}

const rowKeyOf = (r: DueSupplierReminder): string => `${r.what}_${r.due}_${r.window}`;

interface DsptRow {
  record: string;
}

export class TableDsptRepository implements DsptRepository {
  constructor(private readonly store: TableStore) {}

  private get client(): TableClient {
    return this.store.table(SUPPLIER_TABLES.dspt);
  }

  async record(record: DsptRecord): Promise<void> {
    const json = JSON.stringify(record);
    // History first: a failure between the two leaves the record kept, and the latest still the older one.
    await this.client.createEntity({
      partitionKey: `history_${encodeKey(record.orgCode)}`,
      rowKey: invertedTimeKey(new Date(record.recordedAt), encodeKey(record.recordedBy.id)),
      record: json,
    });
    await this.client.upsertEntity(
      { partitionKey: LATEST, rowKey: encodeKey(record.orgCode), record: json },
      'Replace',
    );
  }

  async latest(): Promise<DsptRecord[]> {
    return (await listPartition<DsptRow>(this.client, LATEST)).map(
      (row) => JSON.parse(row.record) as DsptRecord,
    );
  }

  async history(orgCode: string): Promise<DsptRecord[]> {
    return (await listPartition<DsptRow>(this.client, `history_${encodeKey(orgCode)}`)).map(
      (row) => JSON.parse(row.record) as DsptRecord,
    );
  }
}
