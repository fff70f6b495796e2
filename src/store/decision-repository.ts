import type { TableClient } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import type { DecisionRepository } from '../app/risks/ports';
import { isRealDecision, type Decision } from '../domain/decisions';
import { quarterOf } from '../domain/figures/quarter';
import { fromJsonChunkColumns, toJsonChunkColumns, type ChunkLayout } from './chunked-columns';
import { commitInPartition } from './conditional';
import { GatheredWrites } from './gathered-writes';
import { encodeKey, invertedTimeKey } from './keys';
import { fromJsonColumns, toJsonColumns } from './risk-json';
import { getOrUndefined, isConditionFailed, isConflict, type TableStore } from './tables';

export const DECISION_TABLE = 'Decisions';

/*
 * Key layout (table Decisions)
 *   PK 'log'  RK 't_' + invertedTimeKey(loggedAt, encodeKey(id))   the decision, newest logged first
 *             RK 'id_' + encodeKey(id)                              the same decision, found by its id
 * Both rows are created in one transaction; creating the 'id_' row fails when the id exists, so logging the
 * same decision twice (a retry) leaves one entry. Decisions are never updated: a correction is a new
 * decision whose `supersedes` names the old one, and both stay. The log of one ICS grows by a few hundred
 * entries a year, so one partition holds it and "recent decisions" is a range query with a page limit.
 * An exercise's decisions (issue 21) sit in the same log, tagged `exercise`: listRecent and listAll (the
 * real register, its figures and exports) skip them, and listForExercise reads one exercise's by the tag.
 *
 *   PK 'quarter'  RK <quarter, 2026-Q3>   the ids of the real decisions logged that quarter (UK time): `ids`,
 *                                          a JSON list; `complete` once made from the log itself
 * Kept so the tab's quarter figures can say how many decisions the quarter holds while listing only the
 * newest (newestOfQuarter): one point read, not every decision of the quarter. Ids are added after the
 * decision commits, merged on the row's ETag, so a retry or two instances add nothing twice. A quarter
 * whose row is missing or not complete (logged before the rows were kept) is counted from the log once and
 * its row made complete; ids among the newest read that the row lacks (a write lost to a crash) are added.
 */
const PARTITION = 'log';
const QUARTER_IDS = 'quarter';
const IDS: ChunkLayout = { name: 'ids' };
/** Rewrites of a quarter's id row lost to other writers before giving up (each re-reads the row). */
const MAX_ID_RETRIES = 20;
/** Quarters whose id lists an instance keeps between reads (see quarterIds). */
const KEPT_QUARTERS = 4;
const timeKey = (d: Decision) => `t_${invertedTimeKey(new Date(d.loggedAt), encodeKey(d.id))}`;
const idKey = (id: string) => `id_${encodeKey(id)}`;

export class TableDecisionRepository implements DecisionRepository {
  /**
   * Ids of newly logged decisions, gathered per quarter: decisions logged at once (an import, a busy
   * meeting) make a few merges of the quarter's id row, not one lost race after another on its ETag.
   */
  private readonly loggedIds = new GatheredWrites<true>((quarterId, ids) =>
    this.addQuarterIds(quarterId, Object.keys(ids), false),
  );

