import { randomUUID } from 'crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type {
  HsaResponseRepository,
  KeptHsa,
  StoredHsaResponse,
} from '../app/alerts/hsa-response-ports';
import type { Conditional } from '../app/ports';
import type { AlertSummary, HsaFollowUp, HsaResponse, HsaResponseEvent } from '../domain/alerts';
import { insertIfAbsent } from './conditional';
import { encodeKey } from './keys';
import {
  getOrUndefined,
  isConditionFailed,
  isConflict,
  listPartition,
  type TableStore,
} from './tables';

/*
 * Key layout of the HsaResponses table: one partition per HSA alert, PK encodeKey(alert id)
 *   RK 'org~<encodeKey(org code)>'                      the organisation's response (JSON in `body`)
 *   RK 'event~<at ISO>~<encodeKey(org code)>~<n>~<uuid>' one row per change, in time order (n orders the
 *                                                         changes of one form, which share an instant)
 *   RK 'reminded~<encodeKey(reminder key)>'             a reminder sent (claimed once, by any instance)
 * and one partition of the HSAs CTAC follows up, PK '~follow-ups' (alert ids never start with '~')
 *   RK encodeKey(alert id)                              the follow-up (JSON in `body`), `finished` to filter on,
 *                                                         and what the board shows of the HSA: its summary and
 *                                                         every organisation's response (JSON of
 *                                                         {alert, responses} cut into `kept0`, `kept1`, ...,
 *                                                         `keptParts` of them), replaced with the row's ETag
 *                                                         after each response is saved
 * A response and its events commit in one transaction; a new response is created with them, so
 * two people from one organisation answering first at once make one response and the other re-reads.
 */
export const HSA_RESPONSE_TABLES = { responses: 'HsaResponses' } as const;

const orgRow = (orgCode: string) => `org~${encodeKey(orgCode)}`;
const FOLLOW_UPS = '~follow-ups';
/** A string property holds at most 64 KiB: 30,000 UTF-16 code units stay inside it. */
const KEPT_PART = 30_000;

interface FollowUpRow {
  body: string;
  keptParts?: number;
  [part: `kept${number}`]: string | undefined;
}

function toKept(row: FollowUpRow & { etag?: string }): KeptHsa {
  const kept: KeptHsa = { followUp: JSON.parse(row.body) as HsaFollowUp, etag: row.etag ?? '' };
  if (typeof row.keptParts !== 'number') return kept;
  let json = '';
  for (let i = 0; i < row.keptParts; i++) json += row[`kept${i}`] ?? '';
  const { alert, responses } = JSON.parse(json) as {
    alert: AlertSummary;
    responses: HsaResponse[];
  };
  return { ...kept, alert, responses };
}

