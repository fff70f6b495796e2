import type { TableClient } from '@azure/data-tables';
import type { RiskCardKind, RiskCardPlace, RiskCardPlaces } from '../app/risks/ports';
import { encodeKey } from './keys';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  listPartition,
  type TableStore,
} from './tables';

export const RISK_CARD_TABLE = 'RiskCards';

/*
 * Key layout (table RiskCards)
 *   PK encodeKey(riskId)  RK 'escalation' | 'raiser' | 'lead:<aad>'   where that card of the risk is in Teams
 * One row per kind, replaced when a newer card of that kind is sent (a risk escalated again gets a new card).
 * A card still in the outbox has `postId` (its send-queue row) and no `activityId` yet; the outbox's
 * "posted" callback fills that in, unless a newer card's row has replaced it meanwhile. Rows saved before
 * cards went through the outbox hold the conversation `reference` instead of `personalOf`.
 */
interface PlaceRow {
  conversationId?: string;
  activityId?: string;
  postId?: string;
  personalOf?: string;
  reference?: string;
}

export class TableRiskCardPlaces implements RiskCardPlaces {
  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(RISK_CARD_TABLE);
  }

  async save(riskId: string, kind: RiskCardKind, place: RiskCardPlace): Promise<void> {
    await this.client.upsertEntity(toEntity(riskId, kind, place), 'Replace');
  }

  async get(riskId: string, kind: RiskCardKind): Promise<RiskCardPlace | undefined> {
    const row = await getOrUndefined<PlaceRow>(this.client, encodeKey(riskId), kind);
    return row && fromRow(row);
  }

  async list(riskId: string): Promise<{ kind: RiskCardKind; place: RiskCardPlace }[]> {
    const rows = await listPartition<PlaceRow>(this.client, encodeKey(riskId));
    return rows.flatMap((row) => {
      const place = fromRow(row);
      return place ? [{ kind: row.rowKey as RiskCardKind, place }] : [];
    });
  }

  async delivered(
    riskId: string,
    kind: RiskCardKind,
    postId: string,
    place: RiskCardPlace,
  ): Promise<void> {
    const entity = toEntity(riskId, kind, place);
    // Two tries: a lost race with another write of the same place is looked at afresh once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const current = await getOrUndefined<PlaceRow>(this.client, entity.partitionKey, kind);
      try {
        if (!current) {
          await this.client.createEntity(entity);
          return;
        }
        // A newer card of this kind was queued: its place stands.
        if (current.postId !== postId) return;
        await this.client.updateEntity(entity, 'Replace', { etag: current.etag });
        return;
      } catch (e) {
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
      }
    }
  }
}

function toEntity(riskId: string, kind: RiskCardKind, place: RiskCardPlace) {
  const entity: { partitionKey: string; rowKey: string } & PlaceRow = {
    partitionKey: encodeKey(riskId),
    rowKey: kind,
    conversationId: place.conversationId,
  };
  if (place.activityId) entity.activityId = place.activityId;
  if (place.postId) entity.postId = place.postId;
  if (place.personalOf) entity.personalOf = place.personalOf;
  if (place.reference !== undefined) entity.reference = JSON.stringify(place.reference);
  return entity;
}

function fromRow(row: PlaceRow): RiskCardPlace | undefined {
  if (!row.conversationId && !row.postId) return undefined;
  if (!row.activityId && !row.postId) return undefined;
  return {
    conversationId: row.conversationId ?? '',
    ...(row.activityId && { activityId: row.activityId }),
    ...(row.postId && { postId: row.postId }),
    ...(row.personalOf && { personalOf: row.personalOf }),
    ...(row.reference && { reference: JSON.parse(row.reference) as unknown }),
  };
}
