import { fromJsonChunkColumns, toJsonChunkColumns, type ChunkLayout } from './chunked-columns';

/**
 * A risk with a long description and twenty mitigations, or an edit event holding the old and new text,
 * can pass the 32K characters a string property holds, so risks, decisions and audit entries keep their
 * JSON over `json0`, `json1`, ... with the count in `jsonParts` (the shared codec in chunked-columns.ts).
 */
const JSON_LAYOUT: ChunkLayout = { name: 'json', countColumn: 'jsonParts' };

export type JsonColumns = Record<`json${number}`, string> & { jsonParts: number };

export function toJsonColumns(value: unknown): JsonColumns {
  return toJsonChunkColumns(value, JSON_LAYOUT) as JsonColumns;
}

export function fromJsonColumns<T>(row: Record<string, unknown>): T {
  return fromJsonChunkColumns<T>(row, JSON_LAYOUT);
}
