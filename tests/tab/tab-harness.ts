import { readFileSync } from 'fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { buildTab } from '../../scripts/build-tab';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { fromRoot } from '../../src/paths';
import { startApp, type RunningApp } from '../../src/server';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import { seedTabData } from '../api/tab-fixtures';

/**
 * The app with the development host, seeded with the tab's fixtures, and Debian's chromium, for the tab's
 * browser tests. Every request that is not to loopback is aborted and recorded, and every CSP refusal in any
 * frame is recorded, so a test can assert the tab reached nothing else and was refused nothing.
 */
export interface TabHarness {
  app: RunningApp;
  browser: Browser;
  /** A browser context that aborts and records requests off loopback. */
  newContext(opts?: BrowserContextOptions): Promise<BrowserContext>;
  /** URLs of requests made off loopback (all aborted). */
  offLoopback: string[];
}

export type TabPerson = { aadObjectId: string; name: string; upn: string };

export async function startTabHarness(): Promise<TabHarness & { stop(): Promise<void> }> {
  await buildTab();
  const azurite: EmbeddedAzurite = await startEmbeddedAzurite();
  const app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_DEV_HOST: 'true',
    }),
    { logger: createLogger('silent') },
  );
  await seedTabData(app.store);
  const browser = await chromium.launch({
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
  const offLoopback: string[] = [];
  const newContext = async (opts: BrowserContextOptions = {}) => {
    const context = await browser.newContext({
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      ...opts,
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      const host = new URL(url).hostname;
      if (host === '127.0.0.1' || host === 'localhost') return route.continue();
      offLoopback.push(url);
      return route.abort();
    });
    // In every frame, before its scripts: keep each CSP refusal where the test can read it.
    await context.addInitScript(() => {
      const w = window as unknown as { cspRefusals: string[] };
      w.cspRefusals = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.cspRefusals.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    return context;
  };
  return {
    app,
    browser,
    newContext,
    offLoopback,
    stop: async () => {
      await browser.close();
      await app.stop();
      await azurite.stop();
    },
  };
}

/** Opens the development host page framing the tab as this person, with the Teams settings given. */
export async function openTab(
  page: Page,
  app: RunningApp,
  who: TabPerson,
  opts: { theme?: string; page?: string; locale?: string; subPageId?: string } = {},
): Promise<FrameLocator> {
  const q = new URLSearchParams({
    oid: who.aadObjectId,
    name: who.name,
    upn: who.upn,
    theme: opts.theme ?? 'default',
    page: opts.page ?? 'tab',
    ...(opts.locale && { locale: opts.locale }),
    ...(opts.subPageId && { subPageId: opts.subPageId }),
  });
  await page.goto(`${app.url}/dev/host.html?${q}`);
  return page.frameLocator('#tab');
}

/** CSP refusals recorded in every frame of the page, and console messages that report one. */
export async function cspRefusals(page: Page, consoleErrors: string[]): Promise<string[]> {
  const recorded = await Promise.all(
    page
      .frames()
      .map((f) =>
        f
          .evaluate(() => (window as unknown as { cspRefusals?: string[] }).cspRefusals ?? [])
          .catch(() => [] as string[]),
      ),
  );
  return [
    ...recorded.flat(),
    ...consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m)),
  ];
}

const AXE = readFileSync(fromRoot('node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Serious and critical axe-core violations in the tab's frame, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
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

/** What does not fit at this width: sideways scrolling, tabs off screen, header text spilling, badges spilling. */
export async function layoutProblems(tab: FrameLocator): Promise<string[]> {
  return tab.locator('body').evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth)
      problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    for (const t of Array.from(document.querySelectorAll('[role="tab"]'))) {
      const r = t.getBoundingClientRect();
      if (r.left < 0 || r.right > root.clientWidth)
        problems.push(`tab off screen: ${t.textContent}`);
    }
    const textBox = (el: Element) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return Array.from(range.getClientRects());
    };
    const outside = (inner: DOMRect, outer: DOMRect) =>
      inner.left < outer.left - 1 || inner.right > outer.right + 1;
    for (const th of Array.from(document.querySelectorAll('thead th'))) {
      const box = th.getBoundingClientRect();
      if (textBox(th).some((r) => r.width > 0 && outside(r, box)))
        problems.push(`header text spills out of its cell: ${th.textContent}`);
    }
    for (const row of Array.from(document.querySelectorAll('thead tr'))) {
      const cells = Array.from(row.querySelectorAll('th')).map((th) => th.getBoundingClientRect());
      for (let i = 1; i < cells.length; i++)
        if (cells[i]!.left < cells[i - 1]!.right - 1)
          problems.push(`header cells overlap: ${row.textContent}`);
    }
    for (const badge of Array.from(document.querySelectorAll('.fui-Badge'))) {
      const cell = badge.closest('td, th, p, li');
      if (cell && outside(badge.getBoundingClientRect(), cell.getBoundingClientRect()))
        problems.push(`badge spills out: ${badge.textContent}`);
    }
    return problems;
  });
}
