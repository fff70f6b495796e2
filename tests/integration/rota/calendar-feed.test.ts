import ICAL from 'ical.js';
import { hashSecret } from '../../../src/app/rota/rota-calendar-feeds';
import { loadConfig } from '../../../src/config';
import { normaliseRotation } from '../../../src/domain/rota';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { createLogger } from '../../../src/logger';
import { startApp, type RunningApp } from '../../../src/server';
import { TableCalendarLinkRepository } from '../../../src/store/calendar-link-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../../src/store/embedded-azurite';
import { TableRotationRepository } from '../../../src/store/rota-repositories';
import { ROTA_TABLES } from '../../../src/store/rota-tables';
import { TABLES, TableStore } from '../../../src/store/tables';

const person = (id: string, name: string): Member => ({
  aadObjectId: id,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@example.nhs.uk`,
  orgCode: 'RXC',
  role: 'member',
  addedAt: '2026-11-01T00:00:00Z',
  addedBy: 'test',
});
const JANE = person('11111111-1111-4111-8111-111111111111', 'Jane Smith');
const BOB = person('22222222-2222-4222-8222-222222222222', 'Bob Jones');
const ROTA_SECRET = 'r'.repeat(43);
const JANE_SECRET = 'j'.repeat(20) + '-_' + 'J'.repeat(21);
const BOB_SECRET = 'b'.repeat(43);
const BOB_ROTA_SECRET = 'B'.repeat(43);

let azurite: EmbeddedAzurite;
let app: RunningApp;
let store: TableStore;
let links: TableCalendarLinkRepository;

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    TABLES_CONNECTION_STRING: azurite.connectionString,
  });
  // Weekly shifts across the spring clock change (Sun 29 Mar 2026), seen from 16 Mar.
  app = await startApp(config, {
    logger: createLogger('silent'),
    clock: new FakeClock('2026-03-16T12:00:00Z'),
  });
  store = new TableStore({
    kind: 'connectionString',
    connectionString: azurite.connectionString,
  });
  const orgs = new TableOrganisationRepository(store);
  await orgs.create({ code: 'RXC', name: 'ESHT', isOes: true, createdAt: '', createdBy: '' });
  const members = new TableMemberRepository(store);
  for (const m of [JANE, BOB]) await members.put(m);
  await new TableRotationRepository(store).create(
    normaliseRotation({
      id: 'primary',
      name: 'CTAC primary',
      layer: 'primary',
      memberIds: [JANE.aadObjectId, BOB.aadObjectId],
      shiftLength: 'weekly',
      handoverTime: '09:00',
      startDate: '2026-03-16',
    }),
  );
  links = new TableCalendarLinkRepository(store);
  await links.create({ kind: 'rota', memberId: JANE.aadObjectId }, hashSecret(ROTA_SECRET));
  await links.create({ kind: 'member', memberId: JANE.aadObjectId }, hashSecret(JANE_SECRET));
  await links.create({ kind: 'member', memberId: BOB.aadObjectId }, hashSecret(BOB_SECRET));
  await links.create({ kind: 'rota', memberId: BOB.aadObjectId }, hashSecret(BOB_ROTA_SECRET));
});
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    events: calendar.getAllSubcomponents('vevent').map((v) => {
      const e = new ICAL.Event(v);
      return {
        summary: e.summary,
        start: e.startDate.toJSDate().toISOString(),
        end: e.endDate.toJSDate().toISOString(),
      };
    }),
  };
}

test('when the whole-rota link is fetched, then it is an iCalendar feed whose shifts keep 09:00 UK time across the clock change', async () => {
  const res = await fetch(`${app.url}/api/calendar/${ROTA_SECRET}.ics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
  const feed = parse(await res.text());
  expect(feed.name).toBe('CTAC on-call rota');
  const first = feed.events.slice(0, 3);
  expect(first).toEqual([
    {
      summary: 'CTAC on call (primary): Jane Smith',
      start: '2026-03-16T09:00:00.000Z',
      end: '2026-03-23T09:00:00.000Z',
    },
    // The week of the clock change is an hour shorter: 09:00 GMT to 09:00 BST.
    {
      summary: 'CTAC on call (primary): Bob Jones',
      start: '2026-03-23T09:00:00.000Z',
      end: '2026-03-30T08:00:00.000Z',
    },
    {
      summary: 'CTAC on call (primary): Jane Smith',
      start: '2026-03-30T08:00:00.000Z',
      end: '2026-04-06T08:00:00.000Z',
    },
  ]);
});

test("when a member's link is fetched, then it has only their shifts", async () => {
  const res = await fetch(`${app.url}/api/calendar/${JANE_SECRET}.ics`);
  expect(res.status).toBe(200);
  const feed = parse(await res.text());
  expect(feed.name).toBe('CTAC on call: Jane Smith');
  expect(feed.events.length).toBeGreaterThan(5);
  expect(feed.events.every((e) => e.summary.endsWith('Jane Smith'))).toBe(true);
});

test('when an unknown or malformed secret is asked for, then the answer is 404 and says nothing more', async () => {
  for (const path of [
    `${'x'.repeat(43)}.ics`,
    'short.ics',
    `${ROTA_SECRET}.txt`,
    '..%2F..%2Fetc.ics',
  ]) {
    const res = await fetch(`${app.url}/api/calendar/${path}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('BEGIN:VCALENDAR');
  }
});

const feed = (secret: string) => fetch(`${app.url}/api/calendar/${secret}.ics`);

async function linkRows(): Promise<string> {
  const rows: unknown[] = [];
  for await (const row of store.table(ROTA_TABLES.calendarLinks).listEntities()) rows.push(row);
  return JSON.stringify(rows);
}

test('when links are kept, then the table holds only hashes of their secrets', async () => {
  const rows = await linkRows();
  for (const secret of [ROTA_SECRET, JANE_SECRET, BOB_SECRET, BOB_ROTA_SECRET]) {
    expect(rows).toContain(hashSecret(secret));
    expect(rows).not.toContain(secret);
  }
});

test('when a link is replaced, then the old one is a 404 at once and the new one works', async () => {
  const fresh = 'n'.repeat(43);
  expect((await feed(JANE_SECRET)).status).toBe(200);
  await links.replace({ kind: 'member', memberId: JANE.aadObjectId }, hashSecret(fresh));
  const old = await feed(JANE_SECRET);
  expect(old.status).toBe(404);
  expect(await old.text()).not.toContain('BEGIN:VCALENDAR');
  expect((await feed(fresh)).status).toBe(200);
  // The other scope's link is untouched.
  expect((await feed(ROTA_SECRET)).status).toBe(200);
});

test('when the member a link was given to is no longer a CTAC member, then their links are 404 and deleted', async () => {
  expect((await feed(BOB_SECRET)).status).toBe(200);
  expect((await feed(BOB_ROTA_SECRET)).status).toBe(200);
  await store.table(TABLES.members).deleteEntity('member', BOB.aadObjectId);
  const res = await feed(BOB_ROTA_SECRET);
  expect(res.status).toBe(404);
  expect(await res.text()).not.toContain('BEGIN:VCALENDAR');
  expect((await feed(BOB_SECRET)).status).toBe(404);
  const rows = await linkRows();
  expect(rows).not.toContain(hashSecret(BOB_SECRET));
  expect(rows).not.toContain(hashSecret(BOB_ROTA_SECRET));
  // Jane's links still work.
  expect((await feed(ROTA_SECRET)).status).toBe(200);
});
