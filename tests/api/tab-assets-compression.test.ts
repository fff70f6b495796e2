import express from 'express';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'fs';
import { request, type Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { brotliDecompressSync, gunzipSync } from 'zlib';
import { buildTab } from '../../scripts/build-tab';
import { tabAssetsRouter } from '../../src/api/tab-assets';

let buildDir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'ctac-tab-build-'));
  await buildTab(buildDir);
  const app = express();
  app.use(tabAssetsRouter(buildDir));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(buildDir, { recursive: true, force: true });
});

/** A raw GET (fetch would undo the compression and hide what was sent). */
function get(path: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the tab bundle, compressed at build', () => {
  const bundle = () => readFileSync(join(buildDir, 'tab', 'tab.js'));

  it('when the tab is built, then brotli and gzip copies sit beside each bundle, smaller than it', () => {
    for (const name of ['tab.js', 'config.js']) {
      const plain = readFileSync(join(buildDir, 'tab', name));
      const br = readFileSync(join(buildDir, 'tab', `${name}.br`));
      const gz = readFileSync(join(buildDir, 'tab', `${name}.gz`));
      expect(brotliDecompressSync(br).equals(plain)).toBe(true);
      expect(gunzipSync(gz).equals(plain)).toBe(true);
      expect(br.length).toBeLessThan(plain.length / 3);
      expect(gz.length).toBeLessThan(plain.length / 2);
    }
    // Source maps are for developer tools only: not compressed.
    expect(existsSync(join(buildDir, 'tab', 'tab.js.map.br'))).toBe(false);
  });

  it('when the browser accepts brotli and gzip, then it gets the brotli copy, marked as such', async () => {
    const res = await get('/tab/tab.js', 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(res.headers['content-type']).toMatch(/^text\/javascript; charset=utf-8$/i);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(brotliDecompressSync(res.body).equals(bundle())).toBe(true);
  });

  it('when the browser accepts gzip only, then it gets the gzip copy', async () => {
    const res = await get('/tab/tab.js', 'gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(res.headers['content-type']).toMatch(/^text\/javascript; charset=utf-8$/i);
    expect(gunzipSync(res.body).equals(bundle())).toBe(true);
  });

  it('when the browser accepts no compression, then it gets the plain bundle', async () => {
    for (const accept of [undefined, 'identity']) {
      const res = await get('/tab/tab.js', accept);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
      expect(res.body.equals(bundle())).toBe(true);
    }
  });

  it('when a file has no compressed copy, then it is sent as it is', async () => {
    const res = await get('/tab/tab.js.map', 'br, gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.equals(readFileSync(join(buildDir, 'tab', 'tab.js.map')))).toBe(true);
  });

  it('when a bundle that does not exist is asked for, then the answer is not found', async () => {
    expect((await get('/tab/nothing.js', 'br')).status).toBe(404);
  });
});
