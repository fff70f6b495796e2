/**
 * Alert storm, ingest half: 1,000 signed webhook alerts in 10 seconds (open loop, one every 10 ms)
 * through the real HTTP stack into Azurite. Reports ingest latency (p50, p95, p99, max), how many
 * alerts were handed to the notifier (the Teams half's send queue takes it from there), and the
 * process's peak memory. The client and the app share this process; Azurite runs in its own (as
 * Table Storage is remote in production); all on loopback.
 *
 *   npm run build && node dist/bench/alerts-storm.js [count] [seconds]
 */
import type { Alert } from '../src/domain/alerts';
import type { AlertNotifier } from '../src/app/alerts/ports';
import { signWebhook } from '../src/api/alerts-webhook';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startApp } from '../src/server';
import { spawn } from 'child_process';
import { connect, createServer } from 'net';
import { azuriteConnectionString } from '../src/store/embedded-azurite';
import { fromRoot } from '../src/paths';

class CountingNotifier implements AlertNotifier {
  posted = 0;
  lastPostAt = 0;
  async postToChannel(_alert: Alert) {
    this.posted++;
    this.lastPostAt = performance.now();
  }
  async refreshCard() {}
  async page() {}
  async replyInThread() {}
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const count = Number(process.argv[2] ?? 1000);
  const seconds = Number(process.argv[3] ?? 10);
  const secret = 'bench-secret';
  const azurite = await startAzuriteProcess();
  const notifier = new CountingNotifier();
  const app = await startApp(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TABLES_CONNECTION_STRING: azurite.connectionString,
      CTAC_WEBHOOK_SECRET: secret,
      LOG_LEVEL: 'silent',
    }),
    { logger: createLogger('silent'), alertNotifier: notifier },
  );
  let peakRss = process.memoryUsage().rss;
  const baselineRss = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const gapMs = (seconds * 1000) / count;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * gapMs;
    const wait = due - performance.now();
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
      fetch(`${app.url}/api/alerts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ctac-timestamp': ts,
          'x-ctac-signature': signWebhook(secret, ts, body),
        },
        body,
      }).then(async (res) => {
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }),
    );
  }
  await Promise.all(sends);
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const mb = (v: number) => `${(v / 1024 / 1024).toFixed(0)} MB`;
  console.log(`alerts sent: ${count} over ${seconds} s (open loop)`);
  console.log(`statuses: ${[...statuses].map(([s, n]) => `${s} x${n}`).join(', ')}`);
  console.log(
    `ingest latency: p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies[latencies.length - 1])}`,
  );
  console.log(`all answered after ${ms(elapsed)}; handed to the notifier: ${notifier.posted}`);
  console.log(
    `process RSS: before ${mb(baselineRss)}, peak ${mb(peakRss)} (the app and this client; Azurite not included)`,
  );
  await app.stop();
  await azurite.stop();
}

/** Azurite's Table service as a child process, in memory, on a free loopback port. */
export async function startAzuriteProcess(): Promise<{
  connectionString: string;
  stop(): Promise<void>;
}> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(
    process.execPath,
    [
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
  let exited = false;
  child.once('exit', () => (exited = true));
  // Ready when the port answers.
  for (let i = 0; ; i++) {
    if (exited || i > 200) throw new Error('Azurite did not start.');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    connectionString: azuriteConnectionString(port),
    stop: async () => {
      child.kill();
    },
  };
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
