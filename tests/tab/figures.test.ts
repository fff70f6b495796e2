import type { BrowserContext, Page } from 'playwright-core';
import type { AlertSummary } from '../../src/domain/alerts';
import { logDecision } from '../../src/domain/decisions';
import { quarterOf } from '../../src/domain/figures';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableDecisionRepository } from '../../src/store/decision-repository';
import { TableDsptRepository } from '../../src/store/supplier-repository';
import { LEAD, MEMBER } from '../api/tab-fixtures';
import { pdfText } from '../helpers/pdf-text';
import { layoutProblems, openTab, seriousViolations, startTabHarness } from './tab-harness';

/*
 * The Figures view (issue 20): charts from Fluent UI's chart components, each with a real table beside it,
 * in Debian's chromium inside the development host page, in the Teams themes and at a phone's width.
 */
let harness: Awaited<ReturnType<typeof startTabHarness>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  harness = await startTabHarness();
  // Two alerts of this week acknowledged and resolved, as the alert repository keeps them.
  const raisedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
  const plus = (minutes: number) => new Date(Date.parse(raisedAt) + minutes * 60_000).toISOString();
  const alert = (
    id: string,
    severityRank: AlertSummary['severityRank'],
    ack: number,
    res: number,
  ) =>
    ({
      id,
      severityRank,
      raisedAt,
      acknowledgedAt: plus(ack),
      resolvedAt: plus(res),
    }) as AlertSummary;
  await new TableAlertRepository(harness.app.store).figures.record([
    alert('F-1', 'high', 12, 40),
    alert('F-2', 'low', 30, 90),
  ]);
  await new TableDsptRepository(harness.app.store).record({
    orgCode: 'RXC',
    status: 'exceeded',
    assessedOn: '2026-06-30',
    recordedAt: '2026-07-01T09:00:00Z',
    recordedBy: { id: LEAD.aadObjectId, name: LEAD.name },
  });
  context = await harness.newContext();
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});
beforeEach(async () => {
  page = await context.newPage();
});
afterEach(async () => {
  await page?.close();
});

async function openFigures(theme = 'default') {
  const tab = await openTab(page, harness.app, LEAD, { theme });
  await tab.getByRole('tab', { name: 'Figures', exact: true }).click();
  await tab.getByRole('heading', { level: 2, name: 'Figures' }).waitFor();
  await tab.locator('caption', { hasText: 'HSA compliance by organisation' }).waitFor();
  return tab;
}

test('when a lead opens the Figures view, then the charts render and each has a table with a caption beside it', async () => {
  const tab = await openFigures();
  const hsaChart = tab.locator('[data-chart="HSA compliance"]');
  await hsaChart.locator('svg').first().waitFor();
  expect(await hsaChart.locator('svg rect[role="option"]').count()).toBe(4);
  const alertChart = tab.locator('[data-chart="Alert response times"]');
  await alertChart.locator('svg').first().waitFor();
  expect(await alertChart.locator('svg rect[role="option"]').count()).toBeGreaterThan(0);

  // The table beside each chart is a real <table> with a caption, holding the figures the chart draws.
  const hsaTable = tab.locator('table', {
    has: tab.locator('caption', { hasText: 'HSA compliance by organisation' }),
  });
  expect(await hsaTable.locator('tbody tr').count()).toBe(2);
  const rxc = hsaTable.locator('tbody tr', { hasText: 'RXC' });
  expect(await rxc.locator('td').nth(2).textContent()).toBe('100% (1 of 1)');
  const alertTable = tab.locator('table', {
    has: tab.locator('caption', { hasText: 'Alert response times by week and severity' }),
  });
  expect(await alertTable.locator('tbody tr').allTextContents()).toEqual([
    expect.stringContaining('High112 min140 min'),
    expect.stringContaining('Low130 min11 h 30 min'),
  ]);
  const heatMap = tab.locator('table.ctac-heatmap');
  expect(await heatMap.locator('caption').textContent()).toMatch(
    /^Open risks by likelihood and consequence/,
  );
  expect(
    await tab
      .locator('table', { has: tab.locator('caption', { hasText: 'Top risks by score' }) })
      .count(),
  ).toBe(1);

  // Each organisation's DSPT status as its lead recorded it, and the ones with none said so.
  const dspt = await tab
    .getByRole('table', { name: 'DSPT status by organisation (latest recorded)' })
    .locator('tbody tr')
    .allTextContents();
  expect(dspt).toContainEqual(expect.stringMatching(/\(RXC\).*exceeded.*30 Jun 2026.*/i));
  expect(dspt).toContainEqual(expect.stringMatching(/\(ESCC\)Not recorded/));

  expect(await hsaChart.evaluate((el) => el.tagName)).toBe('FIGURE');
  expect(await seriousViolations(page)).toEqual([]);
  expect(harness.offLoopback).toEqual([]);
});

