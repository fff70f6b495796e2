import { odata } from '@azure/data-tables';
import type { AckLinkStore, StoredAckLink } from '../app/alerts/ack-links';
import type { Conditional } from '../app/ports';
import type { AckChannel, AckLink } from '../domain/alerts/ack-link';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { deleteMatching, getOrUndefined, type TableStore } from './tables';

/*
 * Key layout
 *   AckLinks  PK SHA-256 of the link's token (64 lower-case hex digits)  RK 'link'
 *             memberId (Entra object id), alertId, channel ('sms' | 'email'), createdAt, usedAt ('' until used)
 * The token itself is never stored, so reading the table gives nothing that acknowledges. One partition a
 * link: links are only ever read by their hash, and never listed. Using a link is a conditional replace on
 * the row's ETag, so two presses, or two instances, use it once. Old links are deleted by a scan on
 * createdAt (the clean-up job, hourly), and a leaver's links by a scan on memberId: the only queries across
 * partitions, and the table stays small.
 */
export const ACK_LINK_TABLE = 'AckLinks';
const ROW = 'link';

interface AckLinkRow {
  memberId: string;
  alertId: string;
  channel: string;
  createdAt: string;
  usedAt: string;
}

export class TableAckLinkStore implements AckLinkStore {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(ACK_LINK_TABLE);
  }

  async create(tokenHash: string, link: AckLink): Promise<Conditional<void>> {
    const created = await insertIfAbsent(this.client, entity(tokenHash, link));
    return created.ok ? { ok: true, value: undefined } : created;
  }

  async get(tokenHash: string): Promise<StoredAckLink | undefined> {
    const row = await getOrUndefined<AckLinkRow>(this.client, checked(tokenHash), ROW);
    return row && { link: toLink(row), etag: row.etag };
  }

  replace(tokenHash: string, link: AckLink, etag: string): Promise<Conditional<string>> {
    return replaceIfUnchanged(this.client, entity(tokenHash, link), etag);
  }

  /**
   * Deletes every link issued to a person (they left CTAC): a link already texted or emailed to them then
   * opens the "not valid" page. A scan on memberId, like the clean-up's: leavers are rare, the table small.
   */
  async removeForMember(memberId: string): Promise<number> {
    return deleteMatching(
      this.client,
      odata`RowKey eq ${ROW} and memberId eq ${memberId.toLowerCase()}`,
    );
  }

  async removeIssuedBefore(createdBefore: string): Promise<number> {
    return deleteMatching(this.client, odata`RowKey eq ${ROW} and createdAt lt ${createdBefore}`);
  }
}

const HASH = /^[0-9a-f]{64}$/;

/** Only a hash ever becomes a key here; anything else is a bug in the caller. */
function checked(tokenHash: string): string {
  if (!HASH.test(tokenHash)) throw new Error('An acknowledge link is stored only by its hash.');
  return tokenHash;
}

function entity(tokenHash: string, link: AckLink) {
  const row: AckLinkRow = {
    memberId: link.memberId,
    alertId: link.alertId,
    channel: link.channel,
    createdAt: link.createdAt,
    usedAt: link.usedAt ?? '',
  };
  return { partitionKey: checked(tokenHash), rowKey: ROW, ...row };
}

function toLink(row: AckLinkRow): AckLink {
  return {
    memberId: row.memberId,
    alertId: row.alertId,
    channel: (row.channel === 'email' ? 'email' : 'sms') satisfies AckChannel,
    createdAt: row.createdAt,
    ...(row.usedAt ? { usedAt: row.usedAt } : {}),
  };
}
