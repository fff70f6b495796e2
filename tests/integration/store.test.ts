import { odata } from '@azure/data-tables';
import { commitInPartition, insertIfAbsent, replaceIfUnchanged } from '../../src/store/conditional';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../src/store/directory-repositories';
import { encodeKey, invertedTimeKey } from '../../src/store/keys';
import type { TableStore } from '../../src/store/tables';
import { startTestStore } from '../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(['Scratch']);
});
afterAll(() => stop());

const hostile = [
  'a/b\\c#d?e',
  'tab\there\nnewline\u0000nul\u007fdel',
  '%2F already encoded',
  "O'Brien & Sons ''",
  'Zoë – Gwasanaeth Iechyd ☕',
  'x'.repeat(1000),
  `${'/'.repeat(600)}#`,
];

describe('key encoding against Azurite', () => {
  test.each(hostile.map((h) => [JSON.stringify(h).slice(0, 40), h]))(
    'when a key is made from %s, then the row stores and reads back with the original text',
    async (_label, text) => {
      const client = store.table('Scratch');
      const key = encodeKey(text);
      expect(key.length).toBeLessThanOrEqual(400);
      expect(key).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
      await client.upsertEntity({ partitionKey: key, rowKey: key, text });
      const row = await client.getEntity<{ text: string }>(key, key);
      expect(row.text).toBe(text);
      const found = [];
      for await (const r of client.listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${key}` },
      }))
        found.push(r);
      expect(found).toHaveLength(1);
    },
  );

  test('when two different long texts share a prefix, then their keys differ', () => {
    expect(encodeKey(`${'a'.repeat(999)}b`)).not.toBe(encodeKey(`${'a'.repeat(999)}c`));
  });

  test('when times are later, then their inverted keys sort first', () => {
    const earlier = invertedTimeKey(new Date('2026-11-28T09:00:00Z'));
    const later = invertedTimeKey(new Date('2026-11-28T09:00:01Z'));
    expect([earlier, later].sort()).toEqual([later, earlier]);
  });
});

describe('conditional writes', () => {
  test('when two writers update from the same ETag, then exactly one wins and the other gets a conflict result', async () => {
    const client = store.table('Scratch');
    await client.upsertEntity({ partitionKey: 'race', rowKey: 'alert-1', state: 'triggered' });
    const read = await client.getEntity('race', 'alert-1');
    const results = await Promise.all(
      ['Asha', 'Ben'].map((who) =>
        replaceIfUnchanged(
          client,
          { partitionKey: 'race', rowKey: 'alert-1', state: `acknowledged by ${who}` },
          read.etag,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'conflict' });
  });

  test('when a row already exists, then insertIfAbsent says so and leaves it alone', async () => {
    const client = store.table('Scratch');
    expect((await insertIfAbsent(client, { partitionKey: 'once', rowKey: 'x', v: 1 })).ok).toBe(
      true,
    );
    expect(await insertIfAbsent(client, { partitionKey: 'once', rowKey: 'x', v: 2 })).toEqual({
      ok: false,
      reason: 'exists',
    });
    expect((await client.getEntity<{ v: number }>('once', 'x')).v).toBe(1);
  });

  test('when one part of a partition transaction fails, then nothing of it is applied', async () => {
    const client = store.table('Scratch');
    await client.createEntity({ partitionKey: 'tx', rowKey: 'existing' });
    const result = await commitInPartition(client, [
      ['create', { partitionKey: 'tx', rowKey: 'event-1' }],
      ['create', { partitionKey: 'tx', rowKey: 'existing' }],
    ]);
    expect(result.ok).toBe(false);
    await expect(client.getEntity('tx', 'event-1')).rejects.toMatchObject({ statusCode: 404 });
  });

  test('when a transaction is fine, then every part is applied', async () => {
    const client = store.table('Scratch');
    const result = await commitInPartition(client, [
      ['create', { partitionKey: 'tx2', rowKey: 'alert' }],
      ['create', { partitionKey: 'tx2', rowKey: 'event-1' }],
    ]);
    expect(result.ok).toBe(true);
    await expect(client.getEntity('tx2', 'event-1')).resolves.toBeDefined();
  });
});

describe('directory repositories', () => {
  test('when an organisation code is taken, then a second create is refused', async () => {
    const orgs = new TableOrganisationRepository(store);
    const org = {
      code: 'RXC',
      name: 'Trust',
      isOes: true,
      createdAt: '2026-11-28T09:00:00Z',
      createdBy: 'Asha',
    };
    expect((await orgs.create(org)).ok).toBe(true);
    expect((await orgs.create({ ...org, name: 'Other' })).ok).toBe(false);
    expect(await orgs.get('RXC')).toEqual(org);
  });

  test('when a member is saved, then it reads back by Entra object id whatever its case', async () => {
    const members = new TableMemberRepository(store);
    const member = {
      aadObjectId: 'b2b2b2b2-0000-4000-8000-000000000002',
      name: "Zoë O'Brien",
      upn: 'zoe@nhs.net',
      orgCode: 'RXC',
      role: 'lead' as const,
      addedAt: '2026-11-28T09:00:00Z',
      addedBy: 'Asha',
    };
    await members.put(member);
    expect(await members.get('B2B2B2B2-0000-4000-8000-000000000002')).toEqual({
      ...member,
      teamsUserId: undefined,
    });
  });

  test('when a conversation id has odd characters, then its reference round-trips', async () => {
    const conversations = new TableConversationRepository(store);
    const id = '19:abc/def#thread.tacv2;messageid=1?x';
    await conversations.save({
      kind: 'channel',
      id,
      teamId: 'team',
      reference: { conversation: { id } },
      updatedAt: 'now',
    });
    expect((await conversations.get('channel', id))?.reference).toEqual({ conversation: { id } });
    expect(await conversations.markOnce('welcome:team', 'now')).toBe(true);
    expect(await conversations.markOnce('welcome:team', 'later')).toBe(false);
  });
});

describe('the ICS cyber channel', () => {
  test('when no admin chose one, then the install channel is kept and a later install does not move it', async () => {
    const { store: fresh, stop: stopFresh } = await startTestStore();
    try {
      const conversations = new TableConversationRepository(fresh);
      expect(await conversations.cyberChannel()).toBeUndefined();
      for (const id of ['19:cyber@thread.tacv2', '19:general@thread.tacv2'])
        await conversations.save({
          kind: 'channel',
          id,
          reference: { id },
          updatedAt: `2026-11-28T09:0${id.length % 9}:00Z`,
        });
      await conversations.chooseCyberChannel('19:cyber@thread.tacv2', 'now', { onlyIfUnset: true });
      await conversations.chooseCyberChannel('19:general@thread.tacv2', 'later', {
        onlyIfUnset: true,
      });
      expect((await conversations.cyberChannel())?.id).toBe('19:cyber@thread.tacv2');
      // A later message heard in General does not redirect alerts.
      await conversations.save({
        kind: 'channel',
        id: '19:general@thread.tacv2',
        reference: {},
        updatedAt: '2026-11-29T09:00:00Z',
      });
      expect((await conversations.cyberChannel())?.id).toBe('19:cyber@thread.tacv2');
      // An admin's explicit choice moves it.
      await conversations.chooseCyberChannel('19:general@thread.tacv2', 'later');
      expect((await conversations.cyberChannel())?.id).toBe('19:general@thread.tacv2');
    } finally {
      await stopFresh();
    }
  });
});
