import * as fs from 'node:fs';
import * as path from 'node:path';
import { satisfies } from 'semver';
import { ROOT } from './samples';

interface PackageJson {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const pkg = (): PackageJson => JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = (): Record<string, LockEntry> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages;

describe('the Node versions CTAC runs on (issue 19)', () => {
  it('supports Node 20.19 and later 20s, and Node 22 LTS, the one it is deployed on', () => {
    const range = pkg().engines.node;
    for (const version of ['20.19.0', '20.20.2', '22.12.0', '22.23.5'])
      expect([version, satisfies(version, range)]).toEqual([version, true]);
    for (const version of ['18.20.0', '20.18.0', '21.7.0'])
      expect([version, satisfies(version, range)]).toEqual([version, false]);
    expect(satisfies(process.version, range)).toBe(true);
  });

  it('when installed on this Node, then no installed package declares a Node it does not support', () => {
    const unsupported = Object.entries(lock())
      .filter(([where]) => where.startsWith('node_modules/'))
      // Packages for other platforms (esbuild's, swc's) are in the lock but not installed here.
      .filter(([where]) => fs.existsSync(path.join(ROOT, where, 'package.json')))
      .map(([where, entry]) => ({
        where,
        node: Array.isArray(entry.engines) ? undefined : entry.engines?.node,
      }))
      .filter(({ node }) => node && !satisfies(process.version, node, { includePrerelease: true }))
      .map(({ where, node }) => `${where} wants Node ${node}`);
    expect(unsupported).toEqual([]);
  });
});

describe('runtime dependencies (what production installs)', () => {
  it('leave out what only development, tests and the tab build need', () => {
    const { dependencies, devDependencies } = pkg();
    // The tab's libraries are bundled into dist-tab at build; Azurite stands in for Table Storage locally.
    for (const name of [
      'azurite',
      'react',
      'react-dom',
      '@fluentui/react-components',
      '@microsoft/teams-js',
    ]) {
      expect([name, name in dependencies]).toEqual([name, false]);
      expect([name, name in devDependencies]).toEqual([name, true]);
    }
  });
});
