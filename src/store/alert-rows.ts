/*
 * The Alerts table's row layout: its keys and partitions, the rows the alert repository
 * (src/store/alert-repository.ts) writes, how much of a timeline stays in the alert row, and the ETag
 * it hands out.
 */
import {
  dedupKeyOf,
  isOpen,
  type Alert,
  type AlertEvent,
  type AlertSummary,
  type AlertTimes,
} from '../domain/alerts';
import { ALERT_VIEW_TABLE } from './alert-views';
import { toChunkColumns, type ChunkLayout } from './chunked-columns';
import { encodeKey } from './keys';

/*
 * Key layout of the Alerts table
 *
 *   PK encodeKey('<source>:<dedupKey>')   RK the same value    the alert: its content as JSON in `body`, and
 *                                                              its timeline as JSON in `timeline`
 *                                          RK 'event-000001'    older timeline events of a long-lived alert
 *   PK '~id'                               RK encodeKey(id)     alert id -> its partition (ids are CTAC's own)
 *   PK '~open'                             RK <alert partition> one row per alert that may be open
 *   PK '~week_<Monday>'                    RK <alert partition> the alerts raised that week (UTC); once
 *                                                              resolved, its raised/acknowledged/resolved times
 *
 * What the tab's alert routes read is kept in a table of its own, AlertViews (src/store/alert-views.ts): each
 * open alert's summary, and the resolved alerts' times by the day they were raised. The alert repository
 * writes those rows after each change it commits; `backfillViews` (run at start) makes any a crash left
 * undone.
 *
 * The alert partition is named by what makes an alert unique (source and dedup key), so creating the
 * alert row IS the dedup claim: a second create for the same source and key fails (409), whoever
 * sends it. The row's key repeats the partition's rather than being one word for every alert: Azurite
 * (local runs and tests) finds a row by its row key first and then looks through every row with that
 * key, so a shared 'alert' made each read and write of an alert go through all of them (about 1 ms
 * of its CPU at 3,000 alerts; Table Storage itself does not care).
 * The alert row holds the alert and its whole timeline, so reading an alert is one point read, and a
 * change (the new state and its timeline event together) is one write on the row's ETag: the audit
 * trail can never disagree with the state. Should an alert's timeline outgrow the row (hundreds of long
 * notes), its oldest events move to 'event-' rows, in the same transaction as the change that moves
 * them; `archived` counts them (events with seq below it are in rows, the rest in the alert row).
 *
 * The index partitions cannot join that write (a transaction is one partition), so they are
 * written to be safe when left behind by a crash:
 *   - '~id' rows are claimed before the create; an orphan points at a partition whose alert has another
 *     id (or none), and `get` checks the id it finds.
 *   - '~open' rows are written before the create and removed after the alert is resolved; the jobs
 *     reading them read each alert before acting.
 *   - AlertViews rows are written after the change commits (so none names an alert that does not exist);
 *     an open row is replaced, never made, by a later change, so a late write cannot bring back a resolved
 *     alert. A crash between a commit and its view rows is followed by a start, whose backfill repairs them.
 * Id -> partition never changes once written, so it is cached in memory.
 *
 * The ETag handed out is `a<archived>.<event count>|<entity ETag>`: the next change needs to know which
 * events are already in rows and which are new, and the counts travel with the ETag so the caller
 * never has to.
 */
export const ALERT_TABLES = { alerts: 'Alerts', views: ALERT_VIEW_TABLE } as const;

/** The key of the alert row in its partition. */
export const alertRow = (partition: string) => partition;
export const ID_PARTITION = '~id';
export const OPEN_PARTITION = '~open';
/** One partition per week alerts were raised in (UTC, from Monday): the tab's weekly figures. */
export const WEEK_MS = 7 * 86_400_000;
const MONDAY_EPOCH_OFFSET = 4 * 86_400_000; // 1 Jan 1970 was a Thursday
export const weekPartition = (at: string | Date): string => {
  const ms = new Date(at).getTime();
  const monday = ms - ((((ms - MONDAY_EPOCH_OFFSET) % WEEK_MS) + WEEK_MS) % WEEK_MS);
  return `~week_${new Date(monday).toISOString().slice(0, 10)}`;
};
/** A new alert's row in the open index, not yet posted to the channel. */
export const openEntity = (partition: string, alert: Alert) => ({
  partitionKey: OPEN_PARTITION,
  rowKey: partition,
  alertId: alert.id,
  raisedAt: alert.raisedAt,
  posted: false,
});

/** A row of a week partition: the alert, and once it is resolved for good, its times. */
export interface WeekRow {
  rowKey?: string;
  alertId: string;
  raisedAt?: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
}

