import { Workbook } from 'exceljs';
import { boardPackPdf } from '../../../src/api/board-pack/pdf';
import { boardPackXlsx } from '../../../src/api/board-pack/xlsx';
import { figuresView } from '../../../src/api/tab-views/figures';
import type { FiguresView } from '../../../src/contract/figures';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { pdfText } from '../../helpers/pdf-text';
import { seedQuarter } from './seed';

let store: TableStore;
let stop: () => Promise<void>;
let view: FiguresView;
beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  const world = await seedQuarter(store);
  view = figuresView(await world.figures.quarter(world.lead, '2026-Q3'));
}, 60_000);
afterAll(() => stop());

describe('the figures of Q3 2026-27, from what people recorded', () => {
  it('when read, then the quarter is October to December 2026', () => {
    expect(view.quarter).toEqual({
      id: '2026-Q3',
      label: 'Q3 2026-27',
      firstDayUk: '1 Oct 2026',
      lastDayUk: '31 Dec 2026',
      previous: '2026-Q2',
    });
    expect(view.madeAtUk).toBe('30 Nov 2026, 12:00');
  });

  it('when alerts were acknowledged and resolved, then their times are by week and severity', () => {
    expect(view.alerts.byWeek).toEqual([
      {
        weekOf: '2026-10-05',
        isoWeek: '2026-W41',
        weekLabel: 'w/c 5 Oct 2026',
        severity: 'high',
        acknowledged: 2,
        medianMinutesToAcknowledge: 20,
        meanMinutesToAcknowledge: 20,
        resolved: 1,
        medianMinutesToResolve: 60,
        meanMinutesToResolve: 60,
      },
      {
        weekOf: '2026-10-05',
        isoWeek: '2026-W41',
        weekLabel: 'w/c 5 Oct 2026',
        severity: 'low',
        acknowledged: 0,
        resolved: 1,
        medianMinutesToResolve: 120,
        meanMinutesToResolve: 120,
      },
    ]);
  });

  it('when organisations responded to HSAs, then each one has its compliance', () => {
    expect(view.hsa.byOrganisation).toEqual([
      {
        orgCode: 'ESCC',
        orgName: 'East Sussex County Council',
        hsas: 3,
        acknowledgementsDue: 2,
        acknowledgedWithin48Hours: 1,
        acknowledgedWithin48HoursPercent: 50,
        patchesDue: 1,
        patchedOrMitigatedWithin14Days: 0,
        patchedOrMitigatedWithin14DaysPercent: 0,
        overdueNow: 1,
      },
      {
        orgCode: 'RXH',
        orgName: 'University Hospitals Sussex',
        hsas: 3,
        acknowledgementsDue: 2,
        acknowledgedWithin48Hours: 2,
        acknowledgedWithin48HoursPercent: 100,
        patchesDue: 2,
        patchedOrMitigatedWithin14Days: 2,
        patchedOrMitigatedWithin14DaysPercent: 100,
        overdueNow: 0,
        medianDaysToPatch: 7,
      },
    ]);
    expect(
      view.hsa.byHsa.map((h) => [h.dedupKey, h.publishedUk, ...h.states.map((s) => s.state)]),
    ).toEqual([
      ['CC-1', '5 Oct 2026, 10:00', 'Mitigated', 'Patched'],
      ['CC-2', '2 Nov 2026, 09:00', 'Not affected', 'Patched'],
      ['CC-3', '29 Nov 2026, 09:00', 'Not acknowledged', 'Not acknowledged'],
    ]);
  });

  it('when risks were escalated and decided, then each escalation shows its wait', () => {
    expect(view.risks.heatMap.total).toBe(2);
    expect(view.risks.heatMap.counts[4]![3]).toBe(1);
    expect(view.risks.heatMap.counts[3]![3]).toBe(1);
    expect(view.risks.topRisks.map((r) => [r.id, r.score])).toEqual([
      ['R-1', 20],
      ['R-2', 16],
    ]);
    expect(
      view.risks.escalations.map((e) => [
        e.riskId,
        e.escalatedUk,
        e.decision,
        e.decidedBy,
        e.waitedHours,
        e.waiting,
      ]),
    ).toEqual([
      ['R-1', '1 Oct 2026, 10:00', 'Treat', 'Lee Evans', 30, false],
      ['R-2', '29 Nov 2026, 12:00', undefined, undefined, 24, true],
    ]);
    expect(view.risks.medianHoursToDecision).toBe(30);
    expect(view.risks.decisions.map((d) => [d.id, d.decidedOnUk, d.decidedBy, d.outcome])).toEqual([
      ['D-1', '2 Oct 2026', 'ICS cyber group', 'Being treated'],
      ['D-MACROS', '20 Nov 2026', 'The forum', 'Approved'],
    ]);
  });
});

