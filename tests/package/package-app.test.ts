import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transformSync } from '@swc/core';
import {
  createZip,
  fillPlaceholders,
  loadEnvironment,
  PackageError,
  packageApp,
  parseEnvFile,
  pngSize,
} from '../../scripts/package-app';
import { decodePng } from './png';
import { envFile, ROOT, SAMPLE_VALUES } from './samples';
import { readZip } from './zip';

// strip-bom 5 (required by @microsoft/app-manifest) is ESM only: Node 20 loads it, jest's CommonJS
// runtime cannot. The package never calls it on this path; this stand-in does the same job.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s),
}));

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctac-package-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeEnv(name: string, values: Record<string, string>, dir = path.join(tmp, 'env')) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `.env.${name}`), envFile(values));
  return dir;
}

async function packageError(promise: Promise<unknown>): Promise<PackageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackageError);
  return error as PackageError;
}

describe('packageApp', () => {
  it('builds appPackage.<env>.zip with the filled manifest and both icons', async () => {
    const envDir = writeEnv('ci', SAMPLE_VALUES);
    const outDir = path.join(tmp, 'build');
    const result = await packageApp({ envName: 'ci', rootDir: ROOT, envDir, outDir });

    expect(result.zipPath).toBe(path.join(outDir, 'appPackage.ci.zip'));
    const entries = readZip(fs.readFileSync(result.zipPath));
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.id).toBe(SAMPLE_VALUES.TEAMS_APP_ID);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest.webApplicationInfo).toEqual({
      id: SAMPLE_VALUES.BOT_ID,
      resource: `api://${SAMPLE_VALUES.BOT_DOMAIN}/${SAMPLE_VALUES.BOT_ID}`,
    });
    expect(fs.readFileSync(result.manifestPath, 'utf8')).toBe(
      entries.get('manifest.json')!.toString('utf8'),
    );

    for (const [name, size] of [
      ['color.png', 192],
      ['outline.png', 32],
    ] as const) {
      const data = entries.get(name)!;
      expect(data.equals(fs.readFileSync(path.join(ROOT, 'appPackage', name)))).toBe(true);
      expect(decodePng(data)).toMatchObject({ width: size, height: size });
    }
  });

  it('builds the same bytes from the same inputs', async () => {
    const envDir = writeEnv('ci', SAMPLE_VALUES);
    const a = await packageApp({
      envName: 'ci',
      rootDir: ROOT,
      envDir,
      outDir: path.join(tmp, 'a'),
    });
    const b = await packageApp({
      envName: 'ci',
      rootDir: ROOT,
      envDir,
      outDir: path.join(tmp, 'b'),
    });
    expect(fs.readFileSync(a.zipPath).equals(fs.readFileSync(b.zipPath))).toBe(true);
  });

  it('refuses, listing every placeholder left without a value', async () => {
    const { TEAMS_APP_ID: _a, BOT_DOMAIN: _b, ...rest } = SAMPLE_VALUES;
    const envDir = writeEnv('ci', { ...rest, PRIVACY_URL: '  ' });
    const outDir = path.join(tmp, 'build');
    const error = await packageError(packageApp({ envName: 'ci', rootDir: ROOT, envDir, outDir }));
    expect(error.problems).toEqual(['${{BOT_DOMAIN}}', '${{PRIVACY_URL}}', '${{TEAMS_APP_ID}}']);
    expect(error.message).toContain('environment "ci"');
    expect(error.message).toContain('env/.env.ci');
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('refuses a manifest the schema rejects, and writes nothing', async () => {
    const envDir = writeEnv('ci', { ...SAMPLE_VALUES, TEAMS_APP_ID: 'ctac-app' });
    const outDir = path.join(tmp, 'build');
    const error = await packageError(packageApp({ envName: 'ci', rootDir: ROOT, envDir, outDir }));
    expect(error.problems.some((p) => p.startsWith('schema: /id'))).toBe(true);
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('refuses a tab endpoint outside the valid domain', async () => {
    const envDir = writeEnv('ci', { ...SAMPLE_VALUES, TAB_ENDPOINT: 'https://tab.example.org' });
    const error = await packageError(
      packageApp({ envName: 'ci', rootDir: ROOT, envDir, outDir: path.join(tmp, 'b') }),
    );
    expect(error.problems).toContain(
      'staticTabs[0].contentUrl is on tab.example.org, which is not in validDomains',
    );
  });

  it('names the known environments when the one asked for does not exist', async () => {
    const envDir = writeEnv('ci', SAMPLE_VALUES);
    writeEnv('staging', SAMPLE_VALUES);
    const error = await packageError(packageApp({ envName: 'prod', rootDir: ROOT, envDir }));
    expect(error.message).toBe('There is no env/.env.prod. Known environments: ci, staging.');
    await packageError(packageApp({ envName: '../secrets', rootDir: ROOT, envDir }));
  });

  it('packages the committed environments once provisioning has filled them in', async () => {
    // What `atk provision` writes into env/.env.<name>, simulated by the environment override.
    for (const envName of ['dev', 'local']) {
      const result = await packageApp({
        envName,
        rootDir: ROOT,
        outDir: path.join(tmp, envName),
        environment: SAMPLE_VALUES,
      });
      expect(path.basename(result.zipPath)).toBe(`appPackage.${envName}.zip`);
    }
    const local = JSON.parse(
      fs.readFileSync(path.join(tmp, 'local', 'manifest.local.json'), 'utf8'),
    );
    expect(local.name.short).toBe('CTAC');
  });
});

describe('environment values', () => {
  it('reads dotenv syntax: comments, quotes, export, inline comments', () => {
    expect(
      parseEnvFile(
        [
          '# comment',
          '',
          'A=1',
          'export B = two words ',
          'C="quoted # not a comment"',
          "D='single'",
          'E=value # comment',
          'F=',
        ].join('\n'),
      ),
    ).toEqual({
      A: '1',
      B: 'two words',
      C: 'quoted # not a comment',
      D: 'single',
      E: 'value',
      F: '',
    });
    expect(() => parseEnvFile('A=1\nnot a line', '.env.x')).toThrow(
      '.env.x:2: expected NAME=value',
    );
  });

  it('lets .env.<name>.user override .env.<name>, and the environment override both', () => {
    const envDir = writeEnv('ci', { A: 'file', B: 'file', C: 'file' });
    fs.writeFileSync(path.join(envDir, '.env.ci.user'), 'B=user\nC=user\n');
    expect(loadEnvironment(envDir, 'ci', { C: 'process', D: '' })).toEqual({
      A: 'file',
      B: 'user',
      C: 'process',
    });
  });

  it('fills values as JSON strings, so quotes in a value cannot break the manifest', () => {
    const { filled, missing } = fillPlaceholders(
      { a: 'x ${{ A }} y', list: ['${{B}}'], n: 1 },
      { A: 'say "hi"', B: 'b' },
    );
    expect(missing).toEqual([]);
    expect(filled).toEqual({ a: 'x say "hi" y', list: ['b'], n: 1 });
  });
});

describe('zip and PNG helpers', () => {
  it('stores incompressible data and deflates the rest', () => {
    const text = Buffer.from('CTAC '.repeat(200));
    const noise = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 151 + 7) % 256));
    const entries = readZip(
      createZip([
        { name: 'a.txt', data: text },
        { name: 'b.bin', data: noise },
      ]),
    );
    expect(entries.get('a.txt')!.equals(text)).toBe(true);
    expect(entries.get('b.bin')!.equals(noise)).toBe(true);
  });

  it('reads PNG sizes and rejects other files', () => {
    expect(pngSize(fs.readFileSync(path.join(ROOT, 'appPackage', 'color.png')))).toEqual({
      width: 192,
      height: 192,
    });
    expect(() => pngSize(Buffer.from('GIF89a not a png at all...'))).toThrow('not a PNG file');
  });
});

