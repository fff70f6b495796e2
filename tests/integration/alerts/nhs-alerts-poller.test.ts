import { readFileSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { join } from 'path';
import { ALERT_POLLER_TABLES, TableNhsPollerStore } from '../../../src/store/alert-poller-store';
import { NhsAlertsPoller } from '../../../src/jobs/nhs-alerts-poller';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, people } from './fixtures';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/nhs-cyber-alerts', name), 'utf8'));

/** A small stand-in for the NHS cyber alerts API, serving the fixtures; tests may change its answers. */
class FakeNhsApi {
  answers = new Map<string, { status: number; body: unknown }>();
  requests: string[] = [];
  private server?: Server;
  base = '';
  reset() {
    this.requests = [];
    this.answers = new Map([
      ['/restapi/CyberAlert/page?page=1', { status: 200, body: fixture('page-1.json') }],
      ['/restapi/CyberAlert/page?page=2', { status: 200, body: fixture('page-2.json') }],
      [
        '/restapi/CyberAlert/single?threatid=CC-9002',
        { status: 200, body: fixture('single-CC-9002.json') },
      ],
      [
        '/restapi/CyberAlert/single?threatid=CC-9003',
        { status: 200, body: fixture('single-CC-9003.json') },
      ],
    ]);
  }
  async start() {
    this.reset();
    this.server = createServer((req, res) => {
      const url = req.url ?? '';
      this.requests.push(url);
      const threat = /threatid=([^&]*)/.exec(url)?.[1];
      const answer =
        this.answers.get(url) ??
        (threat
          ? {
              status: 403,
              body: { error: `The threatid=${decodeURIComponent(threat)} is not found` },
            }
          : { status: 404, body: { error: 'Not found' } });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/restapi/CyberAlert`;
  }
  stop() {
    return new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

let store: TableStore;
let stopStore: () => Promise<void>;
const api = new FakeNhsApi();
beforeAll(() => api.start());
afterAll(() => api.stop());
beforeEach(async () => {
  ({ store, stop: stopStore } = await startTestStore());
  await store.createTables(Object.values(ALERT_POLLER_TABLES));
  api.reset();
});
afterEach(() => stopStore());

async function pollerWorld() {
  const w = await alertWorld(store);
  const makePoller = (name = 'one') =>
    new NhsAlertsPoller({
      baseUrl: api.base,
      ingest: (incoming, actor) => w.service.ingest(incoming, actor),
      store: new TableNhsPollerStore(store),
      clock: w.clock,
      instanceId: name,
    });
  return { ...w, poller: makePoller(), makePoller };
}

test('when the poller first runs, then every recent HSA becomes an alert with the details from /single', async () => {
  const w = await pollerWorld();
  const summary = await w.poller.poll();
  expect(summary).toMatchObject({ polled: true, pagesRead: 2, updated: [], skipped: [] });
  expect(summary.created.sort()).toEqual(['CC-9000', 'CC-9001', 'CC-9002', 'CC-9003']);
  expect(w.notifier.of('post')).toHaveLength(4);

  const vpn = (await w.alerts.findByDedupKey('hsa', 'CC-9003'))?.alert;
  expect(vpn).toMatchObject({
    source: 'hsa',
    severity: 'High',
    cves: ['CVE-2026-90001', 'CVE-2026-90002'],
    url: 'https://digital.nhs.uk/cyber-alerts/2026/cc-9003',
    publishedAt: '2026-11-27T09:00:00.000Z',
  });
  expect(vpn?.remediation).toContain('1. Update: Upgrade Example VPN Gateway to 24.3.2 or later.');
  expect(vpn?.timeline[0]).toMatchObject({ kind: 'raised', source: 'job' });
  // /single answered 403 for CC-9001: the page item is enough.
  expect((await w.alerts.findByDedupKey('hsa', 'CC-9001'))?.alert.severity).toBe('Low');
  // A restricted alert has no severity: Information only.
  expect((await w.alerts.findByDedupKey('hsa', 'CC-9000'))?.alert.severity).toBe(
    'Information only',
  );
});

test('when nothing changed since the last poll, then it reads one page and posts nothing', async () => {
  const w = await pollerWorld();
  await w.poller.poll();
  api.requests = [];
  const calls = w.notifier.calls.length;
  const summary = await w.poller.poll();
  expect(summary).toMatchObject({ pagesRead: 1, created: [], updated: [] });
  expect(api.requests).toEqual(['/restapi/CyberAlert/page?page=1']);
  expect(w.notifier.calls).toHaveLength(calls);
});

test('when the app restarts, then the cursor in Table Storage stops it posting the same HSAs again', async () => {
  const w = await pollerWorld();
  await w.poller.poll();
  const restarted = w.makePoller('after-restart');
  const summary = await restarted.poll();
  expect(summary.created).toEqual([]);
  expect(w.notifier.of('post')).toHaveLength(4);
});

test('when an HSA changes, then its alert is updated in place and its card refreshed', async () => {
  const w = await pollerWorld();
  await w.poller.poll();
  const page = fixture('page-1.json');
  page.items[1].title = 'Example Office Suite updates: one now exploited';
  page.items[1].severity = 'High';
  const single = fixture('single-CC-9002.json');
  single.title = page.items[1].title;
  single.severity = 'High';
  api.answers.set('/restapi/CyberAlert/page?page=1', { status: 200, body: page });
  api.answers.set('/restapi/CyberAlert/single?threatid=CC-9002', { status: 200, body: single });

  const summary = await w.poller.poll();
  expect(summary).toMatchObject({ created: [], updated: ['CC-9002'] });
  const office = (await w.alerts.findByDedupKey('hsa', 'CC-9002'))?.alert;
  expect(office).toMatchObject({
    title: 'Example Office Suite updates: one now exploited',
    severity: 'High',
  });
  expect(office?.timeline.at(-1)).toMatchObject({
    kind: 'updated',
    changes: ['title', 'severity'],
  });
  // The CVEs from /single are kept.
  expect(office?.cves).toEqual(['CVE-2026-90010']);
  expect(w.notifier.of('refresh').map((c) => c.alertId)).toEqual([office?.id]);
  expect(w.notifier.of('post')).toHaveLength(4);
});

test('when items have nulls, unknown fields or no threat id, then the usable ones are taken and the rest listed', async () => {
  const w = await pollerWorld();
  api.answers.set('/restapi/CyberAlert/page?page=1', {
    status: 200,
    body: {
      currentPage: 1,
      totalPages: 1,
      somethingNew: { nested: [1, 2] },
      items: [
        null,
        { title: 'No id' },
        {
          threatId: 'cc-9100',
          publishedDate: null,
          title: null,
          summary: null,
          severity: 'Bogus',
          category: null,
          brandNewField: 'ignored',
        },
      ],
    },
  });
  const summary = await w.poller.poll();
  expect(summary.created).toEqual(['CC-9100']);
  expect(summary.skipped).toHaveLength(2);
  const alert = (await w.alerts.findByDedupKey('hsa', 'CC-9100'))?.alert;
  expect(alert).toMatchObject({ title: 'NHS cyber alert CC-9100', severity: 'Information only' });
});

test('when the API fails, then the poll reports it and the next poll runs normally', async () => {
  const w = await pollerWorld();
  api.answers.set('/restapi/CyberAlert/page?page=1', { status: 500, body: 'oops' });
  await expect(w.poller.poll()).rejects.toThrow('answered 500');
  expect(w.notifier.calls).toHaveLength(0);
  api.reset();
  expect((await w.poller.poll()).created).toHaveLength(4);
});

test('when two instances poll at once, then one polls and each HSA is posted once', async () => {
  const w = await pollerWorld();
  const [a, b] = await Promise.all([w.makePoller('a').poll(), w.makePoller('b').poll()]);
  expect([a.polled, b.polled].filter(Boolean)).toHaveLength(1);
  expect(w.notifier.of('post')).toHaveLength(4);
});

test('when an HSA was published more than 30 days ago, then the first poll leaves it out', async () => {
  const w = await pollerWorld();
  w.clock.set('2026-12-20T09:00:00Z');
  const summary = await w.poller.poll();
  // 20 Dec minus 30 days is 20 Nov, 09:00: CC-9001 (20 Nov 09:00) is just in, CC-9000 (13 Nov) is out.
  expect(summary.created.sort()).toEqual(['CC-9001', 'CC-9002', 'CC-9003']);
});

test('when a page reaches alerts older than 30 days, then the poll reads no further pages', async () => {
  const w = await pollerWorld();
  w.clock.set('2026-12-25T09:00:00Z');
  const summary = await w.poller.poll();
  expect(summary).toMatchObject({ created: ['CC-9003'], pagesRead: 1 });
  expect(api.requests).not.toContain('/restapi/CyberAlert/page?page=2');
});

test('when one HSA is asked for by id, then it is brought in from /single, and an unknown id is a clear not found', async () => {
  const w = await pollerWorld();
  const result = await w.poller.fetchOne(' cc-9002 ');
  expect(result).toMatchObject({
    outcome: 'created',
    alert: { dedupKey: 'CC-9002', cves: ['CVE-2026-90010'] },
  });
  expect((await w.poller.fetchOne('CC-9002')).outcome).toBe('duplicate');
  expect(await w.service.findByDedupKey(as(people.sam), 'hsa', 'cc-9002')).toMatchObject({
    id: result.alert.id,
  });
  await expect(w.poller.fetchOne('CC-4719')).rejects.toMatchObject({ code: 'not_found' });
  await expect(w.poller.fetchOne('CC/../x')).rejects.toMatchObject({ code: 'validation' });
});

test('when the API leaves out the page count, then the poller reads on until a page is empty', async () => {
  const w = await pollerWorld();
  for (const n of [1, 2]) {
    const page = fixture(`page-${n}.json`);
    delete page.totalPages;
    api.answers.set(`/restapi/CyberAlert/page?page=${n}`, { status: 200, body: page });
  }
  api.answers.set('/restapi/CyberAlert/page?page=3', { status: 200, body: { items: [] } });
  const summary = await w.poller.poll();
  expect(summary.created).toHaveLength(4);
  expect(summary.pagesRead).toBe(3);
});
