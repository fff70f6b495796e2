import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { buildTab } from '../../scripts/build-tab';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { LEAD, seedTabData } from '../api/tab-fixtures';

/*
 * The escalations view's decide form (issue 22, item 2), set up as tests/tab/tab.test.ts: the tab in Debian's chromium, inside the development host page that plays Teams (context, theme, SSO token
 * from the app's development issuer). One browser for the whole file; every request that is not to loopback
 * is aborted.
 */
let azurite: EmbeddedAzurite;
let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  await buildTab();
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent') },
  );
  await seedTabData(app.store);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await azurite?.stop();
});

beforeEach(async () => {
  page = await context.newPage();
});
afterEach(async () => {
  await page?.close();
});

type Person = { aadObjectId: string; name: string; upn: string };
async function openTab(who: Person): Promise<FrameLocator> {
  const q = new URLSearchParams({
    oid: who.aadObjectId,
    name: who.name,
    upn: who.upn,
    theme: 'default',
    page: 'tab',
  });
  await page.goto(`${app.url}/dev/host.html?${q}`);
  return page.frameLocator('#tab');
}

test('when a lead records a decision, then the form clears and shows what was recorded, and pressing again logs nothing more', async () => {
  const tab = await openTab(LEAD);
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
