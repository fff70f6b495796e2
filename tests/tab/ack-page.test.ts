import { chromium, type Browser } from 'playwright-core';
import { AckLinks } from '../../src/app/alerts/ack-links';
import { loadConfig } from '../../src/config';
import type { Alert } from '../../src/domain/alerts';
import { FakeClock } from '../../src/domain/shared/clock';
import { createLogger } from '../../src/logger';
import { startApp, type RunningApp } from '../../src/server';
import { TableAckLinkStore } from '../../src/store/ack-link-store';
import { TableAlertRepository } from '../../src/store/alert-repository';
import { TableMemberRepository } from '../../src/store/directory-repositories';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';
import {
  alertWorld,
  incident,
  people,
  RecordingNotifier,
  webhookActor,
} from '../integration/alerts/fixtures';

/*
 * The acknowledge page as a person meets it on a phone (issue 16): Debian's Chromium, 360 px wide, with
 * JavaScript switched off, opens the link from a text and presses Acknowledge.
 */
let azurite: EmbeddedAzurite;
let app: RunningApp;
let browser: Browser;
let alerts: TableAlertRepository;
let links: AckLinks;
let alert: Alert;
const clock = new FakeClock('2026-11-28T09:00:00Z');
const notifier = new RecordingNotifier();

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  app = await startApp(
    loadConfig({ NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString }),
    { logger: createLogger('silent'), clock, alertNotifier: notifier, jobs: false },
  );
  alerts = new TableAlertRepository(app.store);
  const w = await alertWorld(app.store, { clock });
  alert = (
    await w.service.ingest(
      incident({
        dedupKey: 'PHONE-1',
        title: 'Ransomware detected on a file server at the county council’s main data centre',
        severity: 'critical',
      }),
      webhookActor,
    )
  ).alert;
  links = new AckLinks({
    store: new TableAckLinkStore(app.store),
    alerts,
    members: new TableMemberRepository(app.store),
    acknowledge: async () => {
      throw new Error('the test issues links; the app acknowledges');
    },
    clock,
    baseUrl: () => app.url,
  });
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
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await azurite?.stop();
});

test('when a person opens the link on a 360 px phone without JavaScript and presses Acknowledge, then the alert is theirs', async () => {
  const url = await links.issue(people.sam.aadObjectId, alert.id, 'sms');
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  const requested: string[] = [];
  await context.route('**/*', (route) => {
    const request = route.request();
    requested.push(`${request.method()} ${request.url()}`);
    const host = new URL(request.url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });

  const opened = await page.goto(url);
  expect(opened?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toBe(alert.title);
  await expect(page.locator('.severity').textContent()).resolves.toBe('critical');
  const button = page.getByRole('button', { name: 'Acknowledge' });
  const box = await button.boundingBox();
  // The button fits the screen and is large enough to press with a thumb.
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(360);
  expect(box!.height).toBeGreaterThanOrEqual(44);
  const heading = await page.locator('h1').boundingBox();
  expect(heading!.x + heading!.width).toBeLessThanOrEqual(360);

  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    button.tap(),
  ]);
  expect(answer.status()).toBe(200);
  await page.locator('h1', { hasText: 'Acknowledged' }).waitFor();
  await expect(page.locator('h1').textContent()).resolves.toBe(
    'Acknowledged. Thank you, Sam Patel.',
  );
  const stored = await alerts.get(alert.id);
  expect(stored?.alert.state).toBe('acknowledged');
  expect(stored?.alert.timeline.at(-1)).toMatchObject({
    kind: 'acknowledged',
    source: 'sms',
    actor: { name: 'Sam Patel' },
  });

  // The page and its press were all the browser asked for: nothing else, nothing refused.
  expect(requested).toEqual([`GET ${url}`, `POST ${url}`]);
  expect(problems).toEqual([]);

  // Opened again, the link is used up and there is nothing to press.
  await page.goto(url);
  await expect(page.locator('h1').textContent()).resolves.toBe('This link has already been used');
  expect(await page.getByRole('button').count()).toBe(0);
  await context.close();
}, 60_000);
