import type { BrowserContext, Page } from 'playwright-core';
import { raiseRisk } from '../../src/domain/risk';
import { tabDeepLink } from '../../src/domain/shared/tab-links';
import { TableRiskRepository } from '../../src/store/risk-repository';
import { LEAD, MEMBER } from '../api/tab-fixtures';
import {
  layoutProblems,
  openTab,
  seriousViolations,
  startTabHarness,
  type TabHarness,
} from './tab-harness';

/*
 * The tab as people use it (issue 20): a deep link's sub-page id opens the tab on the thing it names, the
 * tab loads again when it comes back into view, a slow older answer never replaces a newer one, and every
 * view reads well in the light, dark and high-contrast themes at a phone's width.
 */
let harness: TabHarness & { stop(): Promise<void> };
let context: BrowserContext;
let page: Page;

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
  return page;
}

/** The sub-page id a deep link carries, read back from the link as Teams would. */
const subPageIdIn = (link: string): string =>
  (JSON.parse(new URL(link).searchParams.get('context')!) as { subEntityId: string }).subEntityId;

test('when a lead follows a link to an escalation, then the tab opens on the Escalations view with that escalation in focus', async () => {
  const link = tabDeepLink('app-id', { kind: 'escalation', id: 'R-NEW' });
  await newPage();
  const tab = await openTab(page, harness.app, LEAD, { subPageId: subPageIdIn(link) });
  const item = tab.locator('#linked-R-NEW');
  await item.waitFor();
  expect(await tab.getByRole('tab', { name: 'Escalations' }).getAttribute('aria-selected')).toBe(
    'true',
  );
  await expect(item.getAttribute('aria-current')).resolves.toBe('true');
  await expect(item.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  expect(await item.getByRole('heading', { level: 3 }).textContent()).toBe(
    'R-NEW: Unsupported VPN appliance',
  );
  expect(await tab.getByText('That item is no longer there').count()).toBe(0);
});

test('when a member follows a link to an HSA, then the HSA responses view opens on it', async () => {
  await newPage();
  const tab = await openTab(page, harness.app, MEMBER, { subPageId: 'hsa:A-HSA1' });
  const item = tab.locator('#linked-A-HSA1');
  await item.waitFor();
  expect(await tab.getByRole('tab', { name: 'HSA responses' }).getAttribute('aria-selected')).toBe(
    'true',
  );
  await expect(item.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  await item.getByRole('form', { name: 'Respond to CC-4719' }).waitFor();
});

test('when a link names an escalation already decided or one a member cannot open, then the view opens with a friendly bar', async () => {
  await newPage();
  let tab = await openTab(page, harness.app, LEAD, { subPageId: 'escalation:R-GONE' });
  const bar = tab.getByRole('status').filter({ hasText: 'That item is no longer there' });
  await bar.waitFor();
  expect(await bar.textContent()).toContain('R-GONE is not waiting for a decision any more');
  // The queue is still there to work on.
  await tab.getByRole('list', { name: 'Escalated risks, oldest first' }).waitFor();

  tab = await openTab(page, harness.app, MEMBER, { subPageId: 'escalation:R-NEW' });
  const refused = tab.getByRole('status').filter({ hasText: 'That item is no longer there' });
  await refused.waitFor();
  expect(await refused.textContent()).toContain('Escalations are for leads');
  // The member's first view opens as usual; the leads' views are still not offered.
  await tab.getByRole('heading', { level: 2, name: 'Risk register' }).waitFor();
  expect(await tab.getByRole('tab', { name: 'Escalations' }).count()).toBe(0);

  // A sub-page id that is not a CTAC link opens the tab as usual, with no bar.
  tab = await openTab(page, harness.app, LEAD, { subPageId: 'something-else' });
  await tab.getByRole('list', { name: 'Escalated risks, oldest first' }).waitFor();
  expect(await tab.getByText('That item is no longer there').count()).toBe(0);
});

test('when the tab comes back into view, then the view loads again and keeps its filters', async () => {
  await newPage();
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByRole('tab', { name: 'Risks' }).click();
  await tab.getByLabel('Organisation').selectOption('ESCC');
  await tab.getByRole('table', { name: /Heat map: 1 risk by/ }).waitFor();

  // Someone raises a risk for ESCC meanwhile, in the chat.
  const actor = { id: MEMBER.aadObjectId, name: MEMBER.name, source: 'teams' as const };
  const raised = raiseRisk(
    {
      title: 'Backups not tested',
      description: 'Restores have not been tried this year.',
      orgCode: 'ESCC',
      cafPrinciple: 'B5',
      likelihood: 1,
      consequence: 2,
      owner: 'Head of IT',
      reviewDate: '2099-01-31',
    },
    { id: 'R-BACKUP', actor, at: new Date() },
  );
  await new TableRiskRepository(harness.app.store).create(raised.risk);
  expect(await tab.getByRole('table', { name: /Heat map: 1 risk by/ }).count()).toBe(1);

  // Teams shows the tab again (the person comes back to it).
  await tab.locator('body').evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await tab.getByRole('table', { name: /Heat map: 2 risks by/ }).waitFor();
  expect(await tab.getByLabel('Organisation').inputValue()).toBe('ESCC');
  await tab.getByRole('row').filter({ hasText: 'Backups not tested' }).waitFor();
});

test('when the filters change quickly and the older answer is slower, then the newer answer stays on screen', async () => {
  await newPage();
  // The answer for ESCC waits until the answer for RXC has been shown.
  let releaseSlow!: () => void;
  const slowMayGo = new Promise<void>((resolve) => (releaseSlow = resolve));
  await page.route(/\/api\/tab\/risks\?org=ESCC$/, async (route) => {
    await slowMayGo;
    await route.continue();
  });
  const tab = await openTab(page, harness.app, LEAD);
  await tab.getByRole('tab', { name: 'Risks' }).click();
  await tab.getByRole('table', { name: /Heat map: \d+ risks? by/ }).waitFor();
  const organisation = tab.getByLabel('Organisation');
  await organisation.selectOption('ESCC');
  await organisation.selectOption('RXC');
  await tab.getByRole('table', { name: /Heat map: 2 risks by/ }).waitFor();

  const slowAnswered = page.waitForEvent('requestfinished', (r) =>
    r.url().endsWith('/api/tab/risks?org=ESCC'),
  );
  releaseSlow();
  await slowAnswered;
  // The page takes the slow answer in (parses it, then React renders) a moment after it arrives: give it
  // three seconds to show ESCC's one risk, which it must not.
  const olderShown = await tab
    .getByRole('table', { name: /Heat map: 1 risk by/ })
    .waitFor({ timeout: 3_000 })
    .then(
      () => true,
      () => false,
    );
  expect(olderShown).toBe(false);
  expect(await tab.getByRole('table', { name: /Heat map: 2 risks by/ }).count()).toBe(1);
  expect(await organisation.inputValue()).toBe('RXC');
});

const VIEWS: [string, string][] = [
  ['Escalations', 'Escalations to decide'],
  ['Risks', 'Risk register'],
  ['Decisions', 'Decision register'],
  ['HSA compliance', 'HSA compliance'],
  ['HSA responses', 'HSA responses'],
  ['Alerts', 'Alerts'],
  ['Rota', 'Rota'],
  ['Suppliers', 'Critical suppliers'],
  ['Exports', 'Exports and evidence'],
  ['Figures', 'Figures'],
  ['Lessons', 'Lessons'],
];

test.each([
  ['light', 'default'],
  ['dark', 'dark'],
  ['high-contrast', 'contrast'],
])(
  'when a lead opens every view in the %s theme at 360 px, then axe finds nothing serious and nothing spills',
  async (_name, theme) => {
    await newPage({ viewport: { width: 360, height: 740 } });
    const tab = await openTab(page, harness.app, LEAD, { theme });
    await tab.getByText(`Signed in as ${LEAD.name}`).waitFor();
    expect(await tab.locator('html').getAttribute('data-theme')).toBe(theme);
    for (const [name, heading] of VIEWS) {
      await tab.getByRole('tab', { name, exact: true }).click();
      await tab.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
      await tab.getByText(/^Loading/).waitFor({ state: 'detached' });
      const problems = [...(await layoutProblems(tab)), ...(await seriousViolations(page))];
      expect({ view: name, problems }).toEqual({ view: name, problems: [] });
    }
  },
  90_000,
);
