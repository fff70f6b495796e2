import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fromRoot } from '../../src/paths';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/store/embedded-azurite';

/**
 * Loaded before the server: any require of Azurite, or of a development dependency from CTAC's own code,
 * fails as it would where only the production dependencies are installed (`npm ci --omit=dev`), and is
 * reported on stderr. So does MSAL for browsers, which the deployed zip leaves out (infra/.webappignore).
 */
const BLOCKER = `
const Module = require('module');
const devOnly = new Set(${JSON.stringify(Object.keys(devDependencies()))});
const original = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
  const fromOwnCode = !!parent && !!parent.filename && !parent.filename.includes('node_modules');
  if (name === 'azurite' || name === '@azure/msal-browser' || (fromOwnCode && devOnly.has(name))) {
    process.stderr.write('BLOCKED ' + request + '\\n');
    const e = new Error("Cannot find module '" + request + "' (a development dependency)");
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return original.call(this, request, parent, ...rest);
};
`;

function devDependencies(): Record<string, string> {
  return JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).devDependencies;
}

let azurite: EmbeddedAzurite;
let dir: string;
beforeAll(async () => {
  azurite = await startEmbeddedAzurite();
  dir = mkdtempSync(join(tmpdir(), 'ctac-prod-deps-'));
  writeFileSync(join(dir, 'block-dev-dependencies.cjs'), BLOCKER);
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run serve` in production (from the build `npm test` makes first) with storage configured. */
test('when storage is configured, then the production server starts and answers without Azurite or any development dependency', async () => {
  const child = spawn(
    process.execPath,
    ['-r', join(dir, 'block-dev-dependencies.cjs'), fromRoot('dist', 'src', 'server.js')],
    {
      cwd: fromRoot(),
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        TABLES_CONNECTION_STRING: azurite.connectionString,
        // Never used: nothing here talks to Teams or Entra.
        BOT_ID: '00000000-0000-4000-8000-000000000001',
        BOT_PASSWORD: 'not-a-real-password',
        BOT_TENANT_ID: '00000000-0000-4000-8000-000000000002',
        CTAC_WEBHOOK_SECRET: 'a-webhook-secret-for-this-test-only',
        CTAC_PUBLIC_URL: 'https://ctac.example.invalid',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 30_000;
    let url: string | undefined;
    while (!url && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      url = /"url":"(http:\/\/[^"]+)"[^\n]*CTAC is listening/.exec(out)?.[1];
    }
    expect({ url, err }).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      err: '',
    });
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(err).not.toContain('BLOCKED');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

test('when no storage is configured and Azurite is not installed, then the server says what to set and stops', () => {
  const result = spawnSync(
    process.execPath,
    ['-r', join(dir, 'block-dev-dependencies.cjs'), fromRoot('dist', 'src', 'server.js')],
    {
      cwd: fromRoot(),
      env: {
        PATH: process.env['PATH'] ?? '',
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: '0',
        CTAC_DATA_DIR: join(dir, 'data'),
      },
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('BLOCKED azurite/');
  expect(result.stderr).toContain(
    'No Table Storage is configured (TABLES_CONNECTION_STRING or TABLES_ENDPOINT), and Azurite',
  );
});