test.each(['dark', 'contrast'])(
  'when the Teams theme is %s, then the Figures view has nothing serious for axe',
  async (theme) => {
    const tab = await openFigures(theme);
    await tab.locator('[data-chart="HSA compliance"] svg').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  },
);

test("when the tab is as narrow as a phone's screen, then the Figures view fits", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const tab = await openFigures();
  await tab.locator('[data-chart="HSA compliance"] svg').first().waitFor();
  expect(await layoutProblems(tab)).toEqual([]);
});

test('when a lead asks for the board pack, then the tab opens a one-time link that serves the PDF once', async () => {
  const tab = await openFigures();
  const quarter = quarterOf(new Date());
  await tab.getByRole('button', { name: `Board pack for ${quarter.label} (PDF)` }).click();
  await page.waitForFunction(
    () => ((window as unknown as { openedLinks?: string[] }).openedLinks ?? []).length > 0,
  );
  const links = await page.evaluate(
    () => (window as unknown as { openedLinks?: string[] }).openedLinks ?? [],
  );
  expect(links).toHaveLength(1);
  expect(links[0]).toMatch(new RegExp(`^${harness.app.url}/api/exports/[A-Za-z0-9_-]{43}$`));
  const file = await fetch(links[0]!);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('application/pdf');
  expect(file.headers.get('content-disposition')).toContain(`ctac-board-pack-${quarter.id}.pdf`);
  const text = (await pdfText(Buffer.from(await file.arrayBuffer()))).replace(/\s+/g, ' ');
  expect(text).toContain(`CTAC board pack, ${quarter.label}`);
  expect((await fetch(links[0]!)).status).toBe(410);
});

test('when the quarter holds more decisions than the tab lists, then the newest 100 are shown with a line saying where the rest are', async () => {
  const decisions = new TableDecisionRepository(harness.app.store);
  const actor = { id: LEAD.aadObjectId, name: LEAD.name, source: 'api' as const };
  for (let i = 0; i < 101; i++)
    await decisions.create(
      logDecision(
        { text: `Patch round ${i}`, rationale: 'Because', decidedBy: 'forum', outcome: 'approved' },
        {
          id: `D-TAB-${String(i).padStart(3, '0')}`,
          actor,
          at: new Date(Date.now() - (101 - i) * 1000),
        },
      ),
    );
  const tab = await openFigures();
  const quarter = quarterOf(new Date());
  const table = tab.getByRole('table', { name: `Decisions logged in ${quarter.label}` });
  await table.locator('tbody tr').first().waitFor();
  expect(await table.locator('tbody tr').count()).toBe(100);
  expect(await table.locator('tbody tr').last().textContent()).toContain('Patch round 100');
  expect(await tab.locator('.ctac-figures-more-decisions').textContent()).toMatch(
    new RegExp(
      `^Showing the newest 100 of the \\d+ decisions logged in ${quarter.label}\\. The board pack lists them all, and the Decisions view finds any of them\\.$`,
    ),
  );
  expect(await seriousViolations(page)).toEqual([]);
}, 60_000);

test('when a member opens the tab, then there is no Figures view', async () => {
  const tab = await openTab(page, harness.app, MEMBER);
  await tab.getByText(`Signed in as ${MEMBER.name}`).waitFor();
  await tab.getByRole('tab', { name: 'Risks', exact: true }).waitFor();
  expect(await tab.getByRole('tab', { name: 'Figures', exact: true }).count()).toBe(0);
});
