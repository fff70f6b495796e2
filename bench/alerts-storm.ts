/**
 * Alert storm: 1,000 signed webhook alerts in 10 seconds (open loop, one every 10 ms) through the real
 * HTTP stack into the app (its own process, the real Teams notifier and persisted send queue) and
 * Azurite (its own process). The ICS cyber channel's messages go to a local connector that enforces
 * Teams' per-conversation limits (7 a second, 8 in 2 seconds, 60 in 30 seconds) and answers 429 past
 * them. Reports ingest latency (p50, p95, p99, max), the time until every alert is visible in the
 * channel (its own card or a line on the storm digest), the 429s, and the app's peak memory (VmHWM).
 *
 *   npm run build && node dist/bench/alerts-storm.js [count] [seconds]
 */
import { signWebhook } from '../src/api/alerts-webhook';
import { fromRoot } from '../src/paths';
import { azuriteConnectionString } from '../src/store/embedded-azurite';
import { spawn } from 'child_process';
import { Agent, request } from 'http';
import {
  freePort,
  mb,
  ms,
  percentile,
  processMemory,
  report,
  TeamsLimitConnector,
  waitForPort,
} from './lib';
import { saveBenchChannel, startBenchApp, storeAt } from './stack';

/** A sender's connections: kept alive and reused, one per alert in flight, so a request is signed when it is sent. */
const agent = new Agent({ keepAlive: true, maxSockets: 1000 });
function post(port: number, path: string, body: string, headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers, agent, timeout: 120_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

async function main() {
  const count = Number(process.argv[2] ?? 1000);
  const seconds = Number(process.argv[3] ?? 10);
  const visibleTimeoutMs = Number(process.env['BENCH_STORM_TIMEOUT_MS'] ?? 180_000);
  const secret = 'bench-secret';
  const azurite = await startAzuriteProcess();
  const connector = await TeamsLimitConnector.start();
  const app = await startBenchApp(azurite.connectionString, { CTAC_WEBHOOK_SECRET: secret });
  const port = app.port;
  await saveBenchChannel(storeAt(azurite.connectionString), connector.url);

  // Which alerts people in the channel can see: their titles in any delivered message.
  const visible = new Set<number>();
  let allVisibleAt = 0;
  connector.onDelivered = (body, at) => {
    for (const m of body.matchAll(/Storm alert (\d+):/g)) visible.add(Number(m[1]));
    if (!allVisibleAt && visible.size >= count) allVisibleAt = at;
  };

  const before = processMemory(app.pid);
  let peakRss = before?.rss ?? 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, processMemory(app.pid)?.rss ?? 0);
  }, 50);

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const gapMs = (seconds * 1000) / count;
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + i * gapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({
      source: 'incident',
      id: `STORM-${i}`,
      title: `Storm alert ${i}: suspicious sign-ins`,
      severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
      summary: 'Many failed sign-ins from one address range.',
      organisations: ['RXH'],
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const t0 = performance.now();
    sends.push(
      post(port, '/api/alerts', body, {
        'content-type': 'application/json',
        'x-ctac-timestamp': ts,
        'x-ctac-signature': signWebhook(secret, ts, body),
      }).then(
        (status) => {
          latencies.push(performance.now() - t0);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
        () => {
          latencies.push(performance.now() - t0);
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
        },
      ),
    );
  }
  await Promise.all(sends);
  const answeredMs = Date.now() - started;
  while (!allVisibleAt && Date.now() - started < visibleTimeoutMs)
    await new Promise((r) => setTimeout(r, 200));
  clearInterval(sampler);
  const after = processMemory(app.pid);
  latencies.sort((a, b) => a - b);

  report(`## Alert storm (${count} signed webhook alerts in ${seconds} s, open loop)

| measure | value |
| --- | --- |
| answers | ${[...statuses].map(([s, n]) => `${s || 'no answer'} x${n}`).join(', ')} |
| ingest p50 / p95 / p99 / max | ${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))} / ${ms(percentile(latencies, 99))} / ${ms(latencies[latencies.length - 1]!)} |
| all answered after | ${(answeredMs / 1000).toFixed(1)} s |
| every alert visible in the channel after | ${allVisibleAt ? `${((allVisibleAt - started) / 1000).toFixed(1)} s` : `not within ${visibleTimeoutMs / 1000} s (${visible.size} of ${count} visible)`} |
| messages to the connector (posts and updates) / 429s | ${connector.requests} / ${connector.throttled} (target 0: ${connector.throttled === 0 ? 'met' : 'not met'}) |
| largest message sent | ${(connector.largestBody / 1024).toFixed(1)} KB (Teams refuses about 28 KB and more) |
| app memory (RSS): before / peak during the storm | ${mb(before?.rss ?? 0)} / ${mb(Math.max(peakRss, after?.peak ?? 0))} |

The app runs in its own process (peak from /proc VmHWM and 50 ms samples); Azurite in another.`);
  await app.stop();
  await connector.stop();
  await azurite.stop();
}

/** Azurite's Table service as a child process, in memory, on a free loopback port. */
export async function startAzuriteProcess(): Promise<{
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // BENCH_AZURITE_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile Azurite.
      ...(process.env['BENCH_AZURITE_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
      fromRoot('node_modules/azurite/dist/src/table/main.js'),
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--inMemoryPersistence',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child);
  return {
    connectionString: azuriteConnectionString(port),
    pid: child.pid!,
    stop: async () => {
      // SIGINT: Azurite closes and exits (writing its profile when asked for one).
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
