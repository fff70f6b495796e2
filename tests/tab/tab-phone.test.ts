import { request } from 'http';
import type { BrowserContext, Page } from 'playwright-core';
import { LEAD, MEMBER } from '../api/tab-fixtures';
import {
  cspRefusals,
  layoutProblems,
  openTab,
  seriousViolations,
  startTabHarness,
  type TabHarness,
} from './tab-harness';

/*
 * The tab as people meet it on a phone and inside Teams (issue 22, items 4 to 6): at 360 px every view fits
 * without sideways scrolling, dates follow the Teams locale, words match the cards, and teams-js fetches
 * nothing and is refused nothing.
 */
let harness: TabHarness & { stop(): Promise<void> };
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  harness = await startTabHarness();
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});
afterEach(async () => {
  await context?.close();
});

async function newPage(opts: Parameters<TabHarness['newContext']>[0] = {}): Promise<Page> {
  context = await harness.newContext(opts);
  page = await context.newPage();
  consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  return page;
}

const VIEWS: [string, string][] = [
  ['Escalations', 'Escalations to decide'],
  ['Risks', 'Risk register'],
  ['Decisions', 'Decision register'],
  ['HSA compliance', 'HSA compliance'],
  ['HSA responses', 'HSA responses'],
  ['Alerts', 'Alerts'],
  ['Rota', 'Rota'],
];

test('when a lead opens every view on a 360 px phone, then nothing scrolls sideways, every tab is on screen and headers and badges stay in their cells', async () => {
  await newPage({ viewport: { width: 360, height: 740 } });
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByText(`Signed in as ${LEAD.name}`).waitFor();
  for (const [name, heading] of VIEWS) {
    await tab.getByRole('tab', { name, exact: true }).click();
    await tab.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
    await tab.getByText(/^Loading/).waitFor({ state: 'detached' });
    expect({ view: name, problems: await layoutProblems(tab) }).toEqual({
      view: name,
      problems: [],
    });
    expect({ view: name, problems: await seriousViolations(page) }).toEqual({
      view: name,
      problems: [],
    });
  }
});

test('when the tab runs in Teams, then teams-js fetches nothing, nothing is refused by the page policy, and nothing leaves loopback', async () => {
  await newPage();
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByText(`Signed in as ${LEAD.name}`).waitFor();
  await tab.getByRole('list', { name: 'Escalated risks, oldest first' }).waitFor();
  await tab.getByRole('tab', { name: 'Risks' }).click();
  await tab.getByRole('table', { name: /Heat map/ }).waitFor();
  // teams-js gives up on its fetch after 1.5 s; wait past that so a late refusal would be seen too.
  await page.waitForTimeout(2_000);
  expect(await cspRefusals(page, consoleErrors)).toEqual([]);
  expect(harness.offLoopback).toEqual([]);
});

test('when Teams says en-GB but the browser is en-US, then the date filters take dd/mm/yyyy and say so when a date is wrong', async () => {
  await newPage({ locale: 'en-US' });
  const tab = await openTab(page, harness.app, LEAD, { locale: 'en-GB' });
  await tab.getByRole('tab', { name: 'Decisions' }).click();
  const search = tab.getByRole('search', { name: 'Search the decisions' });
  const from = search.getByLabel('Decided from');
  expect(await from.getAttribute('placeholder')).toBe('dd/mm/yyyy');
  await from.fill('31/02/2026');
  await search.getByRole('button', { name: 'Search' }).click();
  await search.getByText('Give the date as dd/mm/yyyy, for example 28/11/2026.').waitFor();

  // The fixtures' forum decision was made on 20 Nov 2026.
  await from.fill('20/11/2026');
  await search.getByLabel('Decided to').fill('20/11/2026');
  await search.getByRole('button', { name: 'Search' }).click();
  await tab.getByRole('row').filter({ hasText: 'Block Office macros from the internet' }).waitFor();
  expect(await search.getByText(/Give the date as/).count()).toBe(0);

  // The day after finds nothing: the filter really applied the date typed.
  await from.fill('21/11/2026');
  await search.getByLabel('Decided to').fill('21/11/2026');
  await search.getByRole('button', { name: 'Search' }).click();
  await tab.getByText('No decisions match.').waitFor();
});

test('when Teams says en-US, then the date filters take mm/dd/yyyy', async () => {
  await newPage();
  const tab = await openTab(page, harness.app, LEAD, { locale: 'en-US' });
  await tab.getByRole('tab', { name: 'Decisions' }).click();
  const from = tab.getByRole('search').getByLabel('Decided from');
  expect(await from.getAttribute('placeholder')).toBe('mm/dd/yyyy');
});

test('when a lead reads the alerts, then an alert waiting for someone says "Needs action" as the cards do, and a quiet week says it had no alerts', async () => {
  await newPage();
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByRole('tab', { name: 'Alerts' }).click();
  const open = tab.getByRole('table', { name: 'Open alerts, newest first' });
  const incident = open.getByRole('row').filter({ hasText: 'MSP-17' });
  await incident.waitFor();
  expect(await incident.textContent()).toContain('Needs action');
  expect(await open.textContent()).not.toContain('triggered');

  const weeks = tab.getByRole('table', { name: /Alerts raised each week/ });
  const text = (await weeks.textContent()) ?? '';
  expect(text).not.toContain('none yet');
  expect(text).toContain('No alerts this week');
});

test('when a member or a lead opens the tab, then the heading names their role', async () => {
  await newPage();
  let tab = await openTab(page, harness.app, MEMBER);
  await tab.getByRole('heading', { level: 1, name: 'CTAC for members', exact: true }).waitFor();
  tab = await openTab(page, harness.app, LEAD);
  await tab.getByRole('heading', { level: 1, name: 'CTAC for leads', exact: true }).waitFor();
});

test('when the development host opens, then its person list has everyone in CTAC with their role, the only lead included, and picking one opens the tab as them', async () => {
  await newPage();
  await page.goto(`${harness.app.url}/dev/host.html`);
  const person = page.locator('select[name="preset"]');
  await person.locator('option', { hasText: LEAD.name }).waitFor({ state: 'attached' });
  const options = await person.locator('option').allTextContents();
  expect(options).toEqual(
    expect.arrayContaining([`${LEAD.name} (lead, RXC)`, `${MEMBER.name} (member, ESCC)`]),
  );
  // With nobody named in the address, the lead is picked and the tab opens as them.
  const tab = page.frameLocator('#tab');
  await tab.getByRole('heading', { level: 1, name: 'CTAC for leads', exact: true }).waitFor();
  expect(await page.getByLabel('Entra object id').inputValue()).toBe(LEAD.aadObjectId);

  await person.selectOption({ label: `${MEMBER.name} (member, ESCC)` });
  expect(await page.getByLabel('Entra object id').inputValue()).toBe(MEMBER.aadObjectId);
  await page.getByRole('button', { name: 'Open the tab' }).click();
  await tab.getByRole('heading', { level: 1, name: 'CTAC for members', exact: true }).waitFor();
});

test('when the person list is asked for from anywhere but this computer, then it is refused and lists nobody', async () => {
  const ask = (host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${harness.app.url}/dev/people`, { headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const refused = await ask('attacker.example');
  expect(refused.status).toBe(403);
  expect(refused.body).not.toContain(LEAD.aadObjectId);
  const local = await ask(new URL(harness.app.url).host);
  expect(local.status).toBe(200);
  expect(local.body).toContain(LEAD.aadObjectId);
});
