import type { Member, Role } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';
import { systemClock, type Clock } from '../domain/shared/clock';
import type {
  Conditional,
  ConversationRepository,
  MemberRepository,
  OrganisationRepository,
  SavedConversation,
} from '../app/ports';
import { insertIfAbsent } from './conditional';
import { encodeKey } from './keys';
import { getOrUndefined, isNotFound, listPartition, TABLES, type TableStore } from './tables';

/*
 * Key layout
 *   Organisations  PK 'org'           RK encodeKey(code)
 *   Members        PK 'member'        RK aadObjectId (a GUID, lower case)
 *                  PK 'left'          RK aadObjectId        a removed member: name kept, removedAt
 *   Conversations  PK kind            RK encodeKey(conversation id)      reference kept as JSON
 *                  PK 'once'          RK encodeKey(key)                  "this happened" markers
 * Organisations and members are small (tens to hundreds), so one partition each is right.
 */
const ORG_PARTITION = 'org';
const MEMBER_PARTITION = 'member';
/** Removed members: not members any more (nothing reads this partition to authorise), their names kept. */
const LEFT_PARTITION = 'left';
const ONCE_PARTITION = 'once';
const SETTING_PARTITION = 'setting';
const CYBER_CHANNEL_ROW = 'cyberChannel';

type OrgRow = Omit<Organisation, never>;

export class TableOrganisationRepository implements OrganisationRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(TABLES.organisations);
  }
  async get(code: string): Promise<Organisation | undefined> {
    const row = await getOrUndefined<OrgRow>(this.client, ORG_PARTITION, encodeKey(code));
    return row && toOrg(row);
  }
  async list(): Promise<Organisation[]> {
    return (await listPartition<OrgRow>(this.client, ORG_PARTITION)).map(toOrg);
  }
  async create(org: Organisation): Promise<Conditional<Organisation>> {
    const res = await insertIfAbsent(this.client, {
      partitionKey: ORG_PARTITION,
      rowKey: encodeKey(org.code),
      ...org,
    });
    return res.ok ? { ok: true, value: org } : res;
  }
  async put(org: Organisation): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: ORG_PARTITION, rowKey: encodeKey(org.code), ...org },
      'Replace',
    );
  }
  async remove(code: string): Promise<void> {
    try {
      await this.client.deleteEntity(ORG_PARTITION, encodeKey(code));
    } catch (e) {
      // Another admin removed it first.
      if (!isNotFound(e)) throw e;
    }
  }
}

const toOrg = (row: OrgRow): Organisation => ({
  code: row.code,
  name: row.name,
  isOes: !!row.isOes,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
});

type MemberRow = Omit<Member, 'teamsUserId'> & { teamsUserId?: string };

/** A member who was removed: their name is kept, so what they did still reads with it. */
export interface RemovedMember {
  aadObjectId: string;
  name: string;
  removedAt: string;
}

