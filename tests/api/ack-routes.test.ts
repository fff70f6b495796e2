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
 * The acknowledge page through the real server (issue 16): what it draws, what it refuses and what a
 * press changes. The links are issued over the app's own store, as the paging code issues them.
 */
let azurite: EmbeddedAzurite;
let app: RunningApp;
let clock: FakeClock;
let notifier: RecordingNotifier;
let alerts: TableAlertRepository;
let links: AckLinks;
let ingest: (title?: string) => Promise<Alert>;

beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  clock = new FakeClock('2026-11-28T09:00:00Z');
  notifier = new RecordingNotifier();
  app = await startApp(
    loadConfig({ NODE_ENV: 'test', PORT: '0', TABLES_CONNECTION_STRING: azurite.connectionString }),
    { logger: createLogger('silent'), clock, alertNotifier: notifier, jobs: false },
  );
  alerts = new TableAlertRepository(app.store);
  // The alert fixtures' members and a way to raise alerts, over the app's store.
  const w = await alertWorld(app.store, { clock });
  let n = 0;
  ingest = async (title = 'Ransomware detected on a file server') =>
    (await w.service.ingest(incident({ dedupKey: `PAGE-${++n}`, title }), webhookActor)).alert;
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
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
});

const HOSTILE_TITLE =
  'Ransomware <script>alert("x")</script> & <img src=https://evil.example/x.png>';

interface Drawn {
  status: number;
  html: string;
  headers: Headers;
  cookie?: string;
  check?: string;
}

async function open(url: string): Promise<Drawn> {
  const res = await fetch(url);
  const html = await res.text();
  const setCookie = res.headers.get('set-cookie') ?? '';
  return {
    status: res.status,
    html,
    headers: res.headers,
    cookie: /ctac_ack=([^;]+)/.exec(setCookie)?.[1],
    check: /name="check" value="([^"]+)"/.exec(html)?.[1],
  };
}

interface PressOptions {
  cookie?: string;
  check?: string;
  headers?: Record<string, string>;
}

async function press(url: string, opts: PressOptions = {}) {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(opts.cookie ? { cookie: `ctac_ack=${opts.cookie}` } : {}),
      ...(opts.headers ?? { 'sec-fetch-site': 'same-origin', origin: 'null' }),
    },
    body: new URLSearchParams(opts.check ? { check: opts.check } : {}).toString(),
  });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

const acknowledgements = async (alertId: string) =>
  (await alerts.get(alertId))!.alert.timeline.filter((e) => e.kind === 'acknowledged');

