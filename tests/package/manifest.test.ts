import { ALERT_PAGE_ACTIVITY_TYPE } from '../../src/graph/graph-alert-feed';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkDomains,
  fillPlaceholders,
  localSchemaPath,
  parseEnvFile,
  placeholdersIn,
  validateManifest,
} from '../../scripts/package-app';
import { ON_CALL_ACTIVITY_TYPE } from '../../src/graph/graph-activity-feed';
import { ROOT, SAMPLE_VALUES } from './samples';

// strip-bom 5 (required by @microsoft/app-manifest) is ESM only: Node 20 loads it, jest's CommonJS
// runtime cannot. The package never calls it on this path; this stand-in does the same job.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s),
}));

type Json = Record<string, unknown>;
interface Command {
  title: string;
  description: string;
}
interface CommandList {
  scopes: string[];
  commands: Command[];
}

const template = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'appPackage', 'manifest.json'), 'utf8'),
) as Json;
const filled = () => fillPlaceholders(template, SAMPLE_VALUES).filled;
const bot = () => (template.bots as Json[])[0];
const commandLists = () => bot().commandLists as CommandList[];

/** Every command the bot understands (issue 2, 3, 4, 5). */
const BOT_COMMANDS = [
  'help',
  'oncall',
  'rota',
  'alerts',
  'ack',
  'incident',
  'hsa',
  'risk',
  'risks',
  'decision',
  'decisions',
  'org add',
  'member add',
  'members',
];

