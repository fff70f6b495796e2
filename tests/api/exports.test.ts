import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { loadConfig } from '../../src/config';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { ADMIN, LEAD, MEMBER, NOW, seedExportData } from '../integration/exports/export-fixtures';

let azurite: EmbeddedAzurite;
let app: RunningApp;
const clock = new FakeClock(NOW);

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent'), clock, jobs: false },
  );
  await seedExportData(app.store);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});
beforeEach(() => clock.set(NOW));

const tokenFor = (who: { aadObjectId: string }) => app.devIssuer!.sign({ oid: who.aadObjectId });
async function ask(body: unknown, who?: { aadObjectId: string }) {
  return fetch(`${app.url}/api/tab/exports`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(who ? { authorization: `Bearer ${await tokenFor(who)}` } : {}),
    },
    body: JSON.stringify(body),
  });
}
async function linkFor(body: unknown, who: { aadObjectId: string }): Promise<string> {
  const res = await ask(body, who);
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url;
}
const RANGE = { from: '2026-11-30', to: '2026-12-03' };

test('when nobody signs in, or a member asks, then no link is made (401, 403)', async () => {
  expect((await ask({ kind: 'alerts', format: 'csv', ...RANGE })).status).toBe(401);
  const member = await ask({ kind: 'alerts', format: 'csv', ...RANGE }, MEMBER);
  expect(member.status).toBe(403);
  // Naming a lead in the body changes nothing: who asks is the token's oid.
  const named = await ask(
    { kind: 'alerts', format: 'csv', ...RANGE, oid: LEAD.aadObjectId, memberId: LEAD.aadObjectId },
    MEMBER,
  );
  expect(named.status).toBe(403);
});

test('when a range is too long, then 400 says so', async () => {
  const res = await ask({ kind: 'audit', format: 'csv', from: '1/1/2025', to: '3/1/2026' }, LEAD);
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { problems: string[] } };
  expect(body.error.problems[0]).toMatch(/at most 366 days; this range is 368 days/);
});

test('when a lead opens the link, then the file comes once as an attachment, never cached or sniffed; again it is gone (410)', async () => {
  const res = await ask({ kind: 'alerts', format: 'csv', ...RANGE }, LEAD);
  expect(res.status).toBe(201);
  const { url, expiresAt } = (await res.json()) as { url: string; expiresAt: string };
  expect(url.startsWith(`${app.url}/api/exports/`)).toBe(true);
  expect(expiresAt).toBe('2026-12-03T10:05:00.000Z');

  // The system browser has no Teams token: the link alone opens it.
  const file = await fetch(url);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(file.headers.get('content-disposition')).toBe(
    'attachment; filename=ctac-alerts-2026-11-30-to-2026-12-03.csv',
  );
  expect(file.headers.get('cache-control')).toBe('no-store');
  expect(file.headers.get('x-content-type-options')).toBe('nosniff');
  const rows = parse((await file.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
    string,
    string
  >[];
  expect(rows.filter((r) => r['Record'] === 'Alert').map((r) => r['CTAC id'])).toEqual([
    'A-HSA1',
    'A-INC1',
  ]);

  const again = await fetch(url);
  expect(again.status).toBe(410);
  expect(again.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await again.text()).toContain('This export link has already been used');
});

test('when the link is clicked twice at once, then only one click downloads', async () => {
  const url = await linkFor({ kind: 'risks', format: 'csv' }, LEAD);
  const statuses = (await Promise.all([fetch(url), fetch(url), fetch(url)])).map((r) => r.status);
  expect(statuses.sort()).toEqual([200, 410, 410]);
});

test('when the link is opened after five minutes, then it has expired (410)', async () => {
  const url = await linkFor({ kind: 'decisions', format: 'csv' }, LEAD);
  clock.advance(5 * 60_000 + 1_000);
  const res = await fetch(url);
  expect(res.status).toBe(410);
  expect(await res.text()).toContain('This export link has expired');
});

test('when a link is forged, then 404 with a small page and nothing else', async () => {
  for (const token of ['A'.repeat(43), 'not-a-token', '%3Cscript%3E']) {
    const res = await fetch(`${app.url}/api/exports/${token}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('This export link is not valid');
    expect(html).not.toContain('<script');
  }
});

test('when a lead asks for Excel, then the workbook reads back with the alerts and the timeline', async () => {
  const url = await linkFor({ kind: 'alerts', format: 'xlsx', ...RANGE }, LEAD);
  const res = await fetch(url);
  expect(res.headers.get('content-type')).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['Alerts', 'Timeline']);
  expect(wb.getWorksheet('Alerts')!.getRow(3).getCell(3).value).toBe(
    'Ransomware note on a file server',
  );
  const timeline = wb.getWorksheet('Timeline')!;
  const events: string[] = [];
  timeline.eachRow((row, n) => {
    if (n > 1 && row.getCell(2).value === 'A-INC1') events.push(String(row.getCell(4).value));
  });
  expect(events).toEqual(['raised', 'acknowledged', 'noted']);
});

test("when a lead asks for the audit trail naming an admin in the body, then the link is the lead's: no admin changes in it", async () => {
  const url = await linkFor(
    { kind: 'audit', format: 'csv', ...RANGE, oid: ADMIN.aadObjectId, memberId: ADMIN.aadObjectId },
    LEAD,
  );
  const leads = await (await fetch(url)).text();
  expect(leads).not.toContain('Member changed');
  const adminUrl = await linkFor({ kind: 'audit', format: 'csv', ...RANGE }, ADMIN);
  expect(await (await fetch(adminUrl)).text()).toContain('Member changed');
});

test('when the registers are exported the old way by an outside client, then the CSV routes still answer', async () => {
  const res = await fetch(`${app.url}/api/registers/risks.csv`, {
    headers: { authorization: `Bearer ${await tokenFor(LEAD)}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/ctac-risk-register-/);
});