async function cardRefreshed(alertId: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (notifier.of('refresh').some((c) => c.alertId === alertId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

test('when a link is opened, then the page shows the title escaped, the severity and one Acknowledge form, and loads nothing', async () => {
  const alert = await ingest(HOSTILE_TITLE);
  const url = await links.issue(people.sam.aadObjectId, alert.id, 'sms');
  expect(url.startsWith(`${app.url}/ack/`)).toBe(true);
  const page = await open(url);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const escaped =
    'Ransomware &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=https://evil.example/x.png&gt;';
  expect(page.html).toContain(`<h1>${escaped}</h1>`);
  // The markup itself, without the (escaped) title's text.
  const markup = page.html.split(escaped).join('');
  expect(markup).toMatch(/<span class="severity sev-high">high<\/span>/);
  expect(markup.match(/<form /g)).toHaveLength(1);
  expect(markup).toContain(`<form method="post" action="${new URL(url).pathname}">`);
  expect(markup).toContain('<button type="submit">Acknowledge</button>');
  expect(markup).toContain('<html lang="en-GB">');
  // No script at all, and nothing fetched from anywhere: no src, href, url() or @import, no address.
  expect(markup).not.toMatch(/<script|<img|<link|<iframe/i);
  expect(markup).not.toMatch(/\s(src|href)=|url\(|@import/i);
  expect(markup).not.toMatch(/https?:|\/\//);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
  expect(csp).toContain("form-action 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe|script-src|\*/);
  expect(page.headers.get('cache-control')).toBe('no-store');
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  const setCookie = page.headers.get('set-cookie') ?? '';
  expect(setCookie).toContain(`Path=${new URL(url).pathname}`);
  expect(setCookie).toContain('HttpOnly');
  expect(setCookie).toContain('SameSite=Strict');
  expect(page.cookie).toBeDefined();
  expect(page.check).toBeDefined();
});

test('when the press comes from another site, without same-origin, or with a wrong or missing form value, then it is refused and nothing changes', async () => {
  const alert = await ingest();
  const url = await links.issue(people.sam.aadObjectId, alert.id, 'sms');
  const page = await open(url);
  const other = await open(url);
  const before = await alerts.get(alert.id);
  const attempts: PressOptions[] = [
    // Cross-site, with everything else right.
    { cookie: page.cookie, check: page.check, headers: { 'sec-fetch-site': 'cross-site' } },
    { cookie: page.cookie, check: page.check, headers: { 'sec-fetch-site': 'same-site' } },
    { cookie: page.cookie, check: page.check, headers: { origin: 'https://evil.example' } },
    { cookie: page.cookie, check: page.check, headers: { origin: 'null' } },
    { cookie: page.cookie, check: page.check, headers: {} },
    // Same origin, but the form value is wrong, missing, or from another drawing of the page.
    { cookie: page.cookie, check: 'x'.repeat(43) },
    { cookie: page.cookie },
    { check: page.check },
    { cookie: other.cookie, check: page.check },
  ];
  for (const attempt of attempts) {
    const res = await press(url, attempt);
    expect(res.status).toBe(403);
    expect(res.html).toContain('This request was not made from the acknowledge page');
    expect(res.html).toContain('Nothing was changed');
  }
  expect(await alerts.get(alert.id)).toEqual(before);
  expect((await open(url)).status).toBe(200);
});

test('when the person presses Acknowledge, then the alert is acknowledged from sms, the card is updated and they are thanked', async () => {
  const alert = await ingest();
  const url = await links.issue(people.sam.aadObjectId, alert.id, 'sms');
  const page = await open(url);
  clock.set('2026-11-28T09:04:00Z');
  const res = await press(url, { cookie: page.cookie, check: page.check });
  expect(res.status).toBe(200);
  expect(res.html).toContain('<h1>Acknowledged. Thank you, Sam Patel.</h1>');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(await acknowledgements(alert.id)).toEqual([
    expect.objectContaining({
      kind: 'acknowledged',
      source: 'sms',
      actor: expect.objectContaining({ name: 'Sam Patel', source: 'sms' }),
    }),
  ]);
  expect(await cardRefreshed(alert.id)).toBe(true);

  // The link is used up: the page and a second press say so, and nothing more is recorded.
  const again = await open(url);
  expect(again.status).toBe(410);
  expect(again.html).toContain('This link has already been used');
  expect(again.html).not.toContain('<form');
  const second = await press(url, { cookie: page.cookie, check: page.check });
  expect(second.status).toBe(410);
  expect(await acknowledgements(alert.id)).toHaveLength(1);
});

test('when a browser sends only an Origin of this app, then the press is taken', async () => {
  const alert = await ingest();
  const url = await links.issue(people.alex.aadObjectId, alert.id, 'email');
  const page = await open(url);
  const res = await press(url, {
    cookie: page.cookie,
    check: page.check,
    headers: { origin: app.url },
  });
  expect(res.status).toBe(200);
  expect(res.html).toContain('Thank you, Alex Jones.');
  expect((await acknowledgements(alert.id))[0]).toMatchObject({ source: 'email' });
});

test('when two presses of one link arrive at once, then the alert is acknowledged once', async () => {
  const alert = await ingest();
  const url = await links.issue(people.sam.aadObjectId, alert.id, 'sms');
  const page = await open(url);
  const results = await Promise.all(
    Array.from({ length: 4 }, () => press(url, { cookie: page.cookie, check: page.check })),
  );
  expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410, 410]);
  expect(await acknowledgements(alert.id)).toHaveLength(1);
});

test('when a link is forged or expired, then a clear page says so and the button is gone', async () => {
  const forged = await open(`${app.url}/ack/${'A'.repeat(43)}`);
  expect(forged.status).toBe(404);
  expect(forged.html).toContain('This link is not valid');
  expect(forged.html).not.toContain('<form');
  expect(forged.cookie).toBeUndefined();
  const junk = await open(`${app.url}/ack/%3Cscript%3E`);
  expect(junk.status).toBe(404);
  expect(junk.html).not.toContain('<script>');

  const alert = await ingest();
  const url = await links.issue(people.sam.aadObjectId, alert.id, 'sms');
  const page = await open(url);
  clock.advance(24 * 60 * 60 * 1000);
  const expired = await open(url);
  expect(expired.status).toBe(410);
  expect(expired.html).toContain('This link has expired');
  const late = await press(url, { cookie: page.cookie, check: page.check });
  expect(late.status).toBe(410);
  expect((await alerts.get(alert.id))!.alert.state).toBe('triggered');
});

// Last: it uses up this client's count for the acknowledge pages.
test('when one address opens acknowledge pages over and over, then it is rate limited', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 65; i++)
    statuses.push((await fetch(`${app.url}/ack/${'B'.repeat(43)}`)).status);
  expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(60);
  expect(statuses.at(-1)).toBe(429);
});
