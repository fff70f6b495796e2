import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync } from 'fs';
import { readFile, writeFile } from 'fs/promises';
import { join } from 'path';
import { promisify } from 'util';
import { brotliCompress, constants, gzip } from 'zlib';
import { fromRoot } from '../src/paths';

/** Where the tab's bundles go (git-ignored); the app serves `tab/` at /tab/ and, outside production, `dev/` at /dev/. */
export const TAB_BUILD_DIR = fromRoot('dist-tab');

/**
 * Bundles the tab (React + Fluent UI + teams-js), its configuration page and the development host page, and
 * writes brotli and gzip copies of the tab's bundles beside them. Everything is written to a staging folder
 * inside `outDir` (not served) first and then renamed into place, file by file: a server already serving
 * `outDir` (another test file's, while this one builds) is never handed a half-written bundle, which would
 * leave the tab blank.
 */
export async function buildTab(outDir = TAB_BUILD_DIR): Promise<void> {
  const staging = join(outDir, `.staging-${process.pid}-${Date.now()}`);
  try {
    await buildInto(staging);
    for (const sub of ['tab', 'dev']) {
      mkdirSync(join(outDir, sub), { recursive: true });
      for (const name of readdirSync(join(staging, sub)))
        renameSync(join(staging, sub, name), join(outDir, sub, name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(outDir: string): Promise<void> {
  mkdirSync(join(outDir, 'tab'), { recursive: true });
  mkdirSync(join(outDir, 'dev'), { recursive: true });
  await build({
    entryPoints: {
      'tab/tab': fromRoot('src', 'tab', 'main.ts'),
      'tab/config': fromRoot('src', 'tab', 'config-main.ts'),
      'dev/host': fromRoot('src', 'tab', 'dev', 'host.ts'),
    },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'edge110', 'safari16'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  copyFileSync(fromRoot('src', 'tab', 'dev', 'host.html'), join(outDir, 'dev', 'host.html'));
  await precompress(join(outDir, 'tab'));
}

/** What the browser loads from /tab/ (not the source maps, which only developer tools fetch). */
const COMPRESSIBLE = /\.(js|css|txt)$/;

/**
 * Writes `name.br` and `name.gz` beside each of the tab's bundles, compressed once here at the highest
 * levels, so the server sends them as they are (src/api/tab-assets.ts) instead of compressing each request.
 */
export async function precompress(dir: string): Promise<void> {
  const brotli = promisify(brotliCompress);
  const gz = promisify(gzip);
  const files = readdirSync(dir).filter((name) => COMPRESSIBLE.test(name));
  await Promise.all(
    files.map(async (name) => {
      const body = await readFile(join(dir, name));
      const [br, gzipped] = await Promise.all([
        brotli(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
        gz(body, { level: constants.Z_BEST_COMPRESSION }),
      ]);
      await Promise.all([
        writeFile(join(dir, `${name}.br`), br),
        writeFile(join(dir, `${name}.gz`), gzipped),
      ]);
    }),
  );
}

if (require.main === module) {
  buildTab().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
