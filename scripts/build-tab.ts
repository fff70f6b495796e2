import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'fs';
import { join } from 'path';
import { fromRoot } from '../src/paths';

/** Where the tab's bundles go (git-ignored); the app serves `tab/` at /tab/ and, outside production, `dev/` at /dev/. */
export const TAB_BUILD_DIR = fromRoot('dist-tab');

/** Bundles the tab (React + Fluent UI + teams-js), its configuration page and the development host page. */
export async function buildTab(outDir = TAB_BUILD_DIR): Promise<void> {
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
}

if (require.main === module) {
  buildTab().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
