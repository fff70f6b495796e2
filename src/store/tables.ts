import {
  TableClient,
  TableServiceClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { StorageGate } from '../app/work-priority';

export type StorageSettings =
  { kind: 'connectionString'; connectionString: string } | { kind: 'endpoint'; endpoint: string };

/** Every table the app uses; created at start. One table per aggregate (DESIGN.md). */
export const TABLES = {
  organisations: 'Organisations',
  members: 'Members',
  conversations: 'Conversations',
} as const;
export type TableName = (typeof TABLES)[keyof typeof TABLES];

/**
 * Opens table clients. Local runs and tests use a connection string (Azurite); in Azure a table endpoint and
 * the app's managed identity, so no account key is ever in settings. The credential is only created for an
 * endpoint (elsewhere it would probe the cloud metadata address), and only once: every table client shares
 * it, so they share its token cache instead of each fetching tokens of its own.
 */
export class TableStore {
  private readonly clients = new Map<string, TableClient>();
  private readonly service: TableServiceClient;
  private readonly open: (table: string) => TableClient;
  /** The one managed identity credential behind every client (endpoint settings only). */
  readonly credential: TokenCredential | undefined;

  constructor(
    settings: StorageSettings,
    private readonly prefix = '',
    credential?: TokenCredential,
    /** Background work's requests go through it (src/app/work-priority.ts); none: no gating. */
    gate?: StorageGate,
  ) {
    const additionalPolicies = gate
      ? [{ policy: gatePolicy(gate), position: 'perCall' as const }]
      : [];
    if (settings.kind === 'connectionString') {
      const options = {
        allowInsecureConnection: isHttp(settings.connectionString),
        additionalPolicies,
      };
      this.service = TableServiceClient.fromConnectionString(settings.connectionString, options);
      this.open = (table) =>
        TableClient.fromConnectionString(settings.connectionString, table, options);
    } else {
      const shared = credential ?? new ManagedIdentityCredential();
      this.credential = shared;
      this.service = new TableServiceClient(settings.endpoint, shared, { additionalPolicies });
      this.open = (table) =>
        new TableClient(settings.endpoint, table, shared, { additionalPolicies });
    }
  }

  table(name: TableName | string): TableClient {
    const full = `${this.prefix}${name}`;
    let client = this.clients.get(full);
    if (!client) {
      client = this.open(full);
      this.clients.set(full, client);
    }
    return client;
  }

  async createTables(names: readonly string[] = Object.values(TABLES)): Promise<void> {
    for (const name of names) await this.table(name).createTable();
  }

  /** Answers when the Table service answers; throws otherwise (fast, for the health check). */
  async ping(timeoutMs = 2000): Promise<void> {
    const signal = AbortSignal.timeout(timeoutMs);
    // The same signal abandons the request (and its retries) when the ping gives up.
    const pages = this.service.listTables({ abortSignal: signal }).byPage({ maxPageSize: 1 });
    await Promise.race([
      pages.next(),
      new Promise((_, reject) =>
        signal.addEventListener('abort', () =>
          reject(new Error('Table Storage did not answer in time')),
        ),
      ),
    ]);
  }
}

/** Whether a connection string's endpoints are plain HTTP (Azurite on loopback): the SDK must be told. */
export const isHttp = (connectionString: string) => /Endpoint=http:/i.test(connectionString);

type PipelinePolicy = NonNullable<
  TableServiceClientOptions['additionalPolicies']
>[number]['policy'];

/** Each request (with its retries) through the gate: background work waits for a slot. */
const gatePolicy = (gate: StorageGate): PipelinePolicy => ({
  name: 'ctacStorageGate',
  sendRequest: (request, next) => gate.send(() => next(request)),
});

/** A 412 from a conditional write: somebody else changed the entity first. */
export const isConditionFailed = (e: unknown): boolean => statusOf(e) === 412;
export const isConflict = (e: unknown): boolean => statusOf(e) === 409;
export const isNotFound = (e: unknown): boolean => statusOf(e) === 404;
const statusOf = (e: unknown) => (e as { statusCode?: number })?.statusCode;

/** Point read that answers undefined for a missing row. */
export async function getOrUndefined<T extends object>(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
  select?: string[],
): Promise<TableEntityResult<T> | undefined> {
  try {
    return await client.getEntity<T>(partitionKey, rowKey, select && { queryOptions: { select } });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Reads a whole partition (callers keep partitions small or page them). */
export async function listPartition<T extends object>(
  client: TableClient,
  partitionKey: string,
): Promise<TableEntityResult<T>[]> {
  const rows: TableEntityResult<T>[] = [];
  const filter = `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'`;
  for await (const row of client.listEntities<T>({ queryOptions: { filter } })) rows.push(row);
  return rows;
}

/**
 * Deletes every row an OData filter matches, one by one; a row already gone (another instance's clean-up
 * got there first) is skipped. Answers how many this call deleted.
 */
export async function deleteMatching(client: TableClient, filter: string): Promise<number> {
  let removed = 0;
  for await (const row of client.listEntities({ queryOptions: { filter } })) {
    try {
      await client.deleteEntity(row.partitionKey!, row.rowKey!);
      removed += 1;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return removed;
}
