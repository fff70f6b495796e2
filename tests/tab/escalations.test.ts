import type { BrowserContext, Page } from 'playwright-core';
import { LEAD } from '../api/tab-fixtures';
import { openTab, startTabHarness } from './tab-harness';

/*
 * The escalations view's decide form (issue 22, item 2): the tab in Debian's chromium, inside the development
 * host page that plays Teams (context, theme, SSO token from the app's development issuer), through the shared
 * tab harness (every request off loopback aborted).
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

test('when a lead records a decision, then the form clears and shows what was recorded, and pressing again logs nothing more', async () => {
  const tab = await openTab(page, harness.app, LEAD);
  // Asking for more information keeps the risk in the queue, so its form stays on screen.
  const form = tab.getByRole('form', { name: 'Decide on R-OLD' });
  const choice = form.getByLabel('Decision');
  const rationale = form.getByLabel('Rationale');
  await choice.selectOption('request-info');
  await rationale.fill('Which teams still share the admin accounts?');
  await form.getByRole('button', { name: 'Record decision' }).click();

  const recorded = tab
    .getByRole('status')
    .filter({ hasText: 'Ask for more information (More information requested), by' })
    .first();
  await recorded.waitFor();
  expect(await recorded.textContent()).toMatch(/Decision D-[0-9A-F]{8} on R-OLD/);
  await expect(choice.inputValue()).resolves.toBe('');
  await expect(rationale.inputValue()).resolves.toBe('');

  // A second press finds an empty form, which the browser will not send: the register keeps one decision.
  await form.getByRole('button', { name: 'Record decision' }).click();
  await expect(
    choice.evaluate((el) => (el as HTMLSelectElement).validity.valueMissing),
  ).resolves.toBe(true);
  await tab.getByRole('tab', { name: 'Decisions' }).click();
  const rows = tab
    .getByRole('row')
    .filter({ hasText: 'Which teams still share the admin accounts?' });
  await rows.first().waitFor();
  expect(await rows.count()).toBe(1);
  expect(await rows.first().textContent()).toContain('More information requested');
});
