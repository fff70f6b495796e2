/**
 * Long text over several string properties of one entity.
 *
 * A string property in Table Storage holds at most 64 KiB (32K UTF-16 units), while an entity may hold
 * 1 MiB, so a long JSON value (a risk with twenty mitigations, an alert's timeline, a queued card) is
 * split over `<name>0`, `<name>1`, ... with the number of parts in a count column. This is the one codec
 * every repository uses; each keeps the column names it has always written.
 */

/** Characters per column: under the 32K limit, with room to spare. */
export const CHUNK_CHARS = 30_000;

/** Where the parts go: `<name>0`, `<name>1`, ... and the count column (`<name>Chunks` unless named). */
export interface ChunkLayout {
  name: string;
  /** The column holding the number of parts; `null` writes none (the parts are read until one is missing). */
  countColumn?: string | null;
}

export type ChunkedColumns = Record<string, string | number>;

const countColumnOf = ({ name, countColumn }: ChunkLayout): string | null =>
  countColumn === undefined ? `${name}Chunks` : countColumn;

/**
 * The columns holding `text`: always at least one part (an empty text is one empty part). With `maxChunks`,
 * a text needing more parts throws rather than writing a row that cannot be read back whole.
 */
export function toChunkColumns(
  text: string,
  layout: ChunkLayout,
  maxChunks = Number.POSITIVE_INFINITY,
): ChunkedColumns {
  const parts = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
  if (parts > maxChunks)
    throw new Error(
      `${text.length} characters need ${parts} columns of ${layout.name}; at most ${maxChunks} fit`,
    );
  const columns: ChunkedColumns = {};
  for (let i = 0; i < parts; i++)
    columns[`${layout.name}${i}`] = text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  const count = countColumnOf(layout);
  if (count !== null) columns[count] = parts;
  return columns;
}

/**
 * The text the columns hold, joined in order. Without a count (a row written without one), the parts are
 * read from `<name>0` on until one is missing.
 */
export function fromChunkColumns(row: Record<string, unknown>, layout: ChunkLayout): string {
  const count = countColumnOf(layout);
  const stated = count === null ? undefined : row[count];
  let text = '';
  if (stated !== undefined && stated !== null) {
    const parts = Number(stated);
    for (let i = 0; i < parts; i++) text += String(row[`${layout.name}${i}`] ?? '');
    return text;
  }
  for (let i = 0; typeof row[`${layout.name}${i}`] === 'string'; i++)
    text += row[`${layout.name}${i}`] as string;
  return text;
}

/** A value as JSON over the layout's columns. */
export const toJsonChunkColumns = (value: unknown, layout: ChunkLayout): ChunkedColumns =>
  toChunkColumns(JSON.stringify(value), layout);

/** The value whose JSON the layout's columns hold. */
export const fromJsonChunkColumns = <T>(row: Record<string, unknown>, layout: ChunkLayout): T =>
  JSON.parse(fromChunkColumns(row, layout)) as T;
