import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import { isConditionFailed, isConflict } from './tables';

/**
 * Replaces an entity only if nobody changed it since it was read (its ETag). A lost race is returned as
 * `{ ok: false, reason: 'conflict' }` for the use case to turn into a message, never thrown.
 */
export async function replaceIfUnchanged<T extends object>(
  client: TableClient,
  entity: TableEntity<T>,
  etag: string,
): Promise<Conditional<string>> {
  try {
    const res = await client.updateEntity(entity, 'Replace', { etag });
    return { ok: true, value: res.etag ?? '' };
  } catch (e) {
    if (isConditionFailed(e)) return { ok: false, reason: 'conflict' };
    throw e;
  }
}

/** Inserts only when the row is new; an existing row is `{ ok: false, reason: 'exists' }`. */
export async function insertIfAbsent<T extends object>(
  client: TableClient,
  entity: TableEntity<T>,
): Promise<Conditional<string>> {
  try {
    const res = await client.createEntity(entity);
    return { ok: true, value: res.etag ?? '' };
  } catch (e) {
    if (isConflict(e)) return { ok: false, reason: 'exists' };
    throw e;
  }
}

/**
 * Inserts the row, or replaces it when it is there: what an upsert leaves, for a row that is almost
 * always new. Azurite looks a new row up once this way, not twice (an upsert there is a lookup and then
 * an insert, each a pass over the partition's rows); in Table Storage an insert costs what an upsert does.
 */
export async function insertOrReplace<T extends object>(
  client: TableClient,
  entity: TableEntity<T>,
): Promise<Conditional<string>> {
  const inserted = await insertIfAbsent(client, entity);
  if (inserted.ok) return inserted;
  return { ok: true, value: (await client.upsertEntity(entity, 'Replace')).etag ?? '' };
}

/**
 * Commits several changes to one partition atomically (an entity and its audit events). If any conditional
 * part fails, nothing is applied and the result is a conflict.
 */
export async function commitInPartition(
  client: TableClient,
  actions: TransactionAction[],
): Promise<Conditional<void>> {
  try {
    await client.submitTransaction(actions);
    return { ok: true, value: undefined };
  } catch (e) {
    if (isConditionFailed(e) || isConflict(e))
      return { ok: false, reason: isConflict(e) ? 'exists' : 'conflict' };
    throw e;
  }
}
