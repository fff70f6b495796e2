import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEnvFile, placeholdersIn } from '../../scripts/package-app';
import { ROOT } from './samples';

interface Step {
  uses: string;
  /** The step's lines, for reading its `with:` values. */
  text: string;
}

/**
 * The lifecycle stages of an Agents Toolkit project file and their steps, in order. A deliberately
 * small reader for this file's shape (top-level stages, `- uses:` items indented by two spaces),
 * so the tests need no YAML library.
 */
function stages(file: string): Map<string, Step[]> {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const out = new Map<string, Step[]>();
  let current: Step[] | undefined;
  for (const line of lines) {
    const stage = /^([A-Za-z]+):\s*$/.exec(line);
    if (stage) {
      current = [];
      out.set(stage[1], current);
      continue;
    }
    if (/^\S/.test(line)) {
      current = undefined;
      continue;
    }
    const step = /^ {2}- uses: (\S+)\s*$/.exec(line);
    if (step && current) current.push({ uses: step[1], text: line });
    else if (current?.length && line.trim() !== '') current[current.length - 1].text += `\n${line}`;
  }
  return out;
}

function withValue(step: Step, key: string): string | undefined {
  return new RegExp(`^\\s+${key}: (.+)$`, 'm').exec(step.text)?.[1].trim();
}

const env = (name: string) =>
  parseEnvFile(fs.readFileSync(path.join(ROOT, 'env', `.env.${name}`), 'utf8'));

describe.each([
  ['m365agents.yml', 'dev', 'infra/azure.bicep', 'infra/azure.parameters.json'],
  ['m365agents.local.yml', 'local', 'infra/azure.local.bicep', 'infra/azure.local.parameters.json'],
])('%s', (file, envName, bicep, parameters) => {
  const text = () => fs.readFileSync(path.join(ROOT, file), 'utf8');

  it('is a v1.x Toolkit project reading env/', () => {
    expect(text()).toMatch(/^version: v1\.\d+$/m);
    expect(text()).toMatch(/^environmentFolderPath: \.\/env$/m);
  });

  it('provisions the Teams app, a single-tenant app registration, Azure resources and the package', () => {
    const provision = stages(file).get('provision')!;
    expect(provision.map((s) => s.uses)).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'arm/deploy',
      'aadApp/update',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    const aad = provision.find((s) => s.uses === 'aadApp/create')!;
    expect(withValue(aad, 'signInAudience')).toBe('AzureADMyOrg');
    expect(withValue(aad, 'clientId')).toBe('BOT_ID');
    expect(withValue(aad, 'clientSecret')).toBe('SECRET_BOT_PASSWORD');
    expect(withValue(aad, 'tenantId')).toBe('BOT_TENANT_ID');
    const arm = provision.find((s) => s.uses === 'arm/deploy')!;
    expect(withValue(arm, '- path')).toBe(`./${bicep}`);
    expect(withValue(arm, 'parameters')).toBe(`./${parameters}`);
    expect(
      withValue(
        provision.find((s) => s.uses === 'aadApp/update')!,
        'manifestPath',
      ),
    ).toBe('./infra/aad.manifest.json');
    const zip = provision.find((s) => s.uses === 'teamsApp/zipAppPackage')!;
    expect(withValue(zip, 'manifestPath')).toBe('./appPackage/manifest.json');
    expect(withValue(zip, 'outputZipPath')).toBe(
      './appPackage/build/appPackage.${{TEAMSFX_ENV}}.zip',
    );
  });

  it('refers only to files that exist', () => {
    const paths = [...text().matchAll(/(?:path|Path|ignoreFile|parameters): (\.\/[^\s$]+)$/gm)].map(
      (m) => m[1],
    );
    expect(paths.length).toBeGreaterThan(2);
    for (const p of paths) expect([p, fs.existsSync(path.join(ROOT, p))]).toEqual([p, true]);
  });

  it(`uses only variables that env/.env.${envName} declares (secrets come from its .user file)`, () => {
    const declared = env(envName);
    const used = placeholdersIn(text());
    const builtIn = ['TEAMSFX_ENV'];
    expect(
      used.filter((v) => !v.startsWith('SECRET_') && !builtIn.includes(v) && !(v in declared)),
    ).toEqual([]);
    expect(declared.TEAMSFX_ENV).toBe(envName);
  });
});

