import { spawnSync } from 'child_process';
import { fromRoot } from '../../src/paths';

/** `npm run serve` in production without credentials (from the build `npm test` makes first). */
test('when production starts without bot credentials or secrets, then it refuses with every missing setting named', () => {
  const env = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PORT: '0' };
  const result = spawnSync(process.execPath, [fromRoot('dist', 'src', 'server.js')], {
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('CTAC cannot start');
  for (const name of ['BOT_ID', 'BOT_PASSWORD', 'BOT_TENANT_ID', 'CTAC_WEBHOOK_SECRET'])
    expect(result.stderr).toContain(name);
});