describe('the registers in the quarter', () => {
  it('when an exercise was held and supplier assurance falls due, then the pack lists them', () => {
    expect(view.exercises).toEqual([
      {
        name: 'Ransomware tabletop',
        lead: 'Lee Evans',
        startedUk: '12 Nov 2026, 10:00',
        endedUk: '12 Nov 2026, 12:00',
        participants: 2,
        alertsInjected: 3,
        outcome: 'Paging worked; the runbook needs a step for the backups',
      },
    ]);
    expect(view.suppliersDue).toEqual([
      {
        name: 'Acme Pathology',
        criticality: 'Critical',
        organisations: ['RXH'],
        what: 'ISO 27001 assurance expires',
        dueUk: '20 Nov 2026',
        overdue: true,
      },
      {
        name: 'Acme Pathology',
        criticality: 'Critical',
        organisations: ['RXH'],
        what: 'Review',
        dueUk: '15 Jan 2027',
        overdue: false,
      },
    ]);
  });
});

describe('DSPT status by organisation', () => {
  it('when one organisation recorded its DSPT status and another did not, then both are listed', () => {
    expect(view.dspt).toEqual([
      { orgCode: 'ESCC', orgName: 'East Sussex County Council', status: 'Not recorded' },
      {
        orgCode: 'RXH',
        orgName: 'University Hospitals Sussex',
        status: 'Standards met',
        assessedOnUk: '30 Jun 2026',
        recordedBy: 'Lee Evans',
      },
    ]);
  });
});

