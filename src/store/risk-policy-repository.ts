import type { Conditional } from '../app/ports';
import type { RiskPolicyRepository, StoredRiskPolicy } from '../app/risks/ports';
import { DEFAULT_RISK_POLICY, type RiskAppetite, type RiskBandTable } from '../domain/risk';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { getOrUndefined, type TableStore } from './tables';

export const RISK_SETTINGS_TABLE = 'RiskSettings';

/*
 * Key layout (table RiskSettings)
 *   PK 'settings'  RK 'policy'   the risk bands and appetite (ICS-wide and per organisation) as JSON
 * One row that admins change rarely; every save is conditional on the ETag they read, so two admins saving
 * at once cannot silently overwrite each other. No row means the default policy (NHS 5x5, appetite 12).
 */
const PARTITION = 'settings';
const ROW = 'policy';

interface PolicyRow {
  bands: string;
  appetite: string;
  updatedAt: string;
  updatedBy: string;
}

export class TableRiskPolicyRepository implements RiskPolicyRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(RISK_SETTINGS_TABLE);
  }

  async get(): Promise<StoredRiskPolicy> {
    const row = await getOrUndefined<PolicyRow>(this.client, PARTITION, ROW);
    if (!row) return { policy: DEFAULT_RISK_POLICY };
    return {
      policy: {
        bands: JSON.parse(row.bands) as RiskBandTable,
        appetite: JSON.parse(row.appetite) as RiskAppetite,
      },
      etag: row.etag,
      updatedAt: row.updatedAt,
      updatedBy: row.updatedBy,
    };
  }

  async save(
    policy: StoredRiskPolicy['policy'],
    meta: { updatedAt: string; updatedBy: string },
    etag: string | undefined,
  ): Promise<Conditional<StoredRiskPolicy>> {
    const entity = {
      partitionKey: PARTITION,
      rowKey: ROW,
      bands: JSON.stringify(policy.bands),
      appetite: JSON.stringify(policy.appetite),
      ...meta,
    };
    const res = etag
      ? await replaceIfUnchanged(this.client, entity, etag)
      : await insertIfAbsent(this.client, entity);
    if (!res.ok) return { ok: false, reason: 'conflict' };
    return { ok: true, value: { policy, etag: res.value, ...meta } };
  }
}
