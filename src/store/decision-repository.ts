import type { TableClient } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import type { DecisionRepository } from '../app/risks/ports';
import { isRealDecision, type Decision } from '../domain/decisions';
import { commitInPartition } from './conditional';
import { encodeKey, invertedTimeKey } from './keys';
import { fromJsonColumns, toJsonColumns } from './risk-json';
import { getOrUndefined, type TableStore } from './tables';

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
 */
const PARTITION = 'log';
const timeKey = (d: Decision) => `t_${invertedTimeKey(new Date(d.loggedAt), encodeKey(d.id))}`;
const idKey = (id: string) => `id_${encodeKey(id)}`;

export class TableDecisionRepository implements DecisionRepository {
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
    return res.ok ? { ok: true, value: decision } : { ok: false, reason: 'exists' };
  }

  async listRecent(limit: number): Promise<Decision[]> {
    return this.listNewestFirst(limit, isRealDecision);
  }

  async listAll(): Promise<Decision[]> {
    return this.listNewestFirst(Number.MAX_SAFE_INTEGER, isRealDecision);
  }

  /**
   * The real decisions logged from `from` (inclusive) to `to` (exclusive), newest first: one range of the
   * newest-first rows, so a quarter's figures read that quarter's decisions, not the whole log.
   */
  async listLoggedBetween(from: Date, to: Date): Promise<Decision[]> {
    // Inverted times: the later bound gives the lower key.
    const filter = `PartitionKey eq '${PARTITION}' and RowKey gt 't_${invertedTimeKey(to)}' and RowKey lt 't_${invertedTimeKey(new Date(from.getTime() - 1))}'`;
    const decisions: Decision[] = [];
    for await (const row of this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter },
    })) {
      const decision = fromJsonColumns<Decision>(row);
      const at = Date.parse(decision.loggedAt);
      if (isRealDecision(decision) && at >= from.getTime() && at < to.getTime())
        decisions.push(decision);
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