export class TableMemberRepository implements MemberRepository {
  constructor(
    private readonly store: TableStore,
    /** When a removal happened (the app's clock, so tests and the audit log agree). */
    private readonly clock: Clock = systemClock,
  ) {}
  private get client() {
    return this.store.table(TABLES.members);
  }
  async get(aadObjectId: string): Promise<Member | undefined> {
    const row = await getOrUndefined<MemberRow>(
      this.client,
      MEMBER_PARTITION,
      encodeKey(aadObjectId.toLowerCase()),
    );
    return row && toMember(row);
  }
  async list(): Promise<Member[]> {
    return (await listPartition<MemberRow>(this.client, MEMBER_PARTITION)).map(toMember);
  }
  async put(member: Member): Promise<void> {
    const { teamsUserId, ...rest } = member;
    await this.client.upsertEntity(
      {
        partitionKey: MEMBER_PARTITION,
        rowKey: encodeKey(member.aadObjectId.toLowerCase()),
        ...rest,
        teamsUserId: teamsUserId ?? '',
      },
      'Replace',
    );
  }
  /**
   * Takes the member out: their row moves to the 'left' partition (kept, with their name, so what they
   * did still reads with it) and the member row goes, so every check of who they are refuses them.
   */
  async remove(aadObjectId: string): Promise<void> {
    const key = encodeKey(aadObjectId.toLowerCase());
    const row = await getOrUndefined<MemberRow>(this.client, MEMBER_PARTITION, key);
    if (row) {
      const {
        etag: _etag,
        timestamp: _timestamp,
        ...kept
      } = row as MemberRow & {
        etag?: string;
        timestamp?: string;
      };
      await this.client.upsertEntity(
        {
          ...kept,
          partitionKey: LEFT_PARTITION,
          rowKey: key,
          removedAt: this.clock.now().toISOString(),
        },
        'Replace',
      );
    }
    try {
      await this.client.deleteEntity(MEMBER_PARTITION, key);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  /** A removed member's kept row (never read to authorise: only to say they were removed, and when). */
  async getRemoved(aadObjectId: string): Promise<RemovedMember | undefined> {
    const row = await getOrUndefined<MemberRow & { removedAt?: string }>(
      this.client,
      LEFT_PARTITION,
      encodeKey(aadObjectId.toLowerCase()),
    );
    return row && { aadObjectId: row.aadObjectId, name: row.name, removedAt: row.removedAt ?? '' };
  }
}

const toMember = (row: MemberRow): Member => ({
  aadObjectId: row.aadObjectId,
  name: row.name,
  upn: row.upn ?? '',
  orgCode: row.orgCode ?? '',
  role: row.role as Role,
  teamsUserId: row.teamsUserId || undefined,
  addedAt: row.addedAt,
  addedBy: row.addedBy,
});

interface ConversationRow {
  kind: SavedConversation['kind'];
  id: string;
  teamId: string;
  aadGroupId?: string;
  name: string;
  reference: string;
  updatedAt: string;
}

export class TableConversationRepository implements ConversationRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(TABLES.conversations);
  }
  async save(c: SavedConversation): Promise<void> {
    await this.client.upsertEntity(
      {
        partitionKey: c.kind,
        rowKey: encodeKey(c.id),
        kind: c.kind,
        id: c.id,
        teamId: c.teamId ?? '',
        // Not every activity carries the team's group id: one that does not keeps the one known (Merge).
        ...(c.aadGroupId && { aadGroupId: c.aadGroupId }),
        name: c.name ?? '',
        reference: JSON.stringify(c.reference),
        updatedAt: c.updatedAt,
      },
      'Merge',
    );
  }
  async get(kind: SavedConversation['kind'], id: string): Promise<SavedConversation | undefined> {
    const row = await getOrUndefined<ConversationRow>(this.client, kind, encodeKey(id));
    return row && toConversation(row);
  }
  async list(kind: SavedConversation['kind']): Promise<SavedConversation[]> {
    return (await listPartition<ConversationRow>(this.client, kind)).map(toConversation);
  }
  async cyberChannel(): Promise<SavedConversation | undefined> {
    const chosen = await getOrUndefined<{ channelId: string }>(
      this.client,
      SETTING_PARTITION,
      CYBER_CHANNEL_ROW,
    );
    const channel = chosen && (await this.get('channel', chosen.channelId));
    if (channel) return channel;
    const channels = await this.list('channel');
    return channels.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  }
  async chooseCyberChannel(
    channelId: string,
    at: string,
    opts: { onlyIfUnset?: boolean } = {},
  ): Promise<void> {
    const row = { partitionKey: SETTING_PARTITION, rowKey: CYBER_CHANNEL_ROW, channelId, at };
    if (opts.onlyIfUnset) await insertIfAbsent(this.client, row);
    else await this.client.upsertEntity(row, 'Replace');
  }
  async markOnce(key: string, at: string): Promise<boolean> {
    return (
      await insertIfAbsent(this.client, {
        partitionKey: ONCE_PARTITION,
        rowKey: encodeKey(key),
        key,
        at,
      })
    ).ok;
  }
}

const toConversation = (row: ConversationRow): SavedConversation => ({
  kind: row.kind,
  id: row.id,
  teamId: row.teamId || undefined,
  aadGroupId: row.aadGroupId || undefined,
  name: row.name || undefined,
  reference: JSON.parse(row.reference),
  updatedAt: row.updatedAt,
});
