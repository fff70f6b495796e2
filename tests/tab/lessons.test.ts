import type { BrowserContext, Page } from 'playwright-core';
import type { Review } from '../../src/domain/reviews';
import { TableReviewRepository } from '../../src/store/review-repository';
import { MEMBER } from '../api/tab-fixtures';
import { openTab, seriousViolations, startTabHarness } from './tab-harness';

/*
 * The Lessons view (issue 21): any member searches the lessons of post-incident and exercise reviews in the
 * tab, in Debian's chromium inside the development host page.
 */
let harness: Awaited<ReturnType<typeof startTabHarness>>;
let context: BrowserContext;
let page: Page;

const review = (id: string, title: string, toImprove: string, savedAt: string): Review => ({
  subject: { kind: 'alert', id, title },
  whatHappened: `${title} took the booking system down for two hours.`,
  wentWell: 'The on-call lead was reached in four minutes.',
  toImprove,
  actions: [],
  savedBy: { id: MEMBER.aadObjectId, name: MEMBER.name },
  savedAt,
});

beforeAll(async () => {
  harness = await startTabHarness();
  const reviews = new TableReviewRepository(harness.app.store);
  await reviews.save(
    review(
      'L-1',
      'Ransomware at RXC',
      'Test restores from offline backups every month.',
      '2026-11-20T10:00:00Z',
    ),
    undefined,
  );
  await reviews.save(
    review(
      'L-2',
      'Phishing campaign',
      'Report phishing with one button in Outlook.',
      '2026-11-25T10:00:00Z',
    ),
    undefined,
  );
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

const rowsOf = async (tab: Awaited<ReturnType<typeof openTab>>) =>
  tab
    .getByRole('table', { name: 'Lessons from reviews, newest first' })
    .locator('tbody tr')
    .allTextContents();

test('when a member searches the lessons for a word, then only the reviews that mention it are listed', async () => {
  const tab = await openTab(page, harness.app, MEMBER);
  await tab.getByRole('tab', { name: 'Lessons', exact: true }).click();
  await tab.getByRole('heading', { level: 2, name: 'Lessons' }).waitFor();
  await tab.getByText('Incident: Phishing campaign').waitFor();
  // Newest first, both listed before searching.
  const all = await rowsOf(tab);
  expect(all).toHaveLength(2);
  expect(all[0]).toContain('Incident: Phishing campaign');
  expect(all[1]).toContain('To improve: Test restores from offline backups every month.');

  await tab.getByLabel('Words').fill('backups');
  await tab.getByRole('button', { name: 'Search' }).click();
  await tab.getByText('Incident: Phishing campaign').waitFor({ state: 'detached' });
  const found = await rowsOf(tab);
  expect(found).toHaveLength(1);
  expect(found[0]).toContain('Incident: Ransomware at RXC');

  await tab.getByLabel('Words').fill('zebra crossing');
  await tab.getByRole('button', { name: 'Search' }).click();
  await tab.getByText('No lessons match.').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
}, 60_000);
