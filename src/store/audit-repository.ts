import type { TableClient } from '@azure/data-tables';
import type { AuditRepository } from '../app/audit-log';
import type { AuditEntry } from '../domain/audit/audit-entry';
import { encodeKey, invertedTimeKey } from './keys';
import { fromJsonColumns, toJsonColumns } from './risk-json';
import type { TableStore } from './tables';

export const AUDIT_TABLE = 'AuditLog';

/*
 * Key layout (table AuditLog)
 *   PK 'audit'  RK invertedTimeKey(at, encodeKey(id))   one admin action, newest first
 * Admin actions are a handful a week, so one partition holds years of them and "the latest 20" is a
 * range read with a page limit. Entries are never changed or deleted by the app.
 */
const PARTITION = 'audit';

export class TableAuditRepository implements AuditRepository {
  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(AUDIT_TABLE);
  }

  async add(entry: AuditEntry): Promise<void> {
    await this.client.createEntity({
      partitionKey: PARTITION,
      rowKey: invertedTimeKey(new Date(entry.at), encodeKey(entry.id)),
      action: entry.action,
      ...toJsonColumns(entry),
    });
  }

  async listRecent(limit: number): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    const pages = this.client
      .listEntities<Record<string, unknown>>({
        queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
      })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages) {
      for (const row of page) {
        entries.push(fromJsonColumns<AuditEntry>(row));
        if (entries.length >= limit) return entries;
      }
    }
    return entries;
  }

  listAll(): Promise<AuditEntry[]> {
    return this.listRecent(Number.MAX_SAFE_INTEGER);
  }
}