  /** Quarters' id lists as last read, with the row's ETag then (see quarterIds). */
  private readonly keptIds = new Map<string, { etag: string; ids: ReadonlySet<string> }>();

  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(DECISION_TABLE);
  }

  async get(id: string): Promise<Decision | undefined> {
    const row = await getOrUndefined<Record<string, unknown>>(this.client, PARTITION, idKey(id));
    return row && fromJsonColumns<Decision>(row);
  }

  async create(decision: Decision): Promise<Conditional<Decision>> {
    const columns = toJsonColumns(decision);
    const res = await commitInPartition(this.client, [
      ['create', { partitionKey: PARTITION, rowKey: idKey(decision.id), kind: 'byId', ...columns }],
      [
        'create',
        {
          partitionKey: PARTITION,
          rowKey: timeKey(decision),
          kind: 'log',
          id: decision.id,
          ...columns,
        },
      ],
    ]);
    if (!res.ok) return { ok: false, reason: 'exists' };
    if (isRealDecision(decision))
      // The decision is logged whatever happens here: a lost id is added when the quarter is next read.
      await this.loggedIds
        .add(quarterOf(new Date(decision.loggedAt)).id, { [decision.id]: true })
        .catch(() => undefined);
    return { ok: true, value: decision };
  }

  /**
   * The newest `limit` real decisions logged in the quarter (newest first) and how many it holds: one page
   * of the log's range and the quarter's id row (see the key layout).
   */
  async newestOfQuarter(
    quarter: { id: string; start: Date; end: Date },
    limit: number,
  ): Promise<{ decisions: Decision[]; total: number }> {
    const [newest, kept] = await Promise.all([
      this.listLoggedBetween(quarter.start, quarter.end, limit),
      // Whether it is complete, and its ETag: the ids themselves only when they changed.
      getOrUndefined<Record<string, unknown>>(this.client, QUARTER_IDS, quarter.id, ['complete']),
    ]);
    // Fewer than asked for: the page is the whole quarter (and no count can be ahead of it, as after
    // retention has deleted a quarter's decisions).
    if (newest.length < limit) return { decisions: newest, total: newest.length };
    if (!kept?.['complete']) {
      const all = await this.listLoggedBetween(quarter.start, quarter.end);
      await this.addQuarterIds(
        quarter.id,
        all.map((d) => d.id),
        true,
      );
      return { decisions: all.slice(0, limit), total: all.length };
    }
    const ids = await this.quarterIds(quarter.id, String(kept['etag']));
    const lacking = newest.filter((d) => !ids.has(d.id)).map((d) => d.id);
    if (lacking.length) await this.addQuarterIds(quarter.id, lacking, false);
    return { decisions: newest, total: ids.size + lacking.length };
  }

  /**
   * The ids a quarter's row holds at the ETag given: as last read while the row is unchanged, else read
   * again (a quarter of thousands of decisions keeps a list of a few hundred KB, not worth reading and
   * parsing on every view of the figures when no decision was logged since). Read only.
   */
  private async quarterIds(quarterId: string, etag: string): Promise<ReadonlySet<string>> {
    const held = this.keptIds.get(quarterId);
    if (held?.etag === etag) return held.ids;
    const row = await getOrUndefined<Record<string, unknown>>(this.client, QUARTER_IDS, quarterId);
    const ids = new Set(row ? fromJsonChunkColumns<string[]>(row, IDS) : []);
    if (row) this.keepIds(quarterId, String(row['etag']), ids);
    return ids;
  }

  /** Keeps a quarter's ids as read or written at `etag`: the quarters used lately only. */
  private keepIds(quarterId: string, etag: string, ids: ReadonlySet<string>): void {
    this.keptIds.delete(quarterId);
    this.keptIds.set(quarterId, { etag, ids });
    for (const old of this.keptIds.keys())
      if (this.keptIds.size > KEPT_QUARTERS) this.keptIds.delete(old);
  }

  /** Merges ids into a quarter's id row (made `complete` when asked, never made incomplete again). */
  private async addQuarterIds(quarterId: string, ids: string[], complete: boolean): Promise<void> {
    for (let attempt = 0; attempt < MAX_ID_RETRIES; attempt++) {
      const row = await getOrUndefined<Record<string, unknown>>(
        this.client,
        QUARTER_IDS,
        quarterId,
      );
      const kept = row ? fromJsonChunkColumns<string[]>(row, IDS) : [];
      const known = new Set(kept);
      const added = ids.filter((id) => !known.has(id) && known.add(id));
      const wasComplete = !!row?.['complete'];
      if (row && !added.length && (wasComplete || !complete)) return;
      const entity = {
        partitionKey: QUARTER_IDS,
        rowKey: quarterId,
        complete: wasComplete || complete,
        count: known.size,
        ...toJsonChunkColumns([...kept, ...added], IDS),
      };
      try {
        const written = row
          ? await this.client.updateEntity(entity, 'Replace', { etag: String(row['etag']) })
          : await this.client.createEntity(entity);
        if (written.etag) this.keepIds(quarterId, written.etag, known);
        return;
      } catch (e) {
        // Another writer changed the row first: read it again.
        if (!isConditionFailed(e) && !isConflict(e)) throw e;
      }
    }
    throw new Error(`The decisions of ${quarterId} changed too often to record more.`);
  }

  async listRecent(limit: number): Promise<Decision[]> {
    return this.listNewestFirst(limit, isRealDecision);
  }

  async listAll(): Promise<Decision[]> {
    return this.listNewestFirst(Number.MAX_SAFE_INTEGER, isRealDecision);
  }

  /**
   * The real decisions logged from `from` (inclusive) to `to` (exclusive), newest first, at most `limit`:
   * one range of the newest-first rows, so a quarter's figures read that quarter's decisions, not the whole
   * log.
   */
  async listLoggedBetween(
    from: Date,
    to: Date,
    limit = Number.MAX_SAFE_INTEGER,
  ): Promise<Decision[]> {
    // Inverted times: the later bound gives the lower key.
    const filter = `PartitionKey eq '${PARTITION}' and RowKey gt 't_${invertedTimeKey(to)}' and RowKey lt 't_${invertedTimeKey(new Date(from.getTime() - 1))}'`;
    const decisions: Decision[] = [];
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages)
      for (const row of page) {
        const decision = fromJsonColumns<Decision>(row);
        const at = Date.parse(decision.loggedAt);
        if (isRealDecision(decision) && at >= from.getTime() && at < to.getTime())
          decisions.push(decision);
        if (decisions.length >= limit) return decisions;
      }
    return decisions;
  }

  async listForExercise(exerciseId: string): Promise<Decision[]> {
    return this.listNewestFirst(Number.MAX_SAFE_INTEGER, (d) => d.exercise?.id === exerciseId);
  }

  private async listNewestFirst(
    limit: number,
    keep: (decision: Decision) => boolean,
  ): Promise<Decision[]> {
    const decisions: Decision[] = [];
    const pages = this.client
      .listEntities<Record<string, unknown>>({
        queryOptions: {
          filter: `PartitionKey eq '${PARTITION}' and RowKey ge 't_' and RowKey lt 't\`'`,
        },
      })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages) {
      for (const row of page) {
        const decision = fromJsonColumns<Decision>(row);
        if (!keep(decision)) continue;
        decisions.push(decision);
        if (decisions.length >= limit) return decisions;
      }
    }
    return decisions;
  }
}
