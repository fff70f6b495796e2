import type { BrowserContext, Page } from 'playwright-core';
import { LEAD, MEMBER } from '../api/tab-fixtures';
import { openTab, seriousViolations, startTabHarness } from './tab-harness';

/*
 * A member records their organisation's HSA response from the tab (issue 20): the tab in Debian's chromium
 * inside the development host page that plays Teams, through the shared tab harness. Ben (ESCC, a member)
 * has said nothing on CC-4719, the seeded High HSA.
 */
let harness: Awaited<ReturnType<typeof startTabHarness>>;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  harness = await startTabHarness();
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

test('when a member records "patched" in the tab, then it is recorded in one step and the leads’ HSA board shows it', async () => {
  const tab = await openTab(page, harness.app, MEMBER);
  await tab.getByText(`Signed in as ${MEMBER.name}`).waitFor();
  await tab.getByRole('tab', { name: 'HSA responses', exact: true }).click();
  await tab.getByRole('heading', { level: 2, name: 'HSA responses', exact: true }).waitFor();

  const outstanding = tab.getByRole('list', { name: 'HSAs your organisation has still to finish' });
  const form = outstanding.getByRole('form', { name: 'Respond to CC-4719' });
  await form.waitFor();
  expect(await outstanding.textContent()).toContain('Not acknowledged yet.');
  expect(await outstanding.textContent()).toContain('Overdue');
  expect(await seriousViolations(page)).toEqual([]);

  await form.getByLabel('Remediation').selectOption('patched');
  await form.getByRole('button', { name: 'Record response' }).click();
  await tab
    .getByRole('status')
    .filter({ hasText: "Your organisation's response to CC-4719 is recorded." })
    .waitFor();

  // Finished now: it leaves the list still to finish and shows under Finished, as patched by Ben.
  const finished = tab.getByRole('list', {
    name: 'HSAs your organisation has patched, mitigated or is not affected by',
  });
  await finished.getByRole('form', { name: 'Respond to CC-4719' }).waitFor();
  expect(await finished.textContent()).toContain(`Acknowledged by ${MEMBER.name}`);
  expect(await finished.textContent()).toContain('Applies: affected; remediation: patched.');
  expect(await tab.getByText('Your organisation has finished with every HSA').count()).toBe(1);

  const lead = await context.newPage();
  const leadTab = await openTab(lead, harness.app, LEAD);
  await leadTab.getByRole('tab', { name: 'HSA compliance', exact: true }).click();
  const board = leadTab.getByRole('table', { name: /HSAs an organisation has not finished/ });
  const row = board.getByRole('row').filter({ hasText: 'CC-4719' });
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  // The columns follow the organisations: RXC, then ESCC.
  expect(cells).toHaveLength(2);
  expect(cells.find((c) => c.includes('patched'))).toContain('Applies: affected; patched');
  await lead.close();
});