export class TableHsaResponseRepository implements HsaResponseRepository {
  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(HSA_RESPONSE_TABLES.responses);
  }

  async list(alertId: string): Promise<StoredHsaResponse[]> {
    const rows = await listPartition<{ body: string }>(this.client, encodeKey(alertId));
    return rows
      .filter((row) => row.rowKey?.startsWith('org~'))
      .map((row) => ({ response: JSON.parse(row.body) as HsaResponse, etag: row.etag }));
  }

  async get(alertId: string, orgCode: string): Promise<StoredHsaResponse | undefined> {
    const row = await getOrUndefined<{ body: string }>(
      this.client,
      encodeKey(alertId),
      orgRow(orgCode),
    );
    return row && { response: JSON.parse(row.body) as HsaResponse, etag: row.etag };
  }

  async save(
    response: HsaResponse,
    events: HsaResponseEvent | readonly HsaResponseEvent[],
    etag: string | undefined,
  ): Promise<Conditional<StoredHsaResponse>> {
    const partitionKey = encodeKey(response.alertId);
    const entity = {
      partitionKey,
      rowKey: orgRow(response.orgCode),
      orgCode: response.orgCode,
      applicability: response.applicability,
      remediation: response.remediation,
      body: JSON.stringify(response),
    };
    // Changes made together share one instant: a sequence number keeps their events in order.
    const eventEntities = (Array.isArray(events) ? events : [events]).map(
      (event: HsaResponseEvent, i) => ({
        partitionKey,
        rowKey: `event~${event.at}~${encodeKey(event.orgCode)}~${i}~${randomUUID()}`,
        orgCode: event.orgCode,
        kind: event.kind,
        at: event.at,
        body: JSON.stringify(event),
      }),
    );
    const actions: TransactionAction[] = [
      etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag }],
      ...eventEntities.map((e): TransactionAction => ['create', e]),
    ];
    try {
      const res = await this.client.submitTransaction(actions);
      const newEtag =
        res.getResponseForEntity(entity.rowKey)?.etag ??
        (await this.client.getEntity(partitionKey, entity.rowKey)).etag;
      return { ok: true, value: { response, etag: newEtag ?? '' } };
    } catch (e) {
      if (isConditionFailed(e) || isConflict(e))
        return { ok: false, reason: etag === undefined ? 'exists' : 'conflict' };
      throw e;
    }
  }

  async events(alertId: string): Promise<HsaResponseEvent[]> {
    const rows = await listPartition<{ body: string }>(this.client, encodeKey(alertId));
    return rows
      .filter((row) => row.rowKey?.startsWith('event~'))
      .sort((a, b) => (a.rowKey ?? '').localeCompare(b.rowKey ?? ''))
      .map((row) => JSON.parse(row.body) as HsaResponseEvent);
  }

  async follow(followUp: HsaFollowUp): Promise<boolean> {
    return (await insertIfAbsent(this.client, this.followUpEntity(followUp))).ok;
  }

  async getFollowUp(alertId: string): Promise<HsaFollowUp | undefined> {
    const row = await getOrUndefined<{ body: string }>(this.client, FOLLOW_UPS, encodeKey(alertId));
    return row && (JSON.parse(row.body) as HsaFollowUp);
  }

  async followUps(which: 'unfinished' | 'finished'): Promise<HsaFollowUp[]> {
    const filter = `PartitionKey eq '${FOLLOW_UPS}' and finished eq ${which === 'finished'}`;
    const found: HsaFollowUp[] = [];
    for await (const row of this.client.listEntities<{ body: string }>({
      queryOptions: { filter },
    }))
      found.push(JSON.parse(row.body) as HsaFollowUp);
    return found;
  }

  async saveFollowUp(followUp: HsaFollowUp): Promise<void> {
    // Merge, so what the row keeps for the board stays.
    await this.client.upsertEntity(this.followUpEntity(followUp), 'Merge');
  }

  async keptHsas(): Promise<KeptHsa[]> {
    return (await listPartition<FollowUpRow>(this.client, FOLLOW_UPS)).map(toKept);
  }

  async keptHsa(alertId: string): Promise<KeptHsa | undefined> {
    const row = await getOrUndefined<FollowUpRow>(this.client, FOLLOW_UPS, encodeKey(alertId));
    return row && toKept(row);
  }

  async keep(
    followUp: HsaFollowUp,
    alert: AlertSummary,
    responses: readonly HsaResponse[],
    etag: string | undefined,
  ): Promise<boolean> {
    const json = JSON.stringify({ alert, responses });
    const parts: Record<string, string> = {};
    for (let i = 0; i * KEPT_PART < json.length; i++)
      parts[`kept${i}`] = json.slice(i * KEPT_PART, (i + 1) * KEPT_PART);
    const entity = {
      ...this.followUpEntity(followUp),
      keptParts: Object.keys(parts).length,
      ...parts,
    };
    try {
      if (etag === undefined) await this.client.createEntity(entity);
      else await this.client.updateEntity(entity, 'Replace', { etag });
      return true;
    } catch (e) {
      if (isConditionFailed(e) || isConflict(e)) return false;
      throw e;
    }
  }

  private followUpEntity(followUp: HsaFollowUp) {
    return {
      partitionKey: FOLLOW_UPS,
      rowKey: encodeKey(followUp.alertId),
      finished: !!followUp.finishedAt,
      body: JSON.stringify(followUp),
    };
  }

  async markReminded(alertId: string, reminderKey: string, at: Date): Promise<boolean> {
    return (
      await insertIfAbsent(this.client, {
        partitionKey: encodeKey(alertId),
        rowKey: `reminded~${encodeKey(reminderKey)}`,
        at: at.toISOString(),
      })
    ).ok;
  }
}
