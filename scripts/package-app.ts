/**
 * Builds the Teams app package (the zip you upload to Teams) for one environment:
 *
 *   npm run package            # env/.env.local
 *   npm run package -- dev     # env/.env.dev
 *
 * It reads env/.env.<name>, then env/.env.<name>.user (secrets, git-ignored), then the process
 * environment (each later source wins), puts the values into the `${{NAME}}` placeholders of
 * appPackage/manifest.json, and refuses to go on if any placeholder is left without a value. The
 * filled manifest is checked offline against the JSON schema bundled in @microsoft/app-manifest
 * (the one its `$schema` names), its URLs against `validDomains`, and the icons' sizes. The result
 * is appPackage/build/appPackage.<name>.zip (manifest.json, color.png, outline.png) plus the
 * filled manifest beside it for reading. Nothing here touches the network.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AppManifest, AppManifestUtils } from '@microsoft/app-manifest';

/** Everything wrong with the package, listed at once; the CLI prints it and exits with 1. */
export class PackageError extends Error {
  constructor(
    heading: string,
    readonly problems: string[],
  ) {
    super(problems.length ? `${heading}\n  - ${problems.join('\n  - ')}` : heading);
    this.name = 'PackageError';
  }
}

export interface PackageOptions {
  /** Environment name: reads env/.env.<envName>. Default `local`. */
  envName?: string;
  /** Project root; found by walking up to package.json when not given. */
  rootDir?: string;
  /** Folder with the .env files; default <root>/env. */
  envDir?: string;
  /** Where the zip goes; default <root>/appPackage/build. */
  outDir?: string;
  /** Values that override the files (the CLI passes process.env). */
  environment?: Record<string, string | undefined>;
}

export interface PackageResult {
  zipPath: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
  entries: string[];
}

export function findProjectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root (no package.json above ${from})`);
    dir = up;
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Environment files

/** Parses a dotenv-style file: KEY=value lines, # comments, optional single or double quotes. */
export function parseEnvFile(text: string, fileName = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      problems.push(`${fileName}:${index + 1}: expected NAME=value, found "${line}"`);
      return;
    }
    let value = m[2];
    const quoted = /^(["'])(.*)\1\s*(?:#.*)?$/.exec(value);
    if (quoted) {
      value = quoted[1] === '"' ? quoted[2].replace(/\\n/g, '\n').replace(/\\"/g, '"') : quoted[2];
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[m[1]] = value;
  });
  if (problems.length) throw new PackageError(`${fileName} cannot be read:`, problems);
  return out;
}

/** The values for one environment: .env.<name>, then .env.<name>.user, then `environment`. */
export function loadEnvironment(
  envDir: string,
  envName: string,
  environment: Record<string, string | undefined> = {},
): Record<string, string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(envName)) {
    throw new PackageError(
      `"${envName}" is not an environment name (letters, digits, - and _).`,
      [],
    );
  }
  const file = path.join(envDir, `.env.${envName}`);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(envDir)
      ? fs
          .readdirSync(envDir)
          .map((f) => /^\.env\.([A-Za-z0-9_-]+)$/.exec(f)?.[1])
          .filter((n): n is string => Boolean(n))
      : [];
    throw new PackageError(
      `There is no ${path.basename(envDir)}/.env.${envName}. Known environments: ${known.join(', ') || 'none'}.`,
      [],
    );
  }
  const values = parseEnvFile(fs.readFileSync(file, 'utf8'), `.env.${envName}`);
  const userFile = `${file}.user`;
  if (fs.existsSync(userFile)) {
    Object.assign(values, parseEnvFile(fs.readFileSync(userFile, 'utf8'), `.env.${envName}.user`));
  }
  for (const [key, value] of Object.entries(environment)) {
    if (value !== undefined && value !== '') values[key] = value;
  }
  return values;
}

// ---------------------------------------------------------------------------------------------
// Placeholders

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Every `${{NAME}}` used in the string values of a JSON document, sorted. */
export function placeholdersIn(doc: unknown): string[] {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(PLACEHOLDER)) names.add(m[1]);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(doc);
  return [...names].sort();
}

/**
 * Replaces the placeholders in the string values of a parsed JSON document (so a value can never
 * break the JSON) and lists the names that have no value. Blank values count as missing.
 */
export function fillPlaceholders<T>(
  doc: T,
  values: Record<string, string | undefined>,
): { filled: T; missing: string[] } {
  const missing = new Set<string>();
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(PLACEHOLDER, (whole, name: string) => {
        const value = values[name];
        if (value === undefined || value.trim() === '') {
          missing.add(name);
          return whole;
        }
        return value.trim();
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, fill(child)]));
    }
    return v;
  };
  return { filled: fill(doc) as T, missing: [...missing].sort() };
}

// ---------------------------------------------------------------------------------------------
// Checks on the filled manifest

/** The bundled copy of a Teams manifest schema, found from the manifest's `$schema` URL. */
export function localSchemaPath(schemaUrl: unknown): string {
  const m =
    typeof schemaUrl === 'string'
      ? /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i.exec(
          schemaUrl,
        )
      : null;
  if (!m) {
    throw new PackageError(
      `The manifest's $schema (${String(schemaUrl)}) is not a Teams manifest schema URL.`,
      [],
    );
  }
  const pkg = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = path.join(pkg, 'build', 'json-schemas', 'teams', m[1], 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(file)) {
    throw new PackageError(
      `@microsoft/app-manifest has no bundled schema ${m[1]}; pick a version it ships (see ${path.dirname(path.dirname(file))}).`,
      [],
    );
  }
  return file;
}