describe('the board pack', () => {
  it('when made as a PDF, then its text holds the title page and every section with the figures', async () => {
    const pdf = await boardPackPdf(view);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('CTAC board pack, Q3 2026-27');
    expect(flat).toContain('1 Oct 2026 to 31 Dec 2026');
    expect(flat).toContain('Made on 30 Nov 2026, 12:00');
    for (const section of [
      '1. Risk heat map',
      '2. Top risks',
      '3. Escalations and decisions',
      '4. HSA compliance by organisation',
      '5. Alert response times',
      '6. CTAC exercises held',
      '7. Suppliers due for review',
      '8. DSPT status by organisation',
    ])
      expect(flat.split(section).length).toBeGreaterThanOrEqual(3); // the contents and the section
    expect(flat).toContain('Median wait for a decision: 30 hours.');
    expect(flat).toMatch(/Unsupported VPN appliance .*RXH .*20/);
    expect(flat).toMatch(/R-1 .*1 Oct 2026, 10:00 .*Treat .*Lee Evans .*2 Oct 2026, 16:00 .*30/);
    expect(flat).toMatch(/R-2 .*Still waiting .*24/);
    expect(flat).toMatch(/University Hospitals Sussex \(RXH\) 3 2 2 100 2 2 100 0 7/);
    expect(flat).toMatch(/East Sussex County Council \(ESCC\) 3 1 2 50 0 1 0 1/);
    expect(flat).toMatch(/CC-1 .*Mitigated \(overdue\) Patched/);
    expect(flat).toMatch(/w\/c 5 Oct 2026 2026-W41 High 2 20 20 1 60 60/);
    expect(flat).toMatch(/w\/c 5 Oct 2026 2026-W41 Low 0 1 120 120/);
    expect(flat).toMatch(/Ransomware tabletop Lee Evans 12 Nov 2026, 10:00 12 Nov 2026, 12:00 2 3/);
    expect(flat).toMatch(
      /Acme Pathology Critical RXH ISO 27001 assurance expires 20 Nov 2026 Overdue/,
    );
    expect(flat).toMatch(/University Hospitals Sussex \(RXH\) Standards met 30 Jun 2026 Lee Evans/);
    expect(flat).toMatch(/East Sussex County Council \(ESCC\) Not recorded/);
    expect(flat).not.toContain('Phishing drill');
    expect(flat).not.toContain('Later Ltd');
  });

  it('when made as a workbook, then each table is a sheet and the figures are numbers', async () => {
    const workbook = new Workbook();
    await workbook.xlsx.load(Buffer.from(await boardPackXlsx(view)) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Contents',
      'Heat map',
      'Top risks',
      'Escalations',
      'Decisions',
      'HSA by organisation',
      'HSA states',
      'Alert times by severity',
      'Alert times by week',
      'Exercises',
      'Suppliers due',
      'DSPT',
    ]);
    const rows = (name: string) =>
      (workbook.getWorksheet(name)!.getSheetValues() as unknown[][])
        .slice(3)
        .map((r) => (r ?? []).slice(1));
    expect(workbook.getWorksheet('Contents')!.getCell('A1').value).toBe(
      'CTAC board pack, Q3 2026-27',
    );
    expect(rows('HSA by organisation')).toEqual([
      ['East Sussex County Council (ESCC)', 3, 1, 2, 50, 0, 1, 0, 1, ''],
      ['University Hospitals Sussex (RXH)', 3, 2, 2, 100, 2, 2, 100, 0, 7],
    ]);
    expect(rows('Heat map')[0]).toEqual(['5 Almost certain', 0, 0, 0, 1, 0]);
    expect(rows('Heat map')[1]).toEqual(['4 Likely', 0, 0, 0, 1, 0]);
    expect(rows('Escalations').map((r) => [r[0], r[5], r[8]])).toEqual([
      ['R-1', 'Treat', 30],
      ['R-2', 'Still waiting', 24],
    ]);
    expect(rows('Alert times by week')).toEqual([
      ['w/c 5 Oct 2026', '2026-W41', 'High', 2, 20, 20, 1, 60, 60],
      ['w/c 5 Oct 2026', '2026-W41', 'Low', 0, '', '', 1, 120, 120],
    ]);
    expect(rows('Exercises')).toEqual([
      [
        'Ransomware tabletop',
        'Lee Evans',
        '12 Nov 2026, 10:00',
        '12 Nov 2026, 12:00',
        2,
        3,
        'Paging worked; the runbook needs a step for the backups',
      ],
    ]);
    expect(rows('Suppliers due').map((r) => [r[0], r[3], r[4], r[5]])).toEqual([
      ['Acme Pathology', 'ISO 27001 assurance expires', '20 Nov 2026', 'Overdue'],
      ['Acme Pathology', 'Review', '15 Jan 2027', ''],
    ]);
    expect(rows('DSPT')).toEqual([
      ['East Sussex County Council (ESCC)', 'Not recorded', '', ''],
      ['University Hospitals Sussex (RXH)', 'Standards met', '30 Jun 2026', 'Lee Evans'],
    ]);
    expect(rows('HSA states')).toEqual([
      ['CC-1', 'HSA CC-1', '5 Oct 2026, 10:00', 'Mitigated (overdue)', 'Patched'],
      ['CC-2', 'HSA CC-2', '2 Nov 2026, 09:00', 'Not affected', 'Patched'],
      ['CC-3', 'HSA CC-3', '29 Nov 2026, 09:00', 'Not acknowledged', 'Not acknowledged'],
    ]);
  });
});
