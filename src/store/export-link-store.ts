import { odata } from '@azure/data-tables';
import type { ExportLinkStore, StoredExportLink } from '../app/exports';
import type { Conditional } from '../app/ports';
import type { ExportLink } from '../domain/exports/export-link';
import {
  EXPORT_FORMATS,
  EXPORT_KINDS,
  type ExportFormat,
  type ExportKind,
} from '../domain/exports/export-request';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { deleteMatching, getOrUndefined, type TableStore } from './tables';

/*
 * Key layout
 *   ExportLinks  PK SHA-256 of the link's token (64 lower-case hex digits)  RK 'link'
 *                memberId (Entra object id of who asked), kind, format, rangeFrom, rangeTo ('' for the
 *                registers), createdAt, usedAt ('' until the file is served)
 * The token itself is never stored, so reading the table downloads nothing. One partition a link, read only
 * by its hash; serving it is a conditional replace on the row's ETag, so two clicks (or two instances) serve
 * it once. Old links go by a scan on createdAt (the clean-up job): the table holds a day of links at most.
 */
export const EXPORT_LINK_TABLE = 'ExportLinks';
const ROW = 'link';

interface ExportLinkRow {
  memberId: string;
  kind: string;
  format: string;
  rangeFrom: string;
  rangeTo: string;
  /** The board pack's quarter; absent on other links. */
  quarter?: string;
  createdAt: string;
  usedAt: string;
}

export class TableExportLinkStore implements ExportLinkStore {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(EXPORT_LINK_TABLE);
  }

  async create(tokenHash: string, link: ExportLink): Promise<Conditional<void>> {
    const created = await insertIfAbsent(this.client, entity(tokenHash, link));
    return created.ok ? { ok: true, value: undefined } : created;
  }

  async get(tokenHash: string): Promise<StoredExportLink | undefined> {
    const row = await getOrUndefined<ExportLinkRow>(this.client, checked(tokenHash), ROW);
    const link = row && toLink(row);
    return link && { link, etag: row.etag };
  }

  replace(tokenHash: string, link: ExportLink, etag: string): Promise<Conditional<string>> {
    return replaceIfUnchanged(this.client, entity(tokenHash, link), etag);
  }

  async removeCreatedBefore(createdBefore: string): Promise<number> {
    return deleteMatching(this.client, odata`RowKey eq ${ROW} and createdAt lt ${createdBefore}`);
  }
}

const HASH = /^[0-9a-f]{64}$/;

/** Only a hash ever becomes a key here; anything else is a bug in the caller. */
function checked(tokenHash: string): string {
  if (!HASH.test(tokenHash)) throw new Error('An export link is stored only by its hash.');
  return tokenHash;
}

function entity(tokenHash: string, link: ExportLink) {
  const row: ExportLinkRow = {
    memberId: link.memberId,
    kind: link.kind,
    format: link.format,
    rangeFrom: link.range?.from ?? '',
    rangeTo: link.range?.to ?? '',
    ...(link.quarter && { quarter: link.quarter }),
    createdAt: link.createdAt,
    usedAt: link.usedAt ?? '',
  };
  return { partitionKey: checked(tokenHash), rowKey: ROW, ...row };
}

/** A row this version cannot read (a kind since removed) is no link at all. */
function toLink(row: ExportLinkRow): ExportLink | undefined {
  if (!EXPORT_KINDS.includes(row.kind as ExportKind)) return undefined;
  if (!EXPORT_FORMATS.includes(row.format as ExportFormat)) return undefined;
  return {
    memberId: row.memberId,
    kind: row.kind as ExportKind,
    format: row.format as ExportFormat,
    ...(row.rangeFrom && row.rangeTo && { range: { from: row.rangeFrom, to: row.rangeTo } }),
    ...(row.quarter && { quarter: row.quarter }),
    createdAt: row.createdAt,
    ...(row.usedAt && { usedAt: row.usedAt }),
  };
}
