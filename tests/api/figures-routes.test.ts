import { Workbook } from 'exceljs';
import { loadConfig } from '../../src/config';
import { logDecision } from '../../src/domain/decisions';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { TableDecisionRepository } from '../../src/store/decision-repository';
import { TableDsptRepository } from '../../src/store/supplier-repository';
import { pdfText } from '../helpers/pdf-text';
import { LEAD, MEMBER, seedTabData, STRANGER } from './tab-fixtures';

let azurite: EmbeddedAzurite;
let app: RunningApp;
const clock = new FakeClock('2026-11-30T12:00:00Z');

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent'), clock },
  );
  await seedTabData(app.store, clock.now());
  // RXC's lead has recorded its DSPT status; ESCC has not.
  await new TableDsptRepository(app.store).record({
    orgCode: 'RXC',
    status: 'exceeded',
    assessedOn: '2026-06-30',
    recordedAt: '2026-11-01T09:00:00.000Z',
    recordedBy: { id: LEAD.aadObjectId, name: LEAD.name },
  });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const get = async (path: string, who?: { aadObjectId: string }) =>
  fetch(`${app.url}${path}`, {
    headers: who
      ? { authorization: `Bearer ${await app.devIssuer!.sign({ oid: who.aadObjectId })}` }
      : {},
  });

describe('GET /api/tab/figures', () => {
  it('when a lead asks without a quarter, then this quarter comes, with the seeded HSA and risks', async () => {
    const res = await get('/api/tab/figures', LEAD);
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view.quarter).toMatchObject({ id: '2026-Q3', label: 'Q3 2026-27' });
    expect(view.hsa.byHsa.map((h: { dedupKey: string }) => h.dedupKey)).toEqual(['CC-4719']);
    expect(view.risks.heatMap.total).toBeGreaterThan(0);
    expect(view.dspt).toEqual([
      { orgCode: 'ESCC', orgName: 'East Sussex County Council', status: 'Not recorded' },
      {
        orgCode: 'RXC',
        orgName: 'East Sussex Healthcare NHS Trust',
        status: 'Standards exceeded',
        assessedOnUk: '30 Jun 2026',
        recordedBy: LEAD.name,
      },
    ]);
  });

  it('when the quarter is malformed or not yet begun, then it is 400 and says how to name one', async () => {
    const bad = await get('/api/tab/figures?quarter=Q3-2026', LEAD);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('2026-Q3');
    expect((await get('/api/tab/figures?quarter=2027-Q1', LEAD)).status).toBe(400);
  });

  it('when a member, a stranger or nobody asks, then it is 403, 403 or 401 and holds no figure', async () => {
    for (const [who, status] of [
      [MEMBER, 403],
      [STRANGER, 403],
      [undefined, 401],
    ] as const) {
      const res = await get('/api/tab/figures?quarter=2026-Q3', who);
      expect(res.status).toBe(status);
      expect(await res.text()).not.toContain('CC-4719');
    }
  });
});

describe('GET /api/registers/board-pack-<quarter>.pdf and .xlsx', () => {
  it('when a lead asks for the PDF, then it is an attachment whose text holds the title and the HSA', async () => {
    const res = await get('/api/registers/board-pack-2026-Q3.pdf', LEAD);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('ctac-board-pack-2026-Q3.pdf');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = (await pdfText(Buffer.from(await res.arrayBuffer()))).replace(/\s+/g, ' ');
    expect(text).toContain('CTAC board pack, Q3 2026-27');
    expect(text).toContain('CC-4719');
    expect(text).toContain('DSPT status by organisation');
    expect(text).toMatch(/East Sussex Healthcare NHS Trust \(RXC\) Standards exceeded 30 Jun 2026/);
    expect(text).toMatch(/East Sussex County Council \(ESCC\) Not recorded/);
  });

  it('when a lead asks for the workbook, then it opens in exceljs with the HSA sheet', async () => {
    const res = await get('/api/registers/board-pack-2026-Q3.xlsx', LEAD);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new Workbook();
    await workbook.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    expect(workbook.getWorksheet('HSA states')!.getCell('A3').value).toBe('CC-4719');
    const dspt = workbook.getWorksheet('DSPT')!;
    expect([dspt.getCell('A3').value, dspt.getCell('B3').value]).toEqual([
      'East Sussex County Council (ESCC)',
      'Not recorded',
    ]);
    expect([dspt.getCell('A4').value, dspt.getCell('B4').value, dspt.getCell('C4').value]).toEqual([
      'East Sussex Healthcare NHS Trust (RXC)',
      'Standards exceeded',
      '30 Jun 2026',
    ]);
  });

  it('when a member or nobody asks for the board pack, then it is 403 or 401', async () => {
    expect((await get('/api/registers/board-pack-2026-Q3.pdf', MEMBER)).status).toBe(403);
    expect((await get('/api/registers/board-pack-2026-Q3.xlsx')).status).toBe(401);
  });

  it('when the file is not a board pack, then the route leaves it to the others', async () => {
    expect((await get('/api/registers/risks.csv', LEAD)).status).toBe(200);
    expect((await get('/api/registers/board-pack-2026-Q9.pdf', LEAD)).status).toBe(404);
  });
});

describe('a quarter with more decisions than the tab lists', () => {
  beforeAll(async () => {
    // 120 more decisions logged this quarter, a minute apart, all after the seeded one (two days ago).
    const decisions = new TableDecisionRepository(app.store);
    for (let i = 0; i < 120; i++)
      await decisions.create(
        logDecision(
          {
            text: `Decision ${i} on patching`,
            rationale: 'Because',
            decidedBy: 'forum',
            outcome: 'approved',
          },
          {
            id: `D-MANY-${String(i).padStart(3, '0')}`,
            actor: { id: LEAD.aadObjectId, name: LEAD.name, source: 'api' },
            at: new Date(clock.now().getTime() - (120 - i) * 60_000),
          },
        ),
      );
  }, 60_000);

  it('when a lead opens the figures, then the newest 100 are listed, oldest first, with how many there are', async () => {
    const view = await (await get('/api/tab/figures', LEAD)).json();
    const ids = view.risks.decisions.map((d: { id: string }) => d.id);
    expect(view.risks.decisionsInQuarter).toBe(121);
    expect(ids).toHaveLength(100);
    expect(ids[0]).toBe('D-MANY-020');
    expect(ids[99]).toBe('D-MANY-119');
    expect(ids).not.toContain('D-MACROS');
  });

  it('when a lead asks for the workbook, then its Decisions sheet lists every one of them', async () => {
    const res = await get('/api/registers/board-pack-2026-Q3.xlsx', LEAD);
    const workbook = new Workbook();
    await workbook.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const sheet = workbook.getWorksheet('Decisions')!;
    const texts: unknown[] = [];
    sheet.eachRow((row) => texts.push(row.getCell(3).value));
    expect(texts).toContain('Block Office macros from the internet');
    expect(texts.filter((t) => String(t).startsWith('Decision '))).toHaveLength(120);
  });
});