type Schema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

/** Schema errors of a filled manifest, from the bundled schema only (never fetched). */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const raw = fs.readFileSync(localSchemaPath(manifest.$schema), 'utf8');
  // The published schemas contain \a and \v escapes that JSON.parse rejects; the library does the same.
  const schema = JSON.parse(raw.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as Schema;
  // Loaded here, not at the top: it is large, and only validation needs it.
  const { AppManifestUtils: utils } = await import('@microsoft/app-manifest');
  return utils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
}

function domainAllowed(host: string, validDomains: string[]): boolean {
  return validDomains.some((d) => {
    const pattern = d.toLowerCase();
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
    return host === pattern;
  });
}

/** Teams loads tab pages only from `validDomains`; each entry is a host name, not a URL. */
export function checkDomains(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const validDomains = Array.isArray(manifest.validDomains)
    ? manifest.validDomains.filter((d): d is string => typeof d === 'string')
    : [];
  for (const d of validDomains) {
    if (/[/:]/.test(d) || d.trim() !== d || d === '') {
      problems.push(`validDomains entry "${d}" must be a host name such as ctac.example.net`);
    }
  }
  const urls: [string, unknown][] = [];
  const tabs = (key: string) =>
    Array.isArray(manifest[key]) ? (manifest[key] as Record<string, unknown>[]) : [];
  tabs('staticTabs').forEach((t, i) => {
    urls.push([`staticTabs[${i}].contentUrl`, t.contentUrl]);
    urls.push([`staticTabs[${i}].websiteUrl`, t.websiteUrl]);
  });
  tabs('configurableTabs').forEach((t, i) => {
    urls.push([`configurableTabs[${i}].configurationUrl`, t.configurationUrl]);
  });
  for (const [where, url] of urls) {
    if (typeof url !== 'string') continue;
    let host: string;
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      problems.push(`${where} "${url}" is not a URL`);
      continue;
    }
    if (!domainAllowed(host, validDomains)) {
      problems.push(`${where} is on ${host}, which is not in validDomains`);
    }
  }
  const app = manifest.webApplicationInfo as { id?: unknown; resource?: unknown } | undefined;
  if (app && typeof app.resource === 'string') {
    const m = /^api:\/\/([^/]+)\/(.+)$/.exec(app.resource);
    if (!m)
      problems.push(`webApplicationInfo.resource "${app.resource}" must be api://<domain>/<id>`);
    else if (!m[2].includes(String(app.id))) {
      problems.push('webApplicationInfo.resource must end with the app registration id');
    } else if (!domainAllowed(m[1].toLowerCase(), validDomains)) {
      problems.push(`webApplicationInfo.resource is on ${m[1]}, which is not in validDomains`);
    }
  }
  return problems;
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(data: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (data.length < 24 || data.subarray(0, 8).toString('hex') !== signature) {
    throw new Error('not a PNG file');
  }
  if (data.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('PNG without IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

const ICON_SIZES: Record<string, number> = { color: 192, outline: 32, color32x32: 32 };

function readIcons(
  appPackageDir: string,
  manifest: Record<string, unknown>,
): { files: Map<string, Buffer>; problems: string[] } {
  const files = new Map<string, Buffer>();
  const problems: string[] = [];
  const icons = (manifest.icons ?? {}) as Record<string, unknown>;
  for (const [kind, size] of Object.entries(ICON_SIZES)) {
    const name = icons[kind];
    if (typeof name !== 'string') continue;
    const file = path.resolve(appPackageDir, name);
    if (path.dirname(file) !== path.resolve(appPackageDir)) {
      problems.push(`icons.${kind} "${name}" must be a file directly in appPackage/`);
      continue;
    }
    if (!fs.existsSync(file)) {
      problems.push(`icons.${kind}: appPackage/${name} does not exist`);
      continue;
    }
    const data = fs.readFileSync(file);
    try {
      const { width, height } = pngSize(data);
      if (width !== size || height !== size) {
        problems.push(`icons.${kind}: ${name} is ${width}x${height}, Teams wants ${size}x${size}`);
      }
    } catch (e) {
      problems.push(`icons.${kind}: ${name}: ${(e as Error).message}`);
    }
    files.set(name, data);
  }
  return { files, problems };
}

// ---------------------------------------------------------------------------------------------
// Zip

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A fixed timestamp (1 January 2025, 00:00) so the same inputs always give the same zip. */
const DOS_TIME = 0;
const DOS_DATE = ((2025 - 1980) << 9) | (1 << 5) | 1;

/** Writes a zip archive (deflated, or stored when deflating does not help). */
export function createZip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk, internal and external attributes stay 0
    central.writeUInt32LE(offset, 42);

    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

// ---------------------------------------------------------------------------------------------

/** Fills, checks and zips the app package for one environment. Throws PackageError. */
export async function packageApp(options: PackageOptions = {}): Promise<PackageResult> {
  const envName = options.envName ?? 'local';
  const root = options.rootDir ?? findProjectRoot();
  const envDir = options.envDir ?? path.join(root, 'env');
  const appPackageDir = path.join(root, 'appPackage');
  const outDir = options.outDir ?? path.join(appPackageDir, 'build');

  const template = JSON.parse(
    fs.readFileSync(path.join(appPackageDir, 'manifest.json'), 'utf8'),
  ) as Record<string, unknown>;
  const values = loadEnvironment(envDir, envName, options.environment);
  const { filled, missing } = fillPlaceholders(template, values);
  if (missing.length) {
    throw new PackageError(
      `appPackage/manifest.json has placeholders with no value for environment "${envName}". ` +
        `Set them in env/.env.${envName} (provisioning writes most of them) or in the environment:`,
      missing.map((name) => `\${{${name}}}`),
    );
  }

  const problems = [
    ...(await validateManifest(filled)).map((e) => `schema: ${e.trim()}`),
    ...checkDomains(filled),
  ];
  const { files: icons, problems: iconProblems } = readIcons(appPackageDir, filled);
  problems.push(...iconProblems);
  if (problems.length) {
    throw new PackageError(`The app package for "${envName}" is not valid:`, problems);
  }

  const manifestText = `${JSON.stringify(filled, null, 2)}\n`;
  const entries = [
    { name: 'manifest.json', data: Buffer.from(manifestText, 'utf8') },
    ...[...icons].map(([name, data]) => ({ name, data })),
  ];
  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${envName}.zip`);
  const manifestPath = path.join(outDir, `manifest.${envName}.json`);
  fs.writeFileSync(zipPath, createZip(entries));
  fs.writeFileSync(manifestPath, manifestText);
  return { zipPath, manifestPath, manifest: filled, entries: entries.map((e) => e.name) };
}

function parseArgs(args: string[]): { envName: string } | 'help' {
  let envName = 'local';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--env' || a === '-e') envName = args[++i] ?? '';
    else if (a.startsWith('--env=')) envName = a.slice('--env='.length);
    else if (!a.startsWith('-')) envName = a;
    else throw new PackageError(`Unknown option ${a}. Usage: npm run package -- [env]`, []);
  }
  return { envName };
}

async function main(): Promise<void> {
  try {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === 'help') {
      console.log(
        'Usage: npm run package -- [env]   (default: local)\n' +
          'Builds appPackage/build/appPackage.<env>.zip from appPackage/ and env/.env.<env>.',
      );
      return;
    }
    const root = findProjectRoot();
    const result = await packageApp({ ...parsed, rootDir: root, environment: process.env });
    console.log(
      `Built ${path.relative(root, result.zipPath)} (${result.entries.join(', ')}) for "${parsed.envName}", ` +
        `manifest ${String(result.manifest.manifestVersion)}, app id ${String(result.manifest.id)}.`,
    );
  } catch (e) {
    if (!(e instanceof PackageError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
