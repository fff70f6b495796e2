import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import { ExpiringMap, SharedLoad } from './cached-value';
import type { MemberRepository } from './ports';

/** How long the whole list of members, once read, serves callers (see `list`). */
export const MEMBER_LIST_REUSE_MS = 1_000;

/**
 * Member look-ups remembered briefly: every Teams action starts by finding who pressed it, and that
 * read need not reach Table Storage each time. A change made through this repository updates the
 * cache at once; a change made by another instance shows here within `ttlMs`. Only people found are
 * remembered, so someone just added is never refused from a stale "not a member".
 */
export class CachedMemberRepository implements MemberRepository {
  private readonly cache: ExpiringMap<Member>;
  /**
   * The whole list, shared by callers while it loads and for a second after (a storm pages many
   * alerts a second, each step asking who the leads are).
   */
  private readonly listing: SharedLoad<Member[]>;

  constructor(
    private readonly inner: MemberRepository,
    clock: Clock,
    ttlMs = 10_000,
    listMs = MEMBER_LIST_REUSE_MS,
  ) {
    this.cache = new ExpiringMap(clock, ttlMs);
    this.listing = new SharedLoad({ clock, ms: listMs });
  }

  async get(aadObjectId: string): Promise<Member | undefined> {
    const key = aadObjectId.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const member = await this.inner.get(aadObjectId);
    if (member) this.cache.set(key, member);
    else this.cache.delete(key);
    return member;
  }

  list(): Promise<Member[]> {
    return this.listing.get(() => this.inner.list());
  }

  async put(member: Member): Promise<void> {
    this.cache.delete(member.aadObjectId.toLowerCase());
    this.listing.invalidate();
    await this.inner.put(member);
    this.cache.delete(member.aadObjectId.toLowerCase());
    this.listing.invalidate();
  }

  async remove(aadObjectId: string): Promise<void> {
    this.cache.delete(aadObjectId.toLowerCase());
    this.listing.invalidate();
    await this.inner.remove(aadObjectId);
    this.cache.delete(aadObjectId.toLowerCase());
    this.listing.invalidate();
  }
}
