import type { JobClaims } from '../app/rota/ports';
import { insertIfAbsent } from './conditional';
import { encodeKey } from './keys';
import { iso, ROTA_TABLES } from './rota-tables';
import type { TableStore } from './tables';

/*
 * Claims that a rota job's piece of work was done once, across instances.
 * Key layout (RotaJobClaims)
 *   PK 'claim'  RK encodeKey(key)   "this handover / reminder was sent"
 */
const CLAIM_PARTITION = 'claim';

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
