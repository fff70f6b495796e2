import { readFileSync } from 'fs';
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
import { fromRoot } from '../../src/paths';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { LEAD, MEMBER, seedTabData } from '../api/tab-fixtures';

/*
 * The tab in Debian's chromium, inside the development host page that plays Teams (context, theme, SSO token
 * from the app's development issuer). One browser for the whole file; every request that is not to loopback
 * is aborted.
 */
let azurite: EmbeddedAzurite;
let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const AXE = readFileSync(fromRoot('node_modules', 'axe-core', 'axe.min.js'), 'utf8');

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
async function openTab(
  who: Person,
  opts: { theme?: string; page?: string } = {},
): Promise<FrameLocator> {
  const q = new URLSearchParams({
    oid: who.aadObjectId,
    name: who.name,
    upn: who.upn,
    theme: opts.theme ?? 'default',
    page: opts.page ?? 'tab',
  });
  await page.goto(`${app.url}/dev/host.html?${q}`);
  return page.frameLocator('#tab');
}

/** Serious and critical axe-core violations in the tab's frame, as "rule: target" lines. */
async function seriousViolations(): Promise<string[]> {
  const frame = page.frames().find((f) => f.url().includes('/tab/'))!;
  await frame.evaluate(AXE);
  const results = await frame.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }
    ).axe;
    // Tabster (Fluent UI's focus manager) puts aria-hidden "dummy" inputs at the edges of arrow-key groups
    // such as the tab list; they hand focus straight on and are never read, so they are left out.
    const context = { include: [document], exclude: [['[data-tabster-dummy]']] };
    return (await axe.run(context, { resultTypes: ['violations'] })) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    };
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

test('when a lead opens the tab, then it greets the context user and shows the escalations oldest first', async () => {
  const tab = await openTab(LEAD);
  // The heading names the role, so it appears once the tab knows who is signed in.
  await tab.getByRole('heading', { level: 1, name: 'CTAC for leads', exact: true }).waitFor();
  await tab.getByText(`Signed in as ${LEAD.name}`).waitFor();
  const queue = tab.getByRole('list', { name: 'Escalated risks, oldest first' });
  await queue.waitFor();
  const titles = await queue.getByRole('heading', { level: 3 }).allTextContents();
  expect(titles).toEqual(['R-OLD: Shared admin accounts', 'R-NEW: Unsupported VPN appliance']);
  expect(await seriousViolations()).toEqual([]);
});

test('when a lead decides an escalation in the tab, then it leaves the queue and appears in the decision register', async () => {
  const tab = await openTab(LEAD);
  const form = tab.getByRole('form', { name: 'Decide on R-NEW' });
  await form.getByLabel('Decision').selectOption('treat');
  await form.getByLabel('Rationale').fill('Replace the VPN appliance by 31 March');
  await form.getByRole('button', { name: 'Record decision' }).click();
  await tab.getByRole('status').filter({ hasText: 'is in the decision register' }).waitFor();
  await tab.getByRole('form', { name: 'Decide on R-NEW' }).waitFor({ state: 'detached' });

  await tab.getByRole('tab', { name: 'Decisions' }).click();
  const row = tab.getByRole('row').filter({ hasText: 'Replace the VPN appliance by 31 March' });
  await row.waitFor();
  expect(await row.textContent()).toContain('Risk R-NEW');
  expect(await row.textContent()).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}/);
});

test('when a member opens the tab, then the leads-only views are not offered but the registers are', async () => {
  const tab = await openTab(MEMBER);
  await tab.getByText(`Signed in as ${MEMBER.name}`).waitFor();
  const offered = async (name: string) => tab.getByRole('tab', { name, exact: true }).count();
  expect(await tab.getByRole('tab').count()).toBe(7);
  for (const name of [
    'Risks',
    'Decisions',
    'HSA responses',
    'Alerts',
    'Rota',
    'Suppliers',
    'Lessons',
  ])
    expect(await offered(name)).toBe(1);
  for (const name of ['Escalations', 'HSA compliance', 'Exports', 'Figures'])
    expect(await offered(name)).toBe(0);
  await tab.getByRole('table', { name: /Heat map/ }).waitFor();
  expect(await seriousViolations()).toEqual([]);
});

test('when the theme is dark, then the tab renders dark, and follows changes to high contrast and light', async () => {
  const tab = await openTab(LEAD, { theme: 'dark' });
  await tab.getByText(`Signed in as ${LEAD.name}`).waitFor();
  const background = () =>
    tab.locator('.ctac-root').evaluate((el) => getComputedStyle(el).backgroundColor);
  const brightness = (rgb: string) => {
    const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
    return (r! + g! + b!) / 3;
  };
  expect(brightness(await background())).toBeLessThan(80);
  expect(await seriousViolations()).toEqual([]);

  // The new theme's background, and then every colour transition it started (Fluent's buttons fade
  // theirs) run to its end: the colours a person sees once the switch has settled.
  const waitForBackground = (rgb: string) =>
    tab.locator('.ctac-root').evaluate(
      (el, want) =>
        new Promise<void>((resolve) => {
          const check = () =>
            getComputedStyle(el).backgroundColor === want
              ? resolve()
              : requestAnimationFrame(check);
          check();
        }).then(() =>
          Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))).then(
            () => undefined,
          ),
        ),
      rgb,
    );
  await page.getByLabel('Theme').selectOption('contrast');
  await waitForBackground('rgb(0, 0, 0)');
  expect(await seriousViolations()).toEqual([]);
  await page.getByLabel('Theme').selectOption('default');
  await waitForBackground('rgb(255, 255, 255)');
  expect(brightness(await background())).toBeGreaterThan(200);
});

test('when the risks view is opened, then the heat map and the filters are labelled and accessible', async () => {
  const tab = await openTab(LEAD);
  await tab.getByRole('tab', { name: 'Risks' }).click();
  const heatMap = tab.getByRole('table', {
    name: /Heat map: \d+ risks? by likelihood and consequence/,
  });
  await heatMap.waitFor();
  await tab.getByLabel('Organisation').selectOption('ESCC');
  await tab.getByRole('table', { name: /Heat map: 1 risk by/ }).waitFor();
  expect(await seriousViolations()).toEqual([]);
});

test('when the channel tab is configured, then Save stores the tab address with the host', async () => {
  const tab = await openTab(LEAD, { page: 'config' });
  await tab.getByRole('heading', { name: 'Add CTAC to this channel' }).waitFor();
  await tab.getByText('Press Save to add it').waitFor();
  await page.getByRole('button', { name: 'Save (as Teams would)' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `"contentUrl":"${app.url}/tab/"` })
    .waitFor();
});

test('when a lead moves through every view with the keyboard, then each has its heading and no serious accessibility problems', async () => {
  const tab = await openTab(LEAD);
  await tab.getByRole('list', { name: 'Escalated risks, oldest first' }).waitFor();
  await tab.getByRole('tab', { name: 'Escalations' }).focus();
  for (const heading of [
    'Risk register',
    'Decision register',
    'HSA compliance',
    'HSA responses',
    'Alerts',
    'Rota',
  ]) {
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await tab.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
    await tab.getByText(/^Loading/).waitFor({ state: 'detached' });
    expect({ heading, problems: await seriousViolations() }).toEqual({ heading, problems: [] });
  }
});