/** The times a resolved alert's week row keeps; undefined while it holds none (open, or a crash). */
export const weekRowTimes = (row: WeekRow): AlertTimes | undefined =>
  row.resolvedAt && row.raisedAt
    ? {
        id: row.alertId,
        raisedAt: row.raisedAt,
        acknowledgedAt: row.acknowledgedAt || undefined,
        resolvedAt: row.resolvedAt,
      }
    : undefined;

export const weekEntity = (partition: string, alert: AlertSummary) => ({
  partitionKey: weekPartition(alert.raisedAt),
  rowKey: partition,
  alertId: alert.id,
  raisedAt: alert.raisedAt,
  ...(isOpen(alert) || !alert.resolvedAt
    ? {}
    : { acknowledgedAt: alert.acknowledgedAt ?? '', resolvedAt: alert.resolvedAt }),
});

const eventRow = (seq: number) => `event-${String(seq).padStart(6, '0')}`;
/**
 * The most timeline JSON kept in the alert row (an entity holds at most 1 MiB, 2 bytes a character):
 * past it, the oldest events move to their own rows. About 80 of the longest notes, or 1,000 plain
 * events.
 */
export const INLINE_TIMELINE_MAX = 200_000;
/** Events moved to rows in one change, at most (a transaction holds 100 actions). */
const MAX_MOVED = 99;

/** The partition of the alert with this source and dedup key. */
export const alertPartition = (source: Alert['source'], dedupKey: string): string =>
  encodeKey(`${source}:${dedupKeyOf(source, dedupKey)}`);

/** Long JSON is split over columns (see chunked-columns.ts): the alert or event, and the inline timeline. */
export const BODY: ChunkLayout = { name: 'body' };
export const TIMELINE: ChunkLayout = { name: 'timeline' };

export interface AlertRowExtras {
  /** Events kept in 'event-' rows (the oldest). */
  archived?: number;
}

/** The alert row: the alert, and its inline events (`inline`, the JSON of those from `archived` on). */
export const alertEntity = (
  partitionKey: string,
  rowKey: string,
  alert: Alert,
  { archived, inline }: InlineTimeline,
) => {
  const { timeline, ...rest } = alert;
  return {
    partitionKey,
    rowKey,
    // A few plain columns for people reading the table in Storage Explorer; `body` is the truth.
    id: alert.id,
    source: alert.source,
    dedupKey: alert.dedupKey,
    title: alert.title,
    state: alert.state,
    raisedAt: alert.raisedAt,
    eventCount: timeline.length,
    archived,
    ...toChunkColumns(JSON.stringify(rest), BODY),
    ...toChunkColumns(inline, TIMELINE),
  };
};

/** Which of an alert's events stay in its row (those from `archived` on), and their JSON. */
export interface InlineTimeline {
  archived: number;
  inline: string;
}

/**
 * How many of the alert's events must be in rows so the rest fit in its row: `from` (already in rows)
 * plus the oldest of the others, while they are over the limit (at most MAX_MOVED at a time; the
 * newest event always stays). The usual change moves none, and its JSON is made once.
 */
export const inlineTimeline = (timeline: AlertEvent[], from: number): InlineTimeline => {
  const inline = JSON.stringify(timeline.slice(from));
  if (inline.length <= INLINE_TIMELINE_MAX) return { archived: from, inline };
  let size = inline.length;
  let archived = from;
  while (
    size > INLINE_TIMELINE_MAX &&
    archived - from < MAX_MOVED &&
    archived < timeline.length - 1
  )
    size -= JSON.stringify(timeline[archived++]).length + 1;
  return { archived, inline: JSON.stringify(timeline.slice(archived)) };
};

export const eventEntity = (partitionKey: string, alertId: string, event: AlertEvent) => ({
  partitionKey,
  rowKey: eventRow(event.seq),
  alertId,
  kind: event.kind,
  seq: event.seq,
  at: event.at,
  actorId: event.actor.id,
  actorName: event.actor.name,
  eventSource: event.source,
  ...toChunkColumns(JSON.stringify(event), BODY),
});

export const makeEtag = (archived: number, eventCount: number, etag: string) =>
  `a${archived}.${eventCount}|${etag}`;
export const splitEtag = (
  etag: string,
): { archived: number; eventCount: number; etag: string } | undefined => {
  const match = /^a(\d{1,9})\.(\d{1,9})\|(.+)$/s.exec(etag);
  if (!match) return undefined;
  const [archived, eventCount] = [Number(match[1]), Number(match[2])];
  return archived <= eventCount ? { archived, eventCount, etag: match[3]! } : undefined;
};
