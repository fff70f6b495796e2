import type { ExportFormat, ExportKind, ExportRange } from './export-request';

/** How long a signed export link works after it is made: long enough to open, too short to pass on. */
export const EXPORT_LINK_LIFETIME_MS = 5 * 60_000;

/**
 * A one-time export link: who asked (their Entra object id, from their tab token), for what, and when. The
 * token that names it is never kept, only its hash (src/app/exports.ts).
 */
export interface ExportLink {
  memberId: string;
  kind: ExportKind;
  format: ExportFormat;
  range?: ExportRange;
  /** The board pack's quarter (`2026-Q3`). */
  quarter?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; set once the file has been served. */
  usedAt?: string;
}

/** What a link is now: it works once, within its lifetime. */
export type ExportLinkState = 'valid' | 'used' | 'expired';

export function exportLinkState(link: ExportLink, now: Date): ExportLinkState {
  if (link.usedAt) return 'used';
  return now.getTime() - Date.parse(link.createdAt) > EXPORT_LINK_LIFETIME_MS ? 'expired' : 'valid';
}

/** When the link stops working (ISO 8601). */
export const exportLinkExpiresAt = (link: Pick<ExportLink, 'createdAt'>): string =>
  new Date(Date.parse(link.createdAt) + EXPORT_LINK_LIFETIME_MS).toISOString();
