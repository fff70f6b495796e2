import { spawn } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fromRoot } from '../../src/paths';

/** `npm start` as a person runs it (from the build `npm test` makes first): one URL, and Ctrl-C leaves nothing behind. */
test('when the local stack starts, then it prints one URL that answers, and Ctrl-C stops every part', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ctac-start-'));
  const child = spawn(process.execPath, [fromRoot('dist', 'scripts', 'start-local.js')], {
    cwd: fromRoot(),
    env: {
      ...process.env,
      PORT: '0',
      PLAYGROUND_PORT: '0',
      CTAC_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const deadline = Date.now() + 45_000;
  while (!/health at (http\S+\/api\/health)/.test(out) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  const playgroundUrl = /talk to the bot:\s+(\S+)/.exec(out)?.[1];
  const healthUrl = /health at (http\S+\/api\/health)/.exec(out)?.[1];
  try {
    expect(playgroundUrl).toBeDefined();
    expect((await fetch(playgroundUrl!)).status).toBe(200);
    expect((await fetch(healthUrl!)).status).toBe(200);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  await expect(fetch(playgroundUrl!)).rejects.toThrow();
  await expect(fetch(healthUrl!)).rejects.toThrow();
});
