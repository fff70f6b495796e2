/**
 * Runs every benchmark in bench/, one after another, each in its own process, and writes
 * bench/RESULTS.md: the machine, the date, a summary of the headline figures each beside its floor or
 * goal with the ratio, and each benchmark's own section. A run of every benchmark also replaces the
 * README's table of the latest figures (between its bench:start and bench:end markers).
 * Quick sizes by default (the whole run takes a few minutes); `--full` for the sizes the issues
 * specify (1,000 alerts in the storm; more acknowledgements; the tab API with its full register,
 * which takes several minutes to seed on its own; the load for 60 s rather than 20).
 *
 *   npm run bench            (npm run build && node dist/bench/run.js)
 *   npm run bench -- --full
 */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { fromRoot } from '../src/paths';
import { formatUkDateTime } from '../src/domain/shared/time';
import { fullSizes, machine, type Figure } from './lib';

interface Bench {
  name: string;
  script: string;
  args: (full: boolean) => string[];
  env?: (full: boolean) => Record<string, string>;
  /** A benchmark that writes its own results file rather than reporting through BENCH_RESULT_FILE. */
  ownResults?: string;
}

const BENCHES: Bench[] = [
  // Issue 18: the production server's memory after start and settling, and what it loaded.
  {
    name: 'Memory at idle',
    script: 'memory.js',
    args: () => [],
  },
  {
    name: 'Acknowledge latency',
    script: 'alerts-ack.js',
    args: (full) => (full ? ['--full'] : []),
  },
  // Quick: 200 alerts in 2 s (the same rate); full: 1,000 in 10 s.
  {
    name: 'Alert storm',
    script: 'alerts-storm.js',
    args: (full) => (full ? ['1000', '10'] : ['200', '2']),
    env: (full) => ({ BENCH_STORM_TIMEOUT_MS: full ? '180000' : '60000' }),
  },
  // Quick: a tenth of the register; full: the 10,000 risks, 5,000 decisions and 50,000 alerts of
  // issue 6 (also written to bench/RESULTS-tab.md).
  {
    name: 'Tab API listings',
    script: 'tab-api.js',
    args: (full) => (full ? [] : ['1000', '500', '5000', '10']),
  },
  // Issue 16: pages to the primary at 20 alerts a second (quick 5 s, full 10 s), then one alert
  // paged to ten people on Teams and text (3 repeats quick, 5 full; each waits the texts' minute).
  {
    name: 'Paging',
    script: 'paging.js',
    args: (full) => (full ? ['--full'] : []),
  },
  // 50 members at once: quick 20 s, full 60 s.
  {
    name: 'Load',
    script: 'load.js',
    args: (full) => (full ? ['--full'] : []),
  },
];

async function runOne(bench: Bench, full: boolean, resultFile: string): Promise<number> {
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [fromRoot('dist/bench', bench.script), ...bench.args(full)],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          // RESULTS.md holds this machine's figures, on Azurite: an account is for the scripts run on
          // their own (docs/benchmarks.md, "On a Table Storage account").
          BENCH_STORAGE_CONNECTION_STRING: '',
          ...bench.env?.(full),
          BENCH_RESULT_FILE: resultFile,
          BENCH_FIGURES_FILE: `${resultFile}.figures`,
          BENCH_FULL: full ? '1' : '0',
        },
      },
    );
    child.once('exit', (c) => resolve(c ?? 1));
  });
  console.log(
    `${bench.name}: ${code === 0 ? 'done' : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return code;
}

const verdict = (f: Figure) => (f.met === undefined ? '' : f.met ? ' (met)' : ' (not met)');

/** The headline figures as one Markdown table. */
function figureTable(figures: Figure[]): string {
  return [
    '| figure | latest | floor or goal | ratio |',
    '| --- | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.measure} | ${f.value} | ${f.goal} | ${f.ratio === undefined ? '-' : `${f.ratio.toFixed(2)}x`}${verdict(f)} |`,
    ),
  ].join('\n');
}

/**
 * The README keeps one table of the latest figures and a link to bench/RESULTS.md (no diary): replaced
 * between its markers after a run of every benchmark.
 */
function updateReadme(figures: Figure[], full: boolean, startedAt: Date): void {
  const path = fromRoot('README.md');
  const readme = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return;
  const block = `${start}
The latest ${full ? 'full' : 'quick'} run (\`npm run bench${full ? ' -- --full' : ''}\`, ${formatUkDateTime(startedAt)}, ${cpus().length} shared cores):

${figureTable(figures)}
`;
  writeFileSync(path, readme.slice(0, from) + block + readme.slice(to));
}

async function main() {
  const full = fullSizes();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const dir = mkdtempSync(join(tmpdir(), 'ctac-bench-'));
  const startedAt = new Date();
  const sections: string[] = [];
  const header = `# Benchmark results

Machine: ${machine()}.
Run: ${formatUkDateTime(startedAt)} (UK time), ${full ? 'full sizes (`npm run bench -- --full`)' : 'quick sizes (`npm run bench`; `-- --full` for the full ones)'}.
Every benchmark runs in its own process; Azurite (Table Storage) runs in another, in memory, on loopback; the
app and the baseline bots run in their own processes too where a benchmark says so. Figures on a shared
machine vary from run to run: compare ratios measured in the same run, not absolute times across runs.
Earlier runs: [bench/HISTORY.md](HISTORY.md).
`;
  let failures = 0;
  const figures: Figure[] = [];
  for (const bench of BENCHES) {
    if (only.length && !only.some((o) => bench.script.startsWith(o))) continue;
    const resultFile = join(dir, `${bench.script}.md`);
    const code = await runOne(bench, full, resultFile);
    if (code !== 0) failures++;
    if (existsSync(`${resultFile}.figures`))
      figures.push(
        ...readFileSync(`${resultFile}.figures`, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Figure),
      );
    const source = bench.ownResults ? fromRoot('bench', bench.ownResults) : resultFile;
    const text = existsSync(source) ? readFileSync(source, 'utf8').trim() : '';
    sections.push(
      code === 0 && text
        ? bench.ownResults
          ? `## ${bench.name} (from bench/${bench.ownResults})\n\n${text.replace(/^#+ .*\n/, '')}`
          : text
        : `## ${bench.name}\n\nFailed in this run (exit ${code}).`,
    );
  }
  const summary = `## Summary: each figure beside its floor or goal

${figureTable(figures)}

Load average at the end of the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (other work on the machine slows what is measured; the memory figures move least).
`;
  writeFileSync(
    fromRoot('bench', 'RESULTS.md'),
    `${header}\n${summary}\n${sections.join('\n\n')}\n`,
  );
  if (!only.length) updateReadme(figures, full, startedAt);
  console.log(`wrote bench/RESULTS.md${failures ? ` (${failures} benchmark(s) failed)` : ''}`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
