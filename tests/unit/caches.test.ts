import { CachedValue, notifyingWrites, SharedLoad } from '../../src/app/cached-value';
import { CachedMemberRepository, MEMBER_LIST_REUSE_MS } from '../../src/app/member-cache';
import type { MemberRepository } from '../../src/app/ports';
import type { Member } from '../../src/domain/people/member';
import { CachedConversationRepository } from '../../src/app/conversation-cache';
import type { ConversationRepository, SavedConversation } from '../../src/app/ports';
import { FakeClock } from '../../src/domain/shared/clock';

const channel = (id: string): SavedConversation => ({
  kind: 'channel',
  id,
  teamId: 'team-1',
  reference: { conversation: { id } } as SavedConversation['reference'],
  updatedAt: '2026-11-28T09:00:00Z',
});

/** An in-memory conversation store that counts its reads. */
class CountingConversations implements ConversationRepository {
  reads = 0;
  readonly rows = new Map<string, SavedConversation>();
  chosen?: string;
  async save(c: SavedConversation) {
    this.rows.set(`${c.kind}:${c.id}`, c);
  }
  async get(kind: SavedConversation['kind'], id: string) {
    this.reads++;
    return this.rows.get(`${kind}:${id}`);
  }
  async list(kind: SavedConversation['kind']) {
    return [...this.rows.values()].filter((c) => c.kind === kind);
  }
  async markOnce() {
    return true;
  }
  async cyberChannel() {
    this.reads++;
    return this.chosen ? this.rows.get(`channel:${this.chosen}`) : undefined;
  }
  async chooseCyberChannel(channelId: string) {
    this.chosen = channelId;
  }
}

describe('CachedValue', () => {
  test('when asked again within its time, then it answers without loading; after it, it loads afresh', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    let loads = 0;
    const value = new CachedValue(async () => ++loads, clock, 15_000);
    expect(await value.get()).toBe(1);
    clock.advance(14_000);
    expect(await value.get()).toBe(1);
    clock.advance(2_000);
    expect(await value.get()).toBe(2);
  });

  test('when invalidated (a change made here), then the next read loads afresh at once', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    let loads = 0;
    const value = new CachedValue(async () => ++loads, clock, 15_000);
    await value.get();
    value.invalidate();
    expect(await value.get()).toBe(2);
  });

  test('when callers ask at the same moment, then they share one load; a failed load is not remembered', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    let loads = 0;
    const value = new CachedValue(
      async () => {
        if (++loads === 1) throw new Error('store down');
        return loads;
      },
      clock,
      15_000,
    );
    const both = await Promise.allSettled([value.get(), value.get()]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    expect(await value.get()).toBe(2);
  });
});

describe('CachedValue with a stale time', () => {
  test('when its time has passed but the value is recent, then it answers at once with it and loads afresh in the background for the next caller', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    let loads = 0;
    let release: () => void = () => undefined;
    const value = new CachedValue(
      () =>
        ++loads === 1
          ? Promise.resolve(1)
          : new Promise<number>((resolve) => (release = () => resolve(loads))),
      clock,
      15_000,
      45_000,
    );
    expect(await value.get()).toBe(1);
    clock.advance(20_000);
    // Past its time: the last value at once, though the reload has not answered.
    expect(await value.get()).toBe(1);
    expect(await value.get()).toBe(1);
    expect(loads).toBe(2);
    release();
    await new Promise((r) => setImmediate(r));
    expect(await value.get()).toBe(2);
    // Too old to answer with: the caller waits for a load.
    clock.advance(61_000);
    const waiting = value.get();
    release();
    expect(await waiting).toBe(3);
  });

  test('when invalidated, then the next read loads afresh even within the stale time, and a reload in flight is not kept', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    let loads = 0;
    const value = new CachedValue(async () => ++loads, clock, 15_000, 45_000);
    await value.get();
    clock.advance(20_000);
    expect(await value.get()).toBe(1); // starts reload 2 in the background
    value.invalidate();
    expect(await value.get()).toBe(3);
    await new Promise((r) => setImmediate(r));
    expect(await value.get()).toBe(3);
  });
});

describe('notifyingWrites', () => {
  test('when a write method is called, then the callback runs; reads do not call it', async () => {
    let writes = 0;
    const repo = notifyingWrites(
      {
        value: 1,
        async get() {
          return this.value;
        },
        async set(v: number) {
          this.value = v;
        },
      },
      ['set'],
      () => writes++,
    );
    expect(await repo.get()).toBe(1);
    expect(writes).toBe(0);
    await repo.set(5);
    expect(await repo.get()).toBe(5);
    // Once before the write and once after it settles, so no read in between keeps the old value.
    expect(writes).toBe(2);
  });
});