describe('the package-app command line', () => {
  /** A project laid out like the build output: dist/scripts/package-app.js under a package.json. */
  function fakeProject(): string {
    const root = path.join(tmp, 'project');
    fs.mkdirSync(path.join(root, 'dist', 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"fake"}');
    const appPackage = path.join(ROOT, 'appPackage');
    fs.cpSync(appPackage, path.join(root, 'appPackage'), {
      recursive: true,
      // Not a build left behind by an earlier `npm run package`.
      filter: (src) => path.relative(appPackage, src).split(path.sep)[0] !== 'build',
    });
    const { code } = transformSync(
      fs.readFileSync(path.join(ROOT, 'scripts', 'package-app.ts'), 'utf8'),
      {
        filename: 'package-app.ts',
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    );
    fs.writeFileSync(path.join(root, 'dist', 'scripts', 'package-app.js'), code);
    return root;
  }

  const run = (root: string, args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'package-app.js'), ...args], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: path.join(ROOT, 'node_modules'),
        ...extraEnv,
      },
    });

  it('builds the zip for the environment named on the command line', () => {
    const root = fakeProject();
    writeEnv('ci', SAMPLE_VALUES, path.join(root, 'env'));
    const out = run(root, ['ci']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain(`Built ${path.join('appPackage', 'build', 'appPackage.ci.zip')}`);
    const zip = readZip(
      fs.readFileSync(path.join(root, 'appPackage', 'build', 'appPackage.ci.zip')),
    );
    expect([...zip.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });

  it('defaults to local, takes values from the environment, and exits 1 listing what is missing', () => {
    const root = fakeProject();
    const { TEAMS_APP_ID, BOT_ID: _b, ...rest } = SAMPLE_VALUES;
    writeEnv('local', rest, path.join(root, 'env'));
    const failed = run(root, [], { TEAMS_APP_ID });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('placeholders with no value for environment "local"');
    expect(failed.stderr).toContain('  - ${{BOT_ID}}');
    expect(failed.stderr).not.toContain('TEAMS_APP_ID');
    expect(fs.existsSync(path.join(root, 'appPackage', 'build', 'appPackage.local.zip'))).toBe(
      false,
    );

    const built = run(root, ['--env', 'local'], { TEAMS_APP_ID, BOT_ID: SAMPLE_VALUES.BOT_ID });
    expect(built.status).toBe(0);
  });
});
