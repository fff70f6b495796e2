import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AuditLog } from '../../../src/app/audit-log';
import { Directory } from '../../../src/app/directory';
import type { Exports } from '../../../src/app/exports';
import { DecisionLog } from '../../../src/app/risks/decision-log';
import type { AppContext } from '../../../src/composition/context';
import { composeExports } from '../../../src/composition/exports';
import type { PeopleArea } from '../../../src/composition/directory';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { uuidGenerator } from '../../../src/domain/shared/ids';
import { createLogger } from '../../../src/logger';
import { TableAlertRepository } from '../../../src/store/alert-repository';
import { TableAuditRepository } from '../../../src/store/audit-repository';
import { TableDecisionRepository } from '../../../src/store/decision-repository';
import {
  TableMemberRepository,
  TableOrganisationRepository,
} from '../../../src/store/directory-repositories';
import { EXPORT_LINK_TABLE } from '../../../src/store/export-link-store';
import { ROTA_TABLES } from '../../../src/store/rota-tables';
import { TableRiskRepository } from '../../../src/store/risk-repository';
import { startTestStore } from '../../helpers/azurite';
import { ADMIN, LEAD, MEMBER, NOW, seedExportData } from './export-fixtures';
import { ALERT_TABLES } from '../../../src/store/alert-rows';
import { HSA_RESPONSE_TABLES } from '../../../src/store/alert-hsa-response-repository';
import { AUDIT_TABLE } from '../../../src/store/audit-repository';
import { DECISION_TABLE } from '../../../src/store/decision-repository';
import { RISK_TABLE } from '../../../src/store/risk-repository';

let stop: () => Promise<void>;
let exports: Exports;
const clock = new FakeClock(NOW);
const members = new Map<string, Member>();

beforeAll(async () => {
  const test = await startTestStore();
  stop = test.stop;
  const { store } = test;
  await store.createTables([
    ...Object.values(ALERT_TABLES),
    ...Object.values(HSA_RESPONSE_TABLES),
    ...Object.values(ROTA_TABLES),
    EXPORT_LINK_TABLE,
    AUDIT_TABLE,
    DECISION_TABLE,
    RISK_TABLE,
  ]);
  await seedExportData(store);
  const memberRepo = new TableMemberRepository(store);
  for (const m of await memberRepo.list()) members.set(m.aadObjectId, m);
  const directory = new Directory(new TableOrganisationRepository(store), memberRepo, clock, []);
  const audit = new AuditLog(new TableAuditRepository(store), directory, clock, uuidGenerator);
  const risks = new TableRiskRepository(store);
  const area = composeExports(
    { store, clock, logger: createLogger('silent') } as unknown as AppContext,
    { directory, members: memberRepo, audit } as unknown as PeopleArea,
    { repository: new TableAlertRepository(store) },
    {
      // The register's own export check, over the stored risks.
      register: {
        listAll: async (caller: Member | undefined) => {
          directory.require(caller, 'lead', 'export the risk register');
          return risks.listAll();
        },
      } as never,
      decisions: new DecisionLog(
        new TableDecisionRepository(store),
        directory,
        clock,
        uuidGenerator,
      ),
    },
    { baseUrl: () => 'https://ctac.example.nhs.uk/' },
  );
  exports = area.exports;
}, 60_000);
afterAll(async () => {
  await stop?.();
});
beforeEach(() => clock.set(NOW));

const RANGE = { from: '30/11/2026', to: '2026-12-03' };
const tokenOf = (url: string) => url.split('/').pop()!;

