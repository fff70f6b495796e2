import type { TableClient } from '@azure/data-tables';
import type { RiskCardKind, RiskCardPlace, RiskCardPlaces } from '../app/risks/ports';
import { encodeKey } from './keys';
import { getOrUndefined, type TableStore } from './tables';

export const RISK_CARD_TABLE = 'RiskCards';

/*
 * Key layout (table RiskCards)
 *   PK encodeKey(riskId)  RK 'escalation' | 'raiser'   where that card of the risk is in Teams
 * One row per kind, replaced when a newer card of that kind is sent (a risk escalated again gets a new card).
 */
export class TableRiskCardPlaces implements RiskCardPlaces {
  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(RISK_CARD_TABLE);
  }

  async save(riskId: string, kind: RiskCardKind, place: RiskCardPlace): Promise<void> {
    await this.client.upsertEntity(
      {
        partitionKey: encodeKey(riskId),
        rowKey: kind,
        conversationId: place.conversationId,
        activityId: place.activityId,
        reference: JSON.stringify(place.reference),
      },
      'Replace',
    );
  }

  async get(riskId: string, kind: RiskCardKind): Promise<RiskCardPlace | undefined> {
    const row = await getOrUndefined<{
      conversationId?: string;
      activityId?: string;
      reference?: string;
    }>(this.client, encodeKey(riskId), kind);
    if (!row?.conversationId || !row.activityId || !row.reference) return undefined;
    return {
      conversationId: row.conversationId,
      activityId: row.activityId,
      reference: JSON.parse(row.reference) as unknown,
    };
  }
}
