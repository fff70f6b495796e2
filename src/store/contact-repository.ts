import type { ContactRepository } from '../app/contacts';
import {
  DEFAULT_TEXT_AFTER_MINUTES,
  type ContactDetails,
  type TextAfter,
} from '../domain/people/contact';
import { encodeKey } from './keys';
import { getOrUndefined, isNotFound, listPartition, type TableStore } from './tables';

/*
 * Key layout
 *   Contacts  PK 'contact'  RK member's Entra object id (a GUID, lower case)
 *             mobile (+44...), email, textAfterMinutes ('off' or minutes), emailCopy, updatedAt, updatedBy
 * A table of its own, not columns on the member row: the member row is rewritten by admins (role,
 * organisation) and by every message (Teams id), and contact details are the member's own. One partition:
 * CTAC has tens to hundreds of members, and leads list who has no number.
 */
export const CONTACT_TABLE = 'Contacts';
const CONTACT_PARTITION = 'contact';

interface ContactRow {
  memberId: string;
  mobile: string;
  email: string;
  textAfterMinutes: string;
  emailCopy: boolean;
  updatedAt: string;
  updatedBy: string;
}

export class TableContactRepository implements ContactRepository {
  constructor(private readonly store: TableStore) {}

  private get client() {
    return this.store.table(CONTACT_TABLE);
  }

  async get(memberId: string): Promise<ContactDetails | undefined> {
    const row = await getOrUndefined<ContactRow>(
      this.client,
      CONTACT_PARTITION,
      encodeKey(memberId.toLowerCase()),
    );
    return row && toContact(row);
  }

  async put(details: ContactDetails): Promise<void> {
    const row: ContactRow = {
      memberId: details.memberId.toLowerCase(),
      mobile: details.mobile ?? '',
      email: details.email ?? '',
      textAfterMinutes: String(details.preferences.textAfterMinutes),
      emailCopy: details.preferences.emailCopy,
      updatedAt: details.updatedAt,
      updatedBy: details.updatedBy,
    };
    // Only the member writes their own row, so the last save wins.
    await this.client.upsertEntity(
      { partitionKey: CONTACT_PARTITION, rowKey: encodeKey(row.memberId), ...row },
      'Replace',
    );
  }

  async remove(memberId: string): Promise<void> {
    await this.client
      .deleteEntity(CONTACT_PARTITION, encodeKey(memberId.toLowerCase()))
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }

  async list(): Promise<ContactDetails[]> {
    return (await listPartition<ContactRow>(this.client, CONTACT_PARTITION)).map(toContact);
  }
}

function toContact(row: ContactRow): ContactDetails {
  return {
    memberId: row.memberId,
    ...(row.mobile ? { mobile: row.mobile } : {}),
    ...(row.email ? { email: row.email } : {}),
    preferences: {
      teamsAtOnce: true,
      textAfterMinutes: textAfter(row.textAfterMinutes),
      emailCopy: !!row.emailCopy,
    },
    updatedAt: row.updatedAt ?? '',
    updatedBy: row.updatedBy ?? '',
  };
}

function textAfter(value: string | undefined): TextAfter {
  if (value === 'off') return 'off';
  const minutes = Number(value);
  return Number.isInteger(minutes) && minutes > 0 ? minutes : DEFAULT_TEXT_AFTER_MINUTES;
}