describe('appPackage/manifest.json', () => {
  it('is on a 1.2x manifest schema that @microsoft/app-manifest bundles', () => {
    expect(template.manifestVersion).toMatch(/^1\.2\d$/);
    expect(template.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${String(template.manifestVersion)}/MicrosoftTeams.schema.json`,
    );
    expect(fs.existsSync(localSchemaPath(template.$schema))).toBe(true);
  });

  it('uses exactly the placeholders the environments define', () => {
    const used = placeholdersIn(template);
    expect(used).toEqual(Object.keys(SAMPLE_VALUES).sort());
    for (const envName of ['dev', 'local']) {
      const env = parseEnvFile(fs.readFileSync(path.join(ROOT, 'env', `.env.${envName}`), 'utf8'));
      expect(used.filter((name) => !(name in env))).toEqual([]);
    }
  });

  it('validates against the official schema once filled with right-shaped values', async () => {
    const { filled: manifest, missing } = fillPlaceholders(template, SAMPLE_VALUES);
    expect(missing).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(await validateManifest(manifest)).toEqual([]);
    expect(checkDomains(manifest)).toEqual([]);
  });

  it('is really checked by the schema: wrong values are reported', async () => {
    const manifest = fillPlaceholders(template, { ...SAMPLE_VALUES, BOT_ID: 'not-a-guid' }).filled;
    (manifest.composeExtensions as Json[])[0].commands = [
      { id: 'logDecision', type: 'action', title: 'Log this message as a decision in CTAC' },
    ];
    const errors = await validateManifest(manifest);
    expect(errors.some((e) => e.startsWith('/bots/0/botId'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/composeExtensions/0/commands/0/title'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/webApplicationInfo/id'))).toBe(true);
  });

  it('offers the bot in personal chats, teams and group chats with command lists', () => {
    expect(bot().botId).toBe('${{BOT_ID}}');
    expect([...(bot().scopes as string[])].sort()).toEqual(['groupChat', 'personal', 'team']);
    const lists = commandLists();
    const covered = lists.flatMap((l) => l.scopes).sort();
    expect(covered).toEqual(['groupChat', 'personal', 'team']);
    for (const list of lists) {
      expect(list.commands.length).toBeGreaterThan(0);
      expect(list.commands.length).toBeLessThanOrEqual(10);
      const titles = list.commands.map((c) => c.title);
      expect(new Set(titles).size).toBe(titles.length);
      expect(titles).toContain('help');
      expect(titles.filter((t) => !BOT_COMMANDS.includes(t))).toEqual([]);
      for (const c of list.commands) expect(c.description.length).toBeLessThanOrEqual(128);
    }
    const personal = lists.find((l) => l.scopes.includes('personal'))!.commands.map((c) => c.title);
    expect(personal).toEqual(expect.arrayContaining(['oncall', 'rota', 'ack', 'risk', 'risks']));
    const channel = lists.find((l) => l.scopes.includes('team'))!.commands.map((c) => c.title);
    expect(channel).toEqual(expect.arrayContaining(['incident', 'ack', 'decision', 'hsa']));
  });

  it('has a personal CTAC tab and a configurable channel tab on the app', () => {
    const staticTabs = template.staticTabs as Json[];
    const ctac = staticTabs.find((t) => t.entityId === 'ctac')!;
    expect(ctac).toMatchObject({
      name: 'CTAC',
      contentUrl: '${{TAB_ENDPOINT}}/tab/',
      scopes: ['personal'],
    });
    const [configurable] = template.configurableTabs as Json[];
    expect(configurable.configurationUrl).toBe('${{TAB_ENDPOINT}}/tab/config.html');
    expect(configurable.scopes).toEqual(expect.arrayContaining(['team']));
    expect(configurable.context).toEqual(expect.arrayContaining(['channelTab']));
  });

  it('has the "Log as decision" and "Raise as risk" message actions, served by the bot', () => {
    const [extension] = template.composeExtensions as Json[];
    expect(extension.botId).toBe('${{BOT_ID}}');
    expect(extension.commands).toEqual([
      expect.objectContaining({
        id: 'logDecision',
        type: 'action',
        title: 'Log as decision',
        context: ['message'],
        fetchTask: true,
      }),
      expect.objectContaining({
        id: 'raiseRisk',
        type: 'action',
        title: 'Raise as risk',
        context: ['message'],
        fetchTask: true,
      }),
    ]);
  });

  it('declares SSO, the domain and resource-specific permissions', () => {
    expect(template.webApplicationInfo).toEqual({
      id: '${{BOT_ID}}',
      resource: 'api://${{BOT_DOMAIN}}/${{BOT_ID}}',
    });
    expect(template.validDomains).toEqual(['${{BOT_DOMAIN}}']);
    const rsc = ((template.authorization as Json).permissions as Json).resourceSpecific as Json[];
    // Real RSC permission names (Microsoft Learn, "Resource-specific consent"), all application.
    const known = [
      'TeamMember.Read.Group',
      'ChannelSettings.Read.Group',
      'ChannelMessage.Read.Group',
      'ChannelMessage.Send.Group',
      'TeamSettings.Read.Group',
      'TeamsActivity.Send.Group',
      'TeamsActivity.Send.Chat',
      'TeamsActivity.Send.User',
      'ChatMember.Read.Chat',
      'ChatMessage.Read.Chat',
    ];
    expect(rsc.length).toBeGreaterThan(0);
    for (const p of rsc) {
      expect(known).toContain(p.name);
      expect(p.type).toBe('Application');
    }
    const names = rsc.map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['TeamMember.Read.Group', 'ChannelMessage.Send.Group']),
    );
  });

  it('declares every activity type the app sends to the Teams activity feed', () => {
    const declared = ((template.activities as Json).activityTypes as Json[]).map((a) => a.type);
    expect(declared).toEqual(
      expect.arrayContaining([ON_CALL_ACTIVITY_TYPE, ALERT_PAGE_ACTIVITY_TYPE]),
    );
    for (const a of (template.activities as Json).activityTypes as Json[])
      expect(String(a.templateText)).toMatch(/\{\w+\}/);
  });

  it('is written in UK English', () => {
    const manifest = filled();
    const text = [
      JSON.stringify(manifest.name),
      JSON.stringify(manifest.description),
      ...commandLists().flatMap((l) => l.commands.map((c) => c.description)),
      JSON.stringify(manifest.composeExtensions),
    ].join(' ');
    expect(text).not.toMatch(/organiz|authoriz|recogniz|behavior|honor|center\b|analyz|prioritiz/i);
    expect((manifest.localizationInfo as Json).defaultLanguageTag).toBe('en-gb');
  });

  it('flags tabs served from a domain that validDomains does not list', () => {
    const manifest = filled();
    (manifest.staticTabs as Json[])[0].contentUrl = 'https://elsewhere.example.net/tab/';
    (manifest.validDomains as string[]).push('https://ctac.example.net');
    expect(checkDomains(manifest)).toEqual([
      'validDomains entry "https://ctac.example.net" must be a host name such as ctac.example.net',
      'staticTabs[0].contentUrl is on elsewhere.example.net, which is not in validDomains',
    ]);
  });
});
