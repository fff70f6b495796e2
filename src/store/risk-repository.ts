import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Conditional } from '../app/ports';
import type { RiskRepository, StoredRisk } from '../app/risks/ports';
import type { Decision } from '../domain/decisions';
import {
  OPEN_RISK_FIGURE_FIELDS,
  openRiskFigureOf,
  type OpenRiskFigure,
  type RiskForFigures,
} from '../domain/figures';
import { isRealRisk, type Risk, type RiskEvent } from '../domain/risk';
import { supplierIdNamedBy } from '../domain/suppliers';
import { commitInPartition } from './conditional';
import { encodeKey } from './keys';
import { fromJsonColumns, toJsonColumns } from './risk-json';
import { getOrUndefined, isConditionFailed, isNotFound, type TableStore } from './tables';

export const RISK_TABLE = 'Risks';

/*
 * Key layout (table Risks)
 *   PK 'register'  RK 'risk_' + encodeKey(id)                    the risk without its history (JSON columns),
 *                                                                 its ETag guards every change
 *                  RK 'risk_' + encodeKey(id) + '_ev_' + 0000    one row per history event, oldest first
 *                  RK 'open_' + (25 - score, 2 digits) + '_' + raisedAt + '_' + encodeKey(id)
 *                                                                 a copy of each risk that is not closed, with
 *                                                                 the figures' fields as columns of their own
 *                                                                 (FIGURE_COLUMNS) and the id of the supplier
 *                                                                 it names (`supplierId`, '' for none) beside
 *                                                                 its JSON
 * The ICS register holds tens to hundreds of risks, so one partition holds it all: a change, its history
 * events and the open-by-score index row commit in one transaction, and "open risks by score" is one range
 * query over the index rows (highest score first, then oldest), never a table scan.
 * An exercise's risks (issue 21) sit in the same register, tagged `exercise`: listOpen, listAll and
 * listAllWithHistory (the real register, its figures and exports) skip them; listOpenWithExercises (the
 * leads' reminders, marked EXERCISE) keeps them, and listForExercise reads one exercise's by the tag.
 */
const PARTITION = 'register';
const riskKey = (id: string) => `risk_${encodeKey(id)}`;
const eventKey = (id: string, index: number) =>
  `${riskKey(id)}_ev_${index.toString().padStart(4, '0')}`;
/** The open-by-score index rows, as a query filter. */
const OPEN_ROWS = `PartitionKey eq '${PARTITION}' and RowKey ge 'open_' and RowKey lt 'open\`'`;
const openKey = (risk: Risk) =>
  `open_${(25 - risk.score).toString().padStart(2, '0')}_${risk.raisedAt}_${encodeKey(risk.id)}`;

interface RiskRow {
  kind: 'risk';
  id: string;
  status: string;
  score: number;
  /** The index row this risk has now ('' when closed). */
  openKey: string;
  eventCount: number;
  /** A decision recorded on the risk and not yet confirmed in the decision log, as JSON ('' when none). */
  pendingDecision: string;
}

type RiskBody = Omit<Risk, 'history'>;

/**
 * The columns of an open index row the quarter figures read (`select`ed, so not the JSON of every open
 * risk): an OpenRiskFigure, and the exercise the risk belongs to ('' for a real one).
 */
const FIGURE_COLUMNS = [...OPEN_RISK_FIGURE_FIELDS, 'exerciseId'];
type FigureColumns = OpenRiskFigure & { exerciseId: string };
const figureColumnsOf = (risk: RiskBody): FigureColumns => ({
  ...openRiskFigureOf(risk),
  exerciseId: risk.exercise?.id ?? '',
});
/** An index row written before the figures' columns were kept (until the start's backfill). */
const lacksFigureColumns = (row: Record<string, unknown>) => typeof row['likelihood'] !== 'number';
/**
 * The id of the supplier a risk names ('' for none): a supplier's page asks the open index rows for those
 * with its id, not for every open risk (issue 18).
 */
const supplierColumnOf = (risk: Pick<RiskBody, 'supplier'>) => ({
  supplierId: supplierIdNamedBy(risk) ?? '',
});
/** An index row written before the supplier's id was kept beside it (until the start's backfill). */
const lacksSupplierColumn = (row: Record<string, unknown>) => typeof row['supplierId'] !== 'string';
const bodyOf = ({ history: _history, ...body }: Risk): RiskBody => body;