describe('CachedConversationRepository', () => {
  test('when the same conversation is looked up twice, then the store is read once; a save here shows at once', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    const inner = new CountingConversations();
    await inner.save(channel('19:a'));
    const cached = new CachedConversationRepository(inner, clock);
    await cached.get('channel', '19:a');
    await cached.get('channel', '19:a');
    expect(inner.reads).toBe(1);
    await cached.save({ ...channel('19:a'), name: 'Renamed' });
    expect((await cached.get('channel', '19:a'))?.name).toBe('Renamed');
  });

  test('when a conversation is not found, then it is not remembered (a new install is seen at once)', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    const inner = new CountingConversations();
    const cached = new CachedConversationRepository(inner, clock);
    expect(await cached.get('channel', '19:new')).toBeUndefined();
    await inner.save(channel('19:new'));
    expect(await cached.get('channel', '19:new')).toBeDefined();
  });

  test('when an admin chooses another ICS cyber channel here, then alerts go there at once; another instance’s choice shows within 30 s', async () => {
    const clock = new FakeClock('2026-11-28T09:00:00Z');
    const inner = new CountingConversations();
    await inner.save(channel('19:a'));
    await inner.save(channel('19:b'));
    inner.chosen = '19:a';
    const cached = new CachedConversationRepository(inner, clock);
    expect((await cached.cyberChannel())?.id).toBe('19:a');
    await cached.chooseCyberChannel('19:b', clock.now().toISOString());
    expect((await cached.cyberChannel())?.id).toBe('19:b');
    inner.chosen = '19:a'; // another instance changes it
    expect((await cached.cyberChannel())?.id).toBe('19:b');
    clock.advance(31_000);
    expect((await cached.cyberChannel())?.id).toBe('19:a');
  });
});

describe('SharedLoad', () => {
  test('when callers ask while a load is in flight, then they share it; once it settles, the next caller loads afresh', async () => {
    const shared = new SharedLoad<number>();
    let loads = 0;
    let release!: (n: number) => void;
    const load = () => {
      loads++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const first = shared.get(load);
    const second = shared.get(load);
    expect(loads).toBe(1);
    release(7);
    await expect(Promise.all([first, second])).resolves.toEqual([7, 7]);
    // Nothing is remembered past the load: a later caller reads what is there now.
    const third = shared.get(load);
    expect(loads).toBe(2);
    release(8);
    await expect(third).resolves.toBe(8);
  });

  test('when invalidated during a load (a change made here), then later callers do not get the older load', async () => {
    const shared = new SharedLoad<string>();
    const releases: ((v: string) => void)[] = [];
    const load = () => new Promise<string>((resolve) => releases.push(resolve));
    const before = shared.get(load);
    shared.invalidate();
    const after = shared.get(load);
    expect(releases).toHaveLength(2);
    releases[0]!('before the change');
    releases[1]!('after the change');
    await expect(before).resolves.toBe('before the change');
    await expect(after).resolves.toBe('after the change');
  });

  test('when a load fails, then its callers hear so and the next caller tries again', async () => {
    const shared = new SharedLoad<number>();
    await expect(shared.get(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(shared.get(() => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('SharedLoad kept for a while', () => {
  test('when a load has finished, then it serves callers for its time and no longer; a change made here or a failed load starts afresh', async () => {
    const clock = new FakeClock();
    const shared = new SharedLoad<number>({ clock, ms: 1_000 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await shared.get(load)).toBe(1);
    clock.advance(999);
    expect(await shared.get(load)).toBe(1);
    clock.advance(1);
    expect(await shared.get(load)).toBe(2);
    shared.invalidate();
    expect(await shared.get(load)).toBe(3);
    shared.invalidate();
    await expect(shared.get(async () => Promise.reject(new Error('storage down')))).rejects.toThrow(
      'storage down',
    );
    expect(await shared.get(load)).toBe(4);
  });
});

describe('CachedMemberRepository list', () => {
  test('when many ask for the member list at once, then one read serves them; a member added here is in the next list', async () => {
    const clock = new FakeClock();
    let reads = 0;
    const people: Member[] = [];
    const inner = {
      get: async (id: string) => people.find((m) => m.aadObjectId === id),
      list: async () => {
        reads++;
        await new Promise((r) => setTimeout(r, 5));
        return [...people];
      },
      put: async (m: Member) => void people.push(m),
      remove: async () => undefined,
    } as unknown as MemberRepository;
    const members = new CachedMemberRepository(inner, clock);
    const lists = await Promise.all(Array.from({ length: 10 }, () => members.list()));
    expect(reads).toBe(1);
    expect(lists.every((l) => l.length === 0)).toBe(true);
    // A list in flight when someone is added here is not handed to those who ask after.
    const during = members.list();
    await members.put({ aadObjectId: 'new-member', name: 'Asha Patel' } as Member);
    const afterwards = await members.list();
    expect(afterwards.map((m) => m.name)).toEqual(['Asha Patel']);
    await during;
  });

  test('when the list is asked for again within a second, then the last read serves it; a member added elsewhere shows after that second', async () => {
    const clock = new FakeClock();
    let reads = 0;
    const people: Member[] = [];
    const inner = {
      list: async () => {
        reads++;
        return [...people];
      },
    } as unknown as MemberRepository;
    const members = new CachedMemberRepository(inner, clock);
    await members.list();
    // Added through another instance: nothing tells this one.
    people.push({ aadObjectId: 'lead-2', name: 'Lee Okafor' } as Member);
    clock.advance(MEMBER_LIST_REUSE_MS - 1);
    expect(await members.list()).toEqual([]);
    expect(reads).toBe(1);
    clock.advance(1);
    expect((await members.list()).map((m) => m.name)).toEqual(['Lee Okafor']);
    expect(reads).toBe(2);
  });
});
