/**
 * A string property in Table Storage holds at most 64 KiB (32K UTF-16 units). A risk with a long description
 * and twenty mitigations, or an edit event holding the old and new text, can pass that, so JSON is split
 * over `json0`, `json1`, ... properties (an entity may hold 1 MiB).
 */
const CHUNK = 30_000;

export type JsonColumns = Record<`json${number}`, string> & { jsonParts: number };

export function toJsonColumns(value: unknown): JsonColumns {
  const text = JSON.stringify(value);
  const columns: Record<string, string | number> = {};
  let parts = 0;
  for (let i = 0; i < text.length || parts === 0; i += CHUNK)
    columns[`json${parts++}`] = text.slice(i, i + CHUNK);
  columns['jsonParts'] = parts;
  return columns as JsonColumns;
}

export function fromJsonColumns<T>(row: Record<string, unknown>): T {
  const parts = Number(row['jsonParts'] ?? 0);
  let text = '';
  for (let i = 0; i < parts; i++) text += String(row[`json${i}`] ?? '');
  return JSON.parse(text) as T;
}