export class TableRiskRepository implements RiskRepository {
  /**
   * True once this instance found every open index row carrying its columns (`supplierId` and the
   * figures'; rows this version writes always do): from then on a supplier's risks, or the escalated
   * ones, are one filtered query.
   */
  private openRowsKeyed = false;

  constructor(private readonly store: TableStore) {}
  private get client(): TableClient {
    return this.store.table(RISK_TABLE);
  }

  async get(id: string): Promise<StoredRisk | undefined> {
    const row = await getOrUndefined<RiskRow & Record<string, unknown>>(
      this.client,
      PARTITION,
      riskKey(id),
    );
    if (!row) return undefined;
    const from = `${riskKey(id)}_ev_`;
    const history: RiskEvent[] = [];
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq '${PARTITION}' and RowKey ge '${q(from)}' and RowKey lt '${q(from)}~'`,
      },
    });
    for await (const ev of rows) history.push(fromJsonColumns<RiskEvent>(ev));
    return {
      risk: { ...fromJsonColumns<RiskBody>(row), history },
      etag: row.etag,
      ...(row.pendingDecision && { pendingDecision: JSON.parse(row.pendingDecision) as Decision }),
    };
  }

  async create(risk: Risk): Promise<Conditional<StoredRisk>> {
    const actions: TransactionAction[] = [
      ['create', this.riskRow(risk, undefined)],
      ...risk.history.map((event, i): TransactionAction => [
        'create',
        this.eventRow(risk.id, i, event),
      ]),
    ];
    if (risk.status !== 'closed') actions.push(['upsert', this.indexRow(risk), 'Replace']);
    const res = await commitInPartition(this.client, actions);
    if (!res.ok) return res;
    return this.reread(risk.id);
  }

  async update(
    risk: Risk,
    etag: string,
    opts: { pendingDecision?: Decision } = {},
  ): Promise<Conditional<StoredRisk>> {
    const current = await getOrUndefined<RiskRow>(this.client, PARTITION, riskKey(risk.id));
    if (!current || current.etag !== etag) return { ok: false, reason: 'conflict' };
    const actions: TransactionAction[] = [
      ['update', this.riskRow(risk, opts.pendingDecision), 'Replace', { etag }],
    ];
    for (let i = current.eventCount; i < risk.history.length; i++)
      actions.push(['create', this.eventRow(risk.id, i, risk.history[i]!)]);
    const nextOpenKey = risk.status === 'closed' ? '' : openKey(risk);
    if (current.openKey && current.openKey !== nextOpenKey)
      actions.push(['delete', { partitionKey: PARTITION, rowKey: current.openKey }]);
    if (nextOpenKey) actions.push(['upsert', this.indexRow(risk), 'Replace']);
    const res = await commitInPartition(this.client, actions);
    if (!res.ok) return { ok: false, reason: 'conflict' };
    return this.reread(risk.id);
  }

  async clearPending(id: string, etag: string): Promise<Conditional<StoredRisk>> {
    try {
      await this.client.updateEntity(
        { partitionKey: PARTITION, rowKey: riskKey(id), pendingDecision: '' },
        'Merge',
        { etag },
      );
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 412 || isNotFound(e))
        return { ok: false, reason: 'conflict' };
      throw e;
    }
    return this.reread(id);
  }

  async listOpen(): Promise<Risk[]> {
    return (await this.listOpenRows()).filter(isRealRisk);
  }

  /**
   * What the quarter figures need of each open real risk, highest score first: the figures' own columns
   * of the open index rows (one range, `select`ed). Rows from before those columns were kept (until the
   * start's backfill gives them theirs) are read whole instead.
   */
  async listOpenFigures(): Promise<OpenRiskFigure[]> {
    const figures: OpenRiskFigure[] = [];
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: OPEN_ROWS,
        select: FIGURE_COLUMNS,
      },
    });
    for await (const row of rows) {
      if (lacksFigureColumns(row)) return (await this.listOpen()).map(openRiskFigureOf);
      // The columns are written from the risk (figureColumnsOf), so they read back as its fields.
      if (!row['exerciseId']) figures.push(openRiskFigureOf(row as unknown as OpenRiskFigure));
    }
    return figures;
  }

  /**
   * The open real risks naming the supplier `supplierId`, highest score first: the open index rows with
   * that id in `supplierId` (one query; the JSON of only those rows comes back).
   */
  async listOpenNaming(supplierId: string): Promise<Risk[]> {
    if (!supplierId) return [];
    return this.listOpenWhere('supplierId', supplierId, (r) => supplierColumnOf(r).supplierId);
  }

  /**
   * The open real risks waiting for the ICS cyber group's decision (status `escalated`), highest score
   * first: the open index rows with that status (one query; only their JSON comes back).
   */
  async listOpenEscalated(): Promise<Risk[]> {
    return this.listOpenWhere('status', 'escalated', (r) => r.status);
  }

  /**
   * The open real risks whose index row has `value` in `column`, one filtered query. Until this instance
   * has seen every open row carry the columns (an older version's rows get them from the start's
   * backfill), it reads every open risk and picks them by `valueOf` instead, so no row is missed.
   */
  private async listOpenWhere(
    column: 'supplierId' | 'status',
    value: string,
    valueOf: (risk: Risk) => string,
  ): Promise<Risk[]> {
    if (!(await this.openRowsAreKeyed()))
      return (await this.listOpen()).filter((r) => valueOf(r) === value);
    const risks: Risk[] = [];
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `${OPEN_ROWS} and ${column} eq '${q(value)}'` },
    });
    for await (const row of rows) risks.push({ ...fromJsonColumns<RiskBody>(row), history: [] });
    return risks.filter(isRealRisk);
  }

  /** Whether every open index row has its columns (looked at until it is so; rows written here always do). */
  private async openRowsAreKeyed(): Promise<boolean> {
    if (this.openRowsKeyed) return true;
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: OPEN_ROWS, select: ['likelihood', 'supplierId'] },
    });
    for await (const row of rows)
      if (lacksFigureColumns(row) || lacksSupplierColumn(row)) return false;
    return (this.openRowsKeyed = true);
  }

  /**
   * Gives each open index row written before the figures' columns (or the supplier's id) were kept its
   * columns, from its JSON (at start; idempotent). A row that changes meanwhile is left to the change,
   * which writes them.
   */
  async backfillOpenFigures(): Promise<number> {
    let made = 0;
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: OPEN_ROWS,
      },
    });
    for await (const row of rows) {
      if (!lacksFigureColumns(row) && !lacksSupplierColumn(row)) continue;
      const body = fromJsonColumns<RiskBody>(row);
      try {
        await this.client.updateEntity(
          {
            partitionKey: PARTITION,
            rowKey: String(row['rowKey']),
            ...figureColumnsOf(body),
            ...supplierColumnOf(body),
          },
          'Merge',
          { etag: String(row['etag']) },
        );
        made++;
      } catch (e) {
        if (!isConditionFailed(e) && !isNotFound(e)) throw e;
      }
    }
    return made;
  }

  async listOpenWithExercises(): Promise<Risk[]> {
    return this.listOpenRows();
  }

  async listAll(): Promise<Risk[]> {
    return (await this.listEveryRisk()).filter(isRealRisk);
  }

  async listForExercise(exerciseId: string): Promise<Risk[]> {
    return (await this.listEveryRisk()).filter((r) => r.exercise?.id === exerciseId);
  }

  private async listEveryRisk(): Promise<Risk[]> {
    const risks: Risk[] = [];
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq '${PARTITION}' and RowKey ge 'risk_' and RowKey lt 'risk\`' and kind eq 'risk'`,
      },
    });
    for await (const row of rows) risks.push({ ...fromJsonColumns<RiskBody>(row), history: [] });
    return risks;
  }

  async listAllWithHistory(): Promise<Risk[]> {
    // One range of the register partition: each risk's row comes just before its event rows.
    const risks = new Map<string, Risk>();
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq '${PARTITION}' and RowKey ge 'risk_' and RowKey lt 'risk\`'`,
      },
    });
    for await (const row of rows) {
      const key = String(row['rowKey'] ?? '');
      if (row['kind'] === 'risk')
        risks.set(key, { ...fromJsonColumns<RiskBody>(row), history: [] });
      else if (row['kind'] === 'event')
        risks
          .get(key.slice(0, key.lastIndexOf('_ev_')))
          ?.history.push(fromJsonColumns<RiskEvent>(row));
    }
    return [...risks.values()].filter(isRealRisk);
  }

  /**
   * Every real risk ever escalated, with only its escalation and decision events (in order): what the
   * quarter figures need of the history. One query of the register's event rows by their `eventKind`
   * (a few tens a year, not every event of every risk); each such risk's own fields are taken from `known`
   * (the open risks' figures the caller reads, or is reading) or else read (one closed since its
   * escalation). A point read costs Azurite a look through the whole register partition, so the open ones
   * are not read again.
   */
  async listEscalated(
    known: readonly OpenRiskFigure[] | Promise<readonly OpenRiskFigure[]> = [],
  ): Promise<RiskForFigures[]> {
    const events = new Map<string, RiskEvent[]>();
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: `PartitionKey eq '${PARTITION}' and RowKey ge 'risk_' and RowKey lt 'risk\`' and kind eq 'event' and (eventKind eq 'escalated' or eventKind eq 'decided')`,
      },
    });
    for await (const row of rows) {
      const key = String(row['rowKey'] ?? '');
      const riskRow = key.slice(0, key.lastIndexOf('_ev_'));
      events.set(riskRow, [...(events.get(riskRow) ?? []), fromJsonColumns<RiskEvent>(row)]);
    }
    // Read alongside the events, when the caller is still reading them.
    const byRow = new Map((await known).map((r) => [riskKey(r.id), r]));
    const risks = await Promise.all(
      [...events]
        .filter(([, history]) => history.some((e) => e.kind === 'escalated'))
        .map(async ([riskRow, history]): Promise<RiskForFigures | undefined> => {
          // Event rows sort in history order (their index is zero-padded); the query keeps that order.
          const open = byRow.get(riskRow);
          if (open) return { ...open, history };
          const row = await getOrUndefined<Record<string, unknown>>(
            this.client,
            PARTITION,
            riskRow,
          );
          const body = row && fromJsonColumns<RiskBody>(row);
          return body && isRealRisk(body) ? { ...body, history } : undefined;
        }),
    );
    return risks.filter((r): r is RiskForFigures => !!r);
  }

  private async listOpenRows(): Promise<Risk[]> {
    const risks: Risk[] = [];
    const rows = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: OPEN_ROWS,
      },
    });
    for await (const row of rows) risks.push({ ...fromJsonColumns<RiskBody>(row), history: [] });
    return risks;
  }

  private async reread(id: string): Promise<Conditional<StoredRisk>> {
    const stored = await this.get(id);
    return stored ? { ok: true, value: stored } : { ok: false, reason: 'conflict' };
  }

  private riskRow(risk: Risk, pending: Decision | undefined) {
    const row: RiskRow = {
      kind: 'risk',
      id: risk.id,
      status: risk.status,
      score: risk.score,
      openKey: risk.status === 'closed' ? '' : openKey(risk),
      eventCount: risk.history.length,
      pendingDecision: pending ? JSON.stringify(pending) : '',
    };
    return {
      partitionKey: PARTITION,
      rowKey: riskKey(risk.id),
      ...row,
      ...toJsonColumns(bodyOf(risk)),
    };
  }

  private eventRow(riskId: string, index: number, event: RiskEvent) {
    return {
      partitionKey: PARTITION,
      rowKey: eventKey(riskId, index),
      kind: 'event',
      eventKind: event.kind,
      at: event.at,
      ...toJsonColumns(event),
    };
  }

  private indexRow(risk: Risk) {
    return {
      partitionKey: PARTITION,
      rowKey: openKey(risk),
      kind: 'open',
      ...figureColumnsOf(risk),
      ...supplierColumnOf(risk),
      ...toJsonColumns(bodyOf(risk)),
    };
  }
}

const q = (s: string) => s.replace(/'/g, "''");
