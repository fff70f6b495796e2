import { readFileSync } from 'fs';
import { fromRoot } from '../../src/paths';
import { productionNodeArgs } from '../../bench/stack';

/**
 * Issue 18: the app runs with `--max-old-space-size=1024` (docs/operations.md#memory: V8 then grows the
 * heap by a smaller factor, so a storm's garbage is collected before the peak passes 200 MB). The flag is
 * in three places that must agree: `npm run serve`, the App Service start command, and the benchmarks,
 * which start the app as production does.
 */
const appCommandLine = () =>
  /appCommandLine: '([^']+)'/.exec(readFileSync(fromRoot('infra/azure.bicep'), 'utf8'))?.[1];
const serveScript = () =>
  (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { scripts: { serve: string } })
    .scripts.serve;

test('when the app is started in Azure, by npm run serve or by a benchmark, then Node gets the same heap limit', () => {
  expect(productionNodeArgs()).toEqual(['--max-old-space-size=1024']);
  expect(appCommandLine()).toBe(`node ${productionNodeArgs().join(' ')} dist/src/server.js`);
  expect(serveScript()).toBe(`npm run build && ${appCommandLine()}`);
});
