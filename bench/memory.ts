/**
 * Memory at idle (issue 18): the production server (dist/src/server.js, its own process) with storage
 * configured to an Azurite child, as the storm benchmark starts it. Reports its resident memory (RSS)
 * when /api/health first answers and after it has settled (idle for BENCH_MEMORY_SETTLE_S, 40 s by
 * default: V8 shrinks the heap it grew while loading a few seconds after start), beside the 120 MB goal
 * with the ratio; what the heap holds then (a snapshot taken with `--heapsnapshot-signal`, summed by
 * bench/heap-summary.ts); the packages loaded at start (bench/module-census.ts, loaded before the app);
 * and whether the packages a server of this configuration never needs were loaded.
 *
 *   npm run build && node dist/bench/memory.js
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startAzuriteProcess } from './alerts-storm';
import { summariseHeap } from './heap-summary';
import { figure, mb, processMemory, report, underGoal } from './lib';
import type { ModuleCensus } from './module-census';
import { startBenchApp } from './stack';

export const IDLE_GOAL_BYTES = 120 * 1024 * 1024;

/** Packages a server with this configuration (no Graph, no Notify, no telemetry, storage set) never uses. */
const NEVER_NEEDED: [string, string][] = [
  ['azurite', 'storage is configured'],
  ['@azure/monitor-opentelemetry', 'APPLICATIONINSIGHTS_CONNECTION_STRING is unset'],
  ['@microsoft/microsoft-graph-client', 'GRAPH_ENABLED is unset'],
  ['notifications-node-client', 'NOTIFY_API_KEY is unset'],
  ['react', 'the tab is built ahead, not served from source'],
  ['@fluentui/react-components', 'the tab is built ahead'],
  ['esbuild', 'the tab is built ahead'],
];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ratio = (value: number, goal: number) =>
  `${(value / goal).toFixed(2)}x (${value < goal ? 'met' : 'not met'})`;

async function main() {
  const settleSeconds = Number(process.env['BENCH_MEMORY_SETTLE_S'] ?? 40);
  const dir = mkdtempSync(join(tmpdir(), 'ctac-memory-'));
  const censusFile = join(dir, 'census.json');
  const azurite = await startAzuriteProcess();
  const startedAt = Date.now();
  const app = await startBenchApp(
    azurite.connectionString,
    {
      BENCH_CENSUS_FILE: censusFile,
      BENCH_CENSUS_AFTER_MS: String((settleSeconds - 2) * 1000),
    },
    [
      `--heapsnapshot-signal=SIGUSR2`,
      `--diagnostic-dir=${dir}`,
      '-r',
      join(__dirname, 'module-census.js'),
    ],
  );
  const atHealth = processMemory(app.pid);
  const healthyAfter = Date.now() - startedAt;
  const samples: number[] = [];
  for (let s = 0; s < settleSeconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    samples.push(processMemory(app.pid)?.rss ?? 0);
  }
  const idle = samples[samples.length - 1] ?? 0;
  const startPeak = processMemory(app.pid)?.peak ?? 0;

  // The snapshot after the idle figure, so taking it changes nothing measured.
  process.kill(app.pid, 'SIGUSR2');
  let snapshot: string | undefined;
  for (let i = 0; i < 300 && !snapshot; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    // Written once the file's size stops changing (V8 streams it out).
    if (file) {
      const size = () => readFileSync(join(dir, file)).length;
      const first = size();
      await new Promise((r) => setTimeout(r, 500));
      if (first > 0 && size() === first) snapshot = join(dir, file);
    }
  }
  await app.stop();
  await azurite.stop();
  const heap = snapshot ? summariseHeap(snapshot) : undefined;
  const census = JSON.parse(readFileSync(censusFile, 'utf8')) as ModuleCensus;
  rmSync(dir, { recursive: true, force: true });

  figure(
    underGoal(`idle: app memory (RSS) ${settleSeconds} s after start`, idle, IDLE_GOAL_BYTES, mb),
  );
  const loaded = new Set(census.packages.map(([name]) => name));
  const heapLine = heap
    ? `${mb(heap.totalBytes)} live (snapshot): ${heap.byType
        .slice(0, 5)
        .map(([type, bytes]) => `${type} ${mb(bytes)}`)
        .join(', ')}`
    : 'no snapshot written';
  report(`## Memory at idle (the production server, storage configured, nothing to do)

| measure | value | goal | ratio |
| --- | --- | --- | --- |
| RSS after start and ${settleSeconds} s idle | ${mb(idle)} | under 120 MB | ${ratio(idle, IDLE_GOAL_BYTES)} |
| RSS when /api/health first answered (${(healthyAfter / 1000).toFixed(1)} s after start) | ${mb(atHealth?.rss ?? 0)} | - | - |
| highest RSS while starting (VmHWM) | ${mb(startPeak)} | - | - |
| lowest / highest RSS while idle | ${mb(Math.min(...samples))} / ${mb(Math.max(...samples))} | - | - |
| V8 heap at the end of the idle time | ${mb(census.memory.heapUsed)} used of ${mb(census.memory.heapTotal)}; ${heapLine} | - | - |

${census.modules} modules loaded at start. The largest packages by the size of their files (their source stays
in the heap as strings, and their compiled code beside it):

| package | modules | source |
| --- | --- | --- |
${census.packages
  .slice(0, 12)
  .map(([name, n, bytes]) => `| ${name} | ${n} | ${kb(bytes)} |`)
  .join('\n')}

Packages this configuration never needs, and whether the server loaded them: ${NEVER_NEEDED.map(
    ([name, why]) => `${name} (${why}): ${loaded.has(name) ? '**loaded**' : 'not loaded'}`,
  ).join('; ')}.

The app runs in its own process (RSS from /proc, sampled each second); Azurite in another, in memory.`);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
