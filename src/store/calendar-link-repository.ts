import type { CalendarLinkRepository, CalendarScope } from '../app/rota/ports';
import { insertIfAbsent, replaceIfUnchanged } from './conditional';
import { encodeKey } from './keys';
import { deleteIfPresent, ROTA_TABLES } from './rota-tables';
import { getOrUndefined, type TableStore } from './tables';

/*
 * The rota's calendar feed links.
 * Key layout (RotaCalendarLinks)
 *   PK 'secret'  RK SHA-256 of the secret (hex)          -> the scope
 *   PK 'scope'   RK ('rota_' | 'member_') + member id    -> the secret's hash
 * The secret itself is never stored. A link opens only while its scope row names its hash, so replacing
 * the scope row ends the old link even if its row is left.
 */
const SECRET_PARTITION = 'secret';
const SCOPE_PARTITION = 'scope';

const scopeKey = (scope: CalendarScope) => `${scope.kind}_${encodeKey(scope.memberId)}`;

interface ScopeRow {
  secretHash: string;
}
interface SecretRow {
  scopeKind: string;
  memberId: string;
}

export class TableCalendarLinkRepository implements CalendarLinkRepository {
  constructor(private readonly store: TableStore) {}
  private get client() {
    return this.store.table(ROTA_TABLES.calendarLinks);
  }

  async create(scope: CalendarScope, secretHash: string): Promise<boolean> {
    if (await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, scopeKey(scope))) return false;
    await this.addSecret(scope, secretHash);
    const claimed = await insertIfAbsent(this.client, {
      partitionKey: SCOPE_PARTITION,
      rowKey: scopeKey(scope),
      secretHash,
    });
    if (claimed.ok) return true;
    // Someone else made this scope's link at the same moment: theirs stands, ours is withdrawn.
    await deleteIfPresent(this.client, SECRET_PARTITION, secretHash);
    return false;
  }

  async replace(scope: CalendarScope, secretHash: string): Promise<void> {
    await this.addSecret(scope, secretHash);
    // Conditional on the scope row as read, so of two resets at once each old link is ended.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, scopeKey(scope));
      const row = { partitionKey: SCOPE_PARTITION, rowKey: scopeKey(scope), secretHash };
      const saved = current
        ? await replaceIfUnchanged(this.client, row, current.etag)
        : await insertIfAbsent(this.client, row);
      if (!saved.ok) continue;
      if (current) await deleteIfPresent(this.client, SECRET_PARTITION, current.secretHash);
      return;
    }
    await deleteIfPresent(this.client, SECRET_PARTITION, secretHash);
    throw new Error('The calendar link kept changing; it was not replaced.');
  }

  async find(secretHash: string): Promise<CalendarScope | undefined> {
    const row = await getOrUndefined<SecretRow>(this.client, SECRET_PARTITION, secretHash);
    if (!row || (row.scopeKind !== 'rota' && row.scopeKind !== 'member')) return undefined;
    const scope: CalendarScope = { kind: row.scopeKind, memberId: row.memberId };
    const current = await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, scopeKey(scope));
    return current?.secretHash === secretHash ? scope : undefined;
  }

  async removeMember(memberId: string): Promise<void> {
    for (const kind of ['member', 'rota'] as const) {
      const key = scopeKey({ kind, memberId });
      const current = await getOrUndefined<ScopeRow>(this.client, SCOPE_PARTITION, key);
      if (!current) continue;
      await deleteIfPresent(this.client, SCOPE_PARTITION, key);
      await deleteIfPresent(this.client, SECRET_PARTITION, current.secretHash);
    }
  }

  private async addSecret(scope: CalendarScope, secretHash: string): Promise<void> {
    await this.client.createEntity<SecretRow>({
      partitionKey: SECRET_PARTITION,
      rowKey: secretHash,
      scopeKind: scope.kind,
      memberId: scope.memberId,
    });
  }
}