async function download(who: Member, body: Record<string, unknown>): Promise<Buffer> {
  const { url } = await exports.request(who, body);
  const opened = await exports.open(tokenOf(url));
  if (opened.kind !== 'file') throw new Error(`not a file: ${opened.kind}`);
  return opened.file.body;
}
const csvRows = (body: Buffer) =>
  parse(body.toString('utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<
    string,
    string
  >[];
async function workbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}
const sheetRows = (wb: ExcelJS.Workbook, name: string): string[][] => {
  const ws = wb.getWorksheet(name)!;
  const rows: string[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
};

describe('alerts export', () => {
  test('when a lead exports alerts as Excel, then one row per real alert raised in the range and a timeline sheet with when, event, who and detail', async () => {
    const wb = await workbook(await download(LEAD, { kind: 'alerts', format: 'xlsx', ...RANGE }));
    const alerts = sheetRows(wb, 'Alerts');
    expect(alerts[0]!.slice(0, 5)).toEqual(['Reference', 'CTAC id', 'Title', 'Severity', 'State']);
    // Oldest first; the month-old alert and the exercise's alert are left out.
    expect(alerts.slice(1).map((r) => r[1])).toEqual(['A-HSA1', 'A-INC1']);
    const incident = alerts[2]!;
    expect(incident[4]).toBe('Acknowledged');
    expect(incident[9]).toBe(MEMBER.name);
    expect(incident[8]).toBe('3 Dec 2026, 08:30');

    const timeline = sheetRows(wb, 'Timeline');
    expect(timeline[0]).toEqual(['Reference', 'CTAC id', 'When', 'Event', 'Who', 'Detail']);
    const incidentEvents = timeline.filter((r) => r[1] === 'A-INC1');
    expect(incidentEvents.map((r) => [r[2], r[3], r[4]])).toEqual([
      ['3 Dec 2026, 08:00', 'raised', MEMBER.name],
      ['3 Dec 2026, 08:30', 'acknowledged', MEMBER.name],
      ['3 Dec 2026, 09:00', 'noted', LEAD.name],
    ]);
    // The card's own words, without the time it already has a column for; a formula stays text.
    expect(incidentEvents[1]![5]).toBe(`acknowledged by ${MEMBER.name}`);
    expect(incidentEvents[2]![5]).toBe(
      `${LEAD.name} noted: =HYPERLINK("http://evil") restored from backup`,
    );
    const cell = wb
      .getWorksheet('Timeline')!
      .getRow(timeline.indexOf(incidentEvents[2]!) + 1)
      .getCell(6);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
  });

  test('when a lead exports alerts as CSV, then each alert row is followed by its timeline rows, and formulas are defused', async () => {
    const rows = csvRows(await download(LEAD, { kind: 'alerts', format: 'csv', ...RANGE }));
    expect(rows.filter((r) => r['Record'] === 'Alert').map((r) => r['CTAC id'])).toEqual([
      'A-HSA1',
      'A-INC1',
    ]);
    const at = rows.findIndex((r) => r['Record'] === 'Alert' && r['CTAC id'] === 'A-INC1');
    expect(rows.slice(at + 1).map((r) => [r['Record'], r['CTAC id'], r['Event']])).toEqual([
      ['Timeline', 'A-INC1', 'raised'],
      ['Timeline', 'A-INC1', 'acknowledged'],
      ['Timeline', 'A-INC1', 'noted'],
    ]);
    expect(rows[at + 3]!['Detail']).toBe(
      `${LEAD.name} noted: =HYPERLINK("http://evil") restored from backup`,
    );
    expect(rows.some((r) => r['CTAC id'] === 'A-EX1' || r['CTAC id'] === 'A-OLD')).toBe(false);
  });
});

describe('HSA responses export', () => {
  test('when a lead exports HSA responses, then each organisation has its state, acknowledged and patched times and whether within 48 hours and 14 days', async () => {
    const rows = csvRows(await download(LEAD, { kind: 'hsa-responses', format: 'csv', ...RANGE }));
    expect(rows.map((r) => [r['HSA'], r['Code']])).toEqual([
      ['CC-4719', 'ESCC'],
      ['CC-4719', 'RXC'],
    ]);
    const [escc, rxc] = rows;
    expect(rxc).toMatchObject({
      Organisation: 'East Sussex Healthcare NHS Trust',
      Affected: 'affected',
      Remediation: 'patched',
      // Published 30 Nov 10:00; acknowledged 10 hours later, patched 42 hours after.
      Acknowledged: '30 Nov 2026, 20:00',
      'Acknowledged by': LEAD.name,
      Patched: '2 Dec 2026, 04:00',
      'Acknowledged within 48 hours': 'Yes',
      'Patched or mitigated within 14 days': 'Yes',
    });
    expect(escc).toMatchObject({
      Remediation: 'not started',
      Acknowledged: '',
      Patched: '',
      'Acknowledged within 48 hours': 'Not acknowledged',
      'Patched or mitigated within 14 days': 'Not yet',
    });
  });
});

describe('audit trail export', () => {
  test('when a lead exports the audit trail, then alert, HSA response, risk and decision events in the range are there, oldest first, admin changes not', async () => {
    const rows = csvRows(await download(LEAD, { kind: 'audit', format: 'csv', ...RANGE }));
    const areas = new Set(rows.map((r) => r['Area']));
    expect([...areas].sort()).toEqual(['Alert', 'Decision', 'HSA response', 'Risk', 'Rota']);
    expect(rows).toContainEqual(
      expect.objectContaining({
        When: '1 Dec 2026, 10:00',
        Area: 'Rota',
        Reference: 'L-1',
        Event: 'leave',
        Who: MEMBER.name,
        Detail: `${MEMBER.name} away 4 Jan 2027, 09:00 to 8 Jan 2027, 17:00: Skiing`,
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        Area: 'Decision',
        Reference: 'D-MACROS',
        Event: 'decision.logged',
        Who: MEMBER.name,
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({
        Area: 'HSA response',
        Reference: 'HSA CC-4719 RXC',
        Event: 'response.remediation',
        Detail: 'remediation not started to patched',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ Area: 'Risk', Reference: 'R-OLD', Event: 'risk.raised' }),
    );
    expect(rows.some((r) => r['Reference'] === 'Incident EX-1')).toBe(false);
    const times = rows.map((r) => r['When']);
    expect(rows.length).toBeGreaterThan(8);
    // Oldest first (UK times read the same order within one month).
    expect(times[0]!.startsWith('30 Nov 2026')).toBe(true);
    expect(times[times.length - 1]!.startsWith('3 Dec 2026')).toBe(true);
  });

  test('when an admin exports the audit trail, then the admin changes are in it too', async () => {
    const rows = csvRows(await download(ADMIN, { kind: 'audit', format: 'csv', ...RANGE }));
    expect(rows).toContainEqual(
      expect.objectContaining({
        Area: 'Admin',
        Event: 'Member changed',
        Who: ADMIN.name,
        Detail: 'Ben Okafor: from Member of ESCC to Lead of ESCC',
      }),
    );
  });
});

describe('who may export, and the range', () => {
  test('when a member asks for an export, then it is refused and no link is made', async () => {
    await expect(
      exports.request(MEMBER, { kind: 'alerts', format: 'csv', ...RANGE }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      exports.request(undefined, { kind: 'audit', format: 'csv', ...RANGE }),
    ).rejects.toMatchObject({
      code: 'not_a_member',
    });
  });

  test('when a lead asks for the admin audit log, then it is refused: admins only', async () => {
    await expect(exports.request(LEAD, { kind: 'audit-log', format: 'csv' })).rejects.toMatchObject(
      {
        code: 'forbidden',
      },
    );
  });

  test('when the range is longer than 366 days or back to front, then it is refused with a clear problem', async () => {
    await expect(
      exports.request(LEAD, { kind: 'alerts', format: 'csv', from: '1/1/2025', to: '2/1/2026' }),
    ).rejects.toMatchObject({
      code: 'validation',
      problems: [expect.stringContaining('at most 366 days; this range is 367 days')],
    });
    await expect(
      exports.request(LEAD, {
        kind: 'alerts',
        format: 'csv',
        from: '2025-01-01',
        to: '2026-01-01',
      }),
    ).resolves.toMatchObject({ url: expect.stringContaining('/api/exports/') });
    await expect(
      exports.request(LEAD, { kind: 'audit', format: 'csv', from: '3/12/2026', to: '1/12/2026' }),
    ).rejects.toMatchObject({ problems: ['The last day must not be before the first day.'] });
  });
});

describe('the one-time link', () => {
  test('when a link is opened twice, then the file is served once and the second open says used', async () => {
    const { url, expiresAt } = await exports.request(LEAD, { kind: 'risks', format: 'csv' });
    expect(url).toMatch(/^https:\/\/ctac\.example\.nhs\.uk\/api\/exports\/[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe('2026-12-03T10:05:00.000Z');
    const [a, b] = await Promise.all([exports.open(tokenOf(url)), exports.open(tokenOf(url))]);
    expect([a.kind, b.kind].sort()).toEqual(['file', 'used']);
    expect((await exports.open(tokenOf(url))).kind).toBe('used');
  });

  test('when a link is opened after five minutes, then it has expired', async () => {
    const { url } = await exports.request(LEAD, { kind: 'decisions', format: 'csv' });
    clock.advance(5 * 60_000 + 1000);
    expect((await exports.open(tokenOf(url))).kind).toBe('expired');
  });

  test('when a token is forged, then nothing is found', async () => {
    expect((await exports.open('A'.repeat(43))).kind).toBe('not_found');
    expect((await exports.open('../../etc/passwd')).kind).toBe('not_found');
  });

  test('when the old links are cleaned up, then those expired over a day ago go and newer ones stay', async () => {
    const { url } = await exports.request(LEAD, { kind: 'risks', format: 'csv' });
    clock.advance(2 * 86_400_000);
    const fresh = await exports.request(LEAD, { kind: 'risks', format: 'csv' });
    expect(await exports.removeOld()).toBeGreaterThanOrEqual(1);
    expect((await exports.open(tokenOf(url))).kind).toBe('not_found');
    expect((await exports.open(tokenOf(fresh.url))).kind).toBe('file');
  });
});
