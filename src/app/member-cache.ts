import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import type { MemberRepository } from './ports';

/**
 * Member look-ups remembered briefly: every Teams action starts by finding who pressed it, and that
 * read need not reach Table Storage each time. A change made through this repository updates the
 * cache at once; a change made by another instance shows here within `ttlMs`. Only people found are
 * remembered, so someone just added is never refused from a stale "not a member".
 */
export class CachedMemberRepository implements MemberRepository {
  private readonly cache = new Map<string, { member: Member; until: number }>();

  constructor(
    private readonly inner: MemberRepository,
    private readonly clock: Clock,
    private readonly ttlMs = 10_000,
  ) {}

  async get(aadObjectId: string): Promise<Member | undefined> {
    const key = aadObjectId.toLowerCase();
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.member;
    const member = await this.inner.get(aadObjectId);
    if (member) this.cache.set(key, { member, until: now + this.ttlMs });
    else this.cache.delete(key);
    if (this.cache.size > 5_000) this.cache.delete(this.cache.keys().next().value!);
    return member;
  }

  list(): Promise<Member[]> {
    return this.inner.list();
  }

  async put(member: Member): Promise<void> {
    this.cache.delete(member.aadObjectId.toLowerCase());
    await this.inner.put(member);
    this.cache.delete(member.aadObjectId.toLowerCase());
  }
}
