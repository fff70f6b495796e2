import {
  mergeAlertWeekSummaries,
  type AlertWeekSummary,
  type SortedTimes,
} from '../domain/figures';
import type { SeverityRank } from '../domain/alerts/severity';
import { fromChunkColumns, toChunkColumns, type ChunkLayout } from './chunked-columns';

/*
 * The summary kept beside the entries of each kept alert figure row (src/store/alert-figures.ts has the key
 * layout): `summary`, JSON { <quarter raised>: { <severity>: [ack, resolve] } }, each the sorted ms as
 * differences from the one before, and what an instance keeps of the summaries it has read.
 */

/** A figure row as a query gives it. */
export type FigureRow = Record<string, unknown> & { rowKey?: string; etag?: string };

const SUMMARY: ChunkLayout = { name: 'summary' };
/** Columns a summary may take: a row of more would be past the 1 MiB of an entity anyway. */
const MAX_SUMMARY_CHUNKS = 16;
/** The columns a row's summary is read from. */
export const SUMMARY_COLUMNS = [
  'RowKey',
  `${SUMMARY.name}Chunks`,
  ...Array.from({ length: MAX_SUMMARY_CHUNKS }, (_, i) => `${SUMMARY.name}${i}`),
];
/** The columns saying which rows a range holds and whether each has its summary. */
export const KEY_COLUMNS = ['RowKey', `${SUMMARY.name}Chunks`];
/**
 * Weeks whose decoded summaries an instance keeps: five quarters. Each time takes 8 bytes, twice (its row's
 * and its week's merged list): 1.6 MB a quarter of 50,000 settled alerts, the bench's full size.
 */
const KEPT_WEEKS = 70;

/** Ascending whole ms as the differences from the one before (short numbers: a row stays small). */
const toDifferences = (sorted: readonly number[]): number[] =>
  sorted.map((v, i) => (i ? v - sorted[i - 1]! : v));

function fromDifferences(differences: readonly number[]): number[] {
  const out = new Array<number>(differences.length);
  let at = 0;
  for (let i = 0; i < differences.length; i++) out[i] = at += differences[i]!;
  return out;
}

type StoredSummary = Record<string, Partial<Record<SeverityRank, [number[], number[]]>>>;

/** The columns holding a row's summary. */
export const summaryColumns = (summary: AlertWeekSummary) =>
  toChunkColumns(
    JSON.stringify(
      Object.fromEntries(
        Object.entries(summary).map(([quarter, bySeverity]) => [
          quarter,
          Object.fromEntries(
            Object.entries(bySeverity).map(([severity, t]) => [
              severity,
              [toDifferences(t.ack), toDifferences(t.res)],
            ]),
          ),
        ]),
      ),
    ),
    SUMMARY,
  );

/** The summary a row's columns hold (see hasSummary). */
const summaryOf = (row: FigureRow): AlertWeekSummary =>
  Object.fromEntries(
    Object.entries(JSON.parse(fromChunkColumns(row, SUMMARY)) as StoredSummary).map(
      ([quarter, bySeverity]) => [
        quarter,
        Object.fromEntries(
          Object.entries(bySeverity).map(([severity, [ack, res]]): [string, SortedTimes] => [
            severity,
            { ack: fromDifferences(ack), res: fromDifferences(res) },
          ]),
        ),
      ],
    ),
  );

/** False for a row kept without a summary (retention took an alert out of it, or an older version). */
export const hasSummary = (row: FigureRow): boolean =>
  row[`${SUMMARY.name}Chunks`] !== undefined && row[`${SUMMARY.name}Chunks`] !== null;

interface KeptRow {
  etag: string;
  summary: AlertWeekSummary;
}

/**
 * The week summaries this instance has read, each with its rows' ETags and decoded summaries: a row whose
 * ETag is unchanged holds what was read, so only changed rows are read and decoded again, and a week is
 * merged again only when one of its rows changed. Every read checks the ETags first, so another instance's
 * writes are seen as soon as they are made: this saves work, never freshness.
 */
export class KeptSummaries {
  /** By week, least recently read first: its rows by key, and their summaries merged (for `etags`). */
  private readonly weeks = new Map<
    string,
    { rows: Map<string, KeptRow>; etags: string; summary: AlertWeekSummary }
  >();

  /** True when the row of the week is kept at the ETag the keys query gave. */
  has(weekOf: string, row: FigureRow): boolean {
    return !!row.etag && this.weeks.get(weekOf)?.rows.get(row.rowKey ?? '')?.etag === row.etag;
  }

  /**
   * The week's summary from its rows as the keys query gave them: each kept row's, or the one just read
   * (which may be newer than its key row: written meanwhile), merged once for each set of ETags.
   * Undefined when a row read has lost its summary meanwhile (retention): the week is read whole.
   */
  week(
    weekOf: string,
    keyRows: readonly FigureRow[],
    read: ReadonlyMap<string, FigureRow>,
  ): AlertWeekSummary | undefined {
    const rows = new Map<string, KeptRow>();
    for (const key of keyRows) {
      const rowKey = key.rowKey ?? '';
      const fresh = read.get(rowKey);
      if (fresh && !hasSummary(fresh)) return undefined;
      if (fresh) rows.set(rowKey, { etag: fresh.etag ?? '', summary: summaryOf(fresh) });
      // Not read: kept at its ETag, or deleted since the keys were read (then left out).
      else if (this.has(weekOf, key)) rows.set(rowKey, this.weeks.get(weekOf)!.rows.get(rowKey)!);
    }
    const etags = [...rows].map(([rowKey, { etag }]) => `${rowKey} ${etag}`).join('\n');
    const held = this.weeks.get(weekOf);
    this.weeks.delete(weekOf);
    const summary =
      held?.etags === etags
        ? held.summary
        : mergeAlertWeekSummaries([...rows.values()].map((r) => r.summary));
    this.weeks.set(weekOf, { rows, etags, summary });
    return summary;
  }

  /** Forgets the weeks least recently read beyond KEPT_WEEKS (never one of `reading`). */
  keepOnly(reading: Iterable<string>): void {
    const now = new Set(reading);
    for (const weekOf of [...this.weeks.keys()]) {
      if (this.weeks.size <= KEPT_WEEKS) break;
      if (!now.has(weekOf)) this.weeks.delete(weekOf);
    }
  }
}
