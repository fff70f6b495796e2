import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildTab } from '../../scripts/build-tab';

/*
 * Each tab test file builds the tab into the same dist-tab/ that another file's server may be serving at that
 * moment. A bundle written in place was, for a moment, empty or half written, and a tab loading it then stayed
 * blank (the tab tests' 30 s waits for "Signed in as" under load). The build writes elsewhere and renames.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctac-tab-rebuild-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('when the tab is built again where it is being served, then every read of a bundle finds it whole', async () => {
  await buildTab(dir);
  const files = ['tab.js', 'tab.js.br', 'tab.js.gz', 'config.js'];
  const whole = new Map(files.map((f) => [f, readFileSync(join(dir, 'tab', f))]));

  let building = true;
  const partial: string[] = [];
  let reads = 0;
  const reader = (async () => {
    while (building) {
      for (const f of files) {
        const body = readFileSync(join(dir, 'tab', f));
        reads++;
        if (!body.equals(whole.get(f)!))
          partial.push(`${f}: ${body.length} of ${whole.get(f)!.length} bytes`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await buildTab(dir);
  building = false;
  await reader;

  expect(reads).toBeGreaterThan(files.length);
  expect(partial.slice(0, 5)).toEqual([]);
  // Nothing of the build is left beside what is served.
  expect(readdirSync(dir).sort()).toEqual(['dev', 'tab']);
}, 120_000);
