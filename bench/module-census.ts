/**
 * Loaded before the app (`node -r dist/bench/module-census.js dist/src/server.js`) by bench/memory.ts:
 * after BENCH_CENSUS_AFTER_MS it writes to BENCH_CENSUS_FILE every module the app has loaded, counted per
 * package with the size of their files, and the process's memory then. Bench only: the app never loads it.
 */
import { statSync, writeFileSync } from 'fs';
import { packageOf } from './heap-summary';

export interface ModuleCensus {
  modules: number;
  /** [package, modules, bytes of their files], largest first. */
  packages: [string, number, number][];
  memory: NodeJS.MemoryUsage;
}

const file = process.env['BENCH_CENSUS_FILE'];
if (file)
  setTimeout(
    () => {
      const packages = new Map<string, [number, number]>();
      const paths = Object.keys(require.cache).filter((p) => !p.includes('/dist/bench/'));
      for (const path of paths) {
        let bytes = 0;
        try {
          bytes = statSync(path).size;
        } catch {
          // A module with no file of its own (e.g. a JSON one made in memory): counted, no size.
        }
        const seen = packages.get(packageOf(path)) ?? [0, 0];
        packages.set(packageOf(path), [seen[0] + 1, seen[1] + bytes]);
      }
      const census: ModuleCensus = {
        modules: paths.length,
        packages: [...packages]
          .map(([name, [n, bytes]]): [string, number, number] => [name, n, bytes])
          .sort((a, b) => b[2] - a[2]),
        memory: process.memoryUsage(),
      };
      writeFileSync(file, JSON.stringify(census));
    },
    Number(process.env['BENCH_CENSUS_AFTER_MS'] ?? 10_000),
  ).unref();