describe('m365agents.yml deploy', () => {
  it('installs, builds, keeps runtime dependencies only and zip-deploys to the App Service', () => {
    const deploy = stages('m365agents.yml').get('deploy')!;
    expect(deploy.map((s) => s.uses)).toEqual([
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'azureAppService/zipDeploy',
      'cli/runNpmCommand',
    ]);
    expect(deploy.map((s) => withValue(s, 'args')?.split(' ')[0])).toEqual([
      'ci',
      'run',
      'prune',
      undefined,
      'install',
    ]);
    expect(withValue(deploy[1], 'args')).toBe('run build');
    expect(withValue(deploy[2], 'args')).toMatch(/^prune --omit=dev/);
    expect(withValue(deploy[3], 'resourceId')).toBe('${{AZURE_APP_SERVICE_RESOURCE_ID}}');
  });

  it('leaves development files out of the deployed zip, but not the runtime', () => {
    const ignore = fs
      .readFileSync(path.join(ROOT, 'infra', '.webappignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(ignore).toEqual(
      expect.arrayContaining(['/tests/', '/env/', '/.data/', '/.localConfigs']),
    );
    // Anchored at the root, so nothing inside node_modules or dist is dropped by accident.
    for (const pattern of ignore.filter((p) => p !== '*.log'))
      expect(pattern.startsWith('/')).toBe(true);
    for (const needed of ['/dist/', '/node_modules/', '/package.json', '/adaptiveCards/']) {
      expect(ignore).not.toContain(needed);
    }
  });
});

describe('m365agents.local.yml deploy', () => {
  it('writes the runtime settings for `npm run serve` to the git-ignored .localConfigs', () => {
    const deploy = stages('m365agents.local.yml').get('deploy')!;
    const file = deploy.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')!;
    expect(withValue(file, 'target')).toBe('./.localConfigs');
    expect(withValue(file, 'BOT_ID')).toBe('${{BOT_ID}}');
    expect(withValue(file, 'BOT_PASSWORD')).toBe('${{SECRET_BOT_PASSWORD}}');
    expect(withValue(file, 'BOT_TENANT_ID')).toBe('${{BOT_TENANT_ID}}');
  });
});

describe('env/', () => {
  it.each(['dev', 'local'])('env/.env.%s commits no secrets', (name) => {
    const values = env(name);
    expect(Object.keys(values).filter((k) => k.startsWith('SECRET_'))).toEqual([]);
    // '-' is "not set" (env/README.md): what provision needs for an optional value it may not skip.
    const filledSecrets = Object.entries(values).filter(
      ([k, v]) => /PASSWORD|SECRET|KEY|CONNECTION_STRING/.test(k) && v !== '' && v !== '-',
    );
    expect(filledSecrets).toEqual([]);
  });

  it('git ignores the .user files, the built packages and .localConfigs', () => {
    const paths = [
      'env/.env.dev.user',
      'env/.env.local.user',
      'appPackage/build/x.zip',
      '.localConfigs',
    ];
    const out = spawnSync('git', ['check-ignore', ...paths], { cwd: ROOT, encoding: 'utf8' });
    expect(out.stdout.trim().split('\n').sort()).toEqual([...paths].sort());
  });
});

describe('infra/aad.manifest.json', () => {
  const aad = JSON.parse(fs.readFileSync(path.join(ROOT, 'infra', 'aad.manifest.json'), 'utf8'));
  const teams = JSON.parse(fs.readFileSync(path.join(ROOT, 'appPackage', 'manifest.json'), 'utf8'));

  it('exposes the id URI the Teams manifest asks SSO tokens for, single tenant', () => {
    expect(aad.appId).toBe(teams.webApplicationInfo.id);
    expect(aad.identifierUris).toEqual([teams.webApplicationInfo.resource]);
    expect(aad.signInAudience).toBe('AzureADMyOrg');
    expect(aad.accessTokenAcceptedVersion).toBe(2);
  });

  it('pre-authorises the Teams desktop, mobile and web clients for access_as_user', () => {
    const [scope] = aad.oauth2Permissions;
    expect(scope).toMatchObject({ value: 'access_as_user', type: 'User', isEnabled: true });
    expect(scope.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const clients = Object.fromEntries(
      (aad.preAuthorizedApplications as { appId: string; permissionIds: string[] }[]).map((a) => [
        a.appId,
        a.permissionIds,
      ]),
    );
    expect(clients).toEqual({
      '1fec8e78-bce4-4aaf-ab1b-5451cc387264': [scope.id], // Teams desktop and mobile
      '5e3ce6c0-2b1f-4285-8d4b-75ee78787346': [scope.id], // Teams web
    });
  });
});
