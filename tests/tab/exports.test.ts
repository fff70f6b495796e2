import type { BrowserContext, Page } from 'playwright-core';
import { LEAD, MEMBER } from '../api/tab-fixtures';
import { openTab, seriousViolations, startTabHarness } from './tab-harness';

/*
 * Exports open through a one-time link with teams-js app.openLink (issue 20), never a blob download: the
 * tab in Debian's chromium inside the development host page, which plays Teams and records each link the
 * tab asks it to open (window.openedLinks).
 */
let harness: Awaited<ReturnType<typeof startTabHarness>>;
let context: BrowserContext;
let page: Page;
let downloads: string[];

beforeAll(async () => {
  harness = await startTabHarness();
  context = await harness.newContext();
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});
beforeEach(async () => {
  page = await context.newPage();
  downloads = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
});
afterEach(async () => {
  await page?.close();
});

const openedLinks = (p: Page) =>
  p.evaluate(() => (window as unknown as { openedLinks?: string[] }).openedLinks ?? []);

test('when a lead asks for the alerts as CSV, then the tab opens a one-time link with openLink, and the link serves the file once', async () => {
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByText(`Signed in as ${LEAD.name}`).waitFor();
  await tab.getByRole('tab', { name: 'Exports', exact: true }).click();
  await tab.getByRole('heading', { level: 2, name: 'Exports and evidence' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  await tab.getByLabel('What to export').selectOption('alerts');
  await tab.getByLabel('Format').selectOption('csv');
  await tab.getByRole('button', { name: 'Open the export' }).click();
  await tab
    .getByRole('status')
    .filter({ hasText: 'The export is opening in your browser.' })
    .waitFor();

  const links = await openedLinks(page);
  expect(links).toHaveLength(1);
  expect(links[0]).toMatch(new RegExp(`^${harness.app.url}/api/exports/[A-Za-z0-9_-]{43}$`));
  expect(downloads).toEqual([]);

  // The system browser opens it without the Teams token: once.
  const file = await fetch(links[0]!);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename=ctac-alerts-/);
  expect(await file.text()).toContain('Critical vulnerability in a VPN appliance');
  expect((await fetch(links[0]!)).status).toBe(410);
  expect(harness.offLoopback).toEqual([]);
});

test('when a range is longer than 366 days, then the tab shows the refusal and opens nothing', async () => {
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByRole('tab', { name: 'Exports', exact: true }).click();
  await tab.getByLabel('First day').fill('01/01/2025');
  await tab.getByLabel('Last day').fill('31/12/2026');
  await tab.getByRole('button', { name: 'Open the export' }).click();
  await tab.getByRole('alert').filter({ hasText: 'at most 366 days' }).waitFor();
  expect(await openedLinks(page)).toEqual([]);
});

test('when a lead exports the risk register, then it too opens through a link rather than a download', async () => {
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByRole('tab', { name: 'Risks', exact: true }).click();
  await tab.getByRole('button', { name: 'Export the register as CSV' }).click();
  await page.waitForFunction(
    () => ((window as unknown as { openedLinks?: string[] }).openedLinks ?? []).length > 0,
  );
  expect(await openedLinks(page)).toHaveLength(1);
  const [link] = await openedLinks(page);
  const file = await fetch(link!);
  expect(file.headers.get('content-disposition')).toMatch(/ctac-risk-register-/);
  expect(downloads).toEqual([]);
});

test('when a member opens the tab, then there is no Exports view', async () => {
  const tab = await openTab(page, harness.app, MEMBER);
  await tab.getByText(`Signed in as ${MEMBER.name}`).waitFor();
  await tab.getByRole('tab', { name: 'Risks', exact: true }).waitFor();
  expect(await tab.getByRole('tab', { name: 'Exports', exact: true }).count()).toBe(0);
});
