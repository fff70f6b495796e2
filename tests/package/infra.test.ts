import * as fs from 'node:fs';
import * as path from 'node:path';
import type Parser from 'web-tree-sitter';
import { loadConfig, NOTIFY_DEFAULT_BASE_URL } from '../../src/config';
import { parseEnvFile, placeholdersIn } from '../../scripts/package-app';
import {
  bicepParser,
  Expr,
  exprText,
  get,
  parseBicep,
  resourceOfType,
  syntaxErrors,
  type Template,
  type Value,
} from './bicep';
import { ROOT } from './samples';

const infra = (name: string) => path.join(ROOT, 'infra', name);
const STORAGE_TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';

let azure: Template;
let local: Template;
let parser: Parser;
beforeAll(async () => {
  azure = await parseBicep(infra('azure.bicep'));
  local = await parseBicep(infra('azure.local.bicep'));
  parser = await bicepParser();
});

function object(value: Value | undefined): { [key: string]: Value } {
  if (
    value === null ||
    typeof value !== 'object' ||
    value instanceof Expr ||
    Array.isArray(value)
  ) {
    throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A Bicep expression that refers to something known only in Azure (a resource's property). */
class Unevaluable extends Error {}

type Evaluated = string | number | boolean;

/**
 * Evaluates a Bicep expression the way Azure would, for the parts the app settings use: parameters
 * (as `given`, else their default), variables, strings with interpolation, `==`, `!=`, `&&`, `||`,
 * `!`, `?:` and `empty()`. Anything else (a resource's property) throws Unevaluable.
 */
function evaluate(template: Template, text: string, given: Record<string, string>): Evaluated {
  const vars = new Map<string, Parser.SyntaxNode>();
  for (const node of template.tree.rootNode.namedChildren) {
    if (node.type !== 'variable_declaration') continue;
    const parts = node.namedChildren.filter((c) => c.type !== 'comment');
    vars.set(parts[0].text, parts[parts.length - 1]);
  }
  const field = (node: Parser.SyntaxNode, name: string) => {
    const child = node.childForFieldName(name);
    if (!child) throw new Error(`no ${name} in ${node.text}`);
    return child;
  };
  const escaped: Record<string, string> = {
    n: '\n',
    r: '\r',
    t: '\t',
    '\\': '\\',
    "'": "'",
    $: '$',
  };
  const visit = (node: Parser.SyntaxNode): Evaluated => {
    switch (node.type) {
      case 'string':
        return node.namedChildren
          .map((part) => {
            if (part.type === 'interpolation') return String(visit(part.namedChildren[0]));
            if (part.type === 'escape_sequence') return escaped[part.text.slice(1)] ?? part.text;
            return part.text;
          })
          .join('');
      case 'identifier': {
        const param = template.params.get(node.text);
        if (param) {
          if (node.text in given) return given[node.text]!;
          if (typeof param.default === 'string') return param.default;
          // Given by the deployment (required) or computed in Azure (tenant()).
          throw new Unevaluable(node.text);
        }
        const expression = vars.get(node.text);
        if (expression) return visit(expression);
        throw new Unevaluable(node.text);
      }
      case 'parenthesized_expression':
        return visit(node.namedChildren[0]);
      case 'ternary_expression':
        return visit(field(node, 'condition'))
          ? visit(field(node, 'consequence'))
          : visit(field(node, 'alternative'));
      case 'unary_expression':
        if (node.children[0].type !== '!') throw new Unevaluable(node.text);
        return !visit(field(node, 'argument'));
      case 'binary_expression': {
        const [left, right] = [visit(field(node, 'left')), visit(field(node, 'right'))];
        const operator = node.children[1].type;
        if (operator === '==') return left === right;
        if (operator === '!=') return left !== right;
        if (operator === '&&') return Boolean(left) && Boolean(right);
        if (operator === '||') return Boolean(left) || Boolean(right);
        throw new Unevaluable(node.text);
      }
      case 'call_expression': {
        const args = field(node, 'arguments').namedChildren;
        if (field(node, 'function').text === 'empty' && args.length === 1)
          return visit(args[0]) === '';
        throw new Unevaluable(node.text);
      }
      case 'boolean':
        return node.text === 'true';
      case 'number':
        return Number(node.text);
      default:
        throw new Unevaluable(node.text);
    }
  };
  const tree = parser.parse(`var evaluated = ${text}\n`);
  expect(syntaxErrors(tree)).toEqual([]);
  const declaration = tree.rootNode.namedChildren[0];
  return visit(declaration.namedChildren[declaration.namedChildren.length - 1]);
}

/** The Toolkit's placeholder, as its arm/deploy step finds it in the parameters file. */
const TOOLKIT_PLACEHOLDER = /\$\{\{ *[a-zA-Z_][a-zA-Z0-9_]* *\}\}/g;
const placeholderName = (placeholder: string) => placeholder.slice(3, -2).trim();

/**
 * What the Agents Toolkit's arm/deploy does to a parameters file (expandEnvironmentVariable in
 * fx-core): each `${{NAME}}` in the file's text is replaced only when NAME has a non-empty value,
 * and the deployment stops (MissingEnvironmentVariablesError) if any placeholder is left.
 */
function expandLikeToolkit(
  content: string,
  env: Record<string, string | undefined>,
): { content: string; missing: string[] } {
  for (const placeholder of content.match(TOOLKIT_PLACEHOLDER) ?? []) {
    const value = env[placeholderName(placeholder)];
    if (value) content = content.replace(placeholder, value);
  }
  const missing = [...new Set((content.match(TOOLKIT_PLACEHOLDER) ?? []).map(placeholderName))];
  return { content, missing: missing.sort() };
}

/** The Toolkit's environment: `.env.<name>`, with `.env.<name>.user` filling only what is empty there. */
function toolkitEnv(envFile: Record<string, string>, userFile: Record<string, string> = {}) {
  const env = { ...envFile };
  for (const [key, value] of Object.entries(userFile)) if (!env[key]) env[key] = value;
  return env;
}

const envFile = (name: string) =>
  parseEnvFile(fs.readFileSync(path.join(ROOT, 'env', name), 'utf8'), name);

/** The `.env.dev.user` env/README.md tells people to write before their first provision. */
function documentedDevUser(): Record<string, string> {
  const doc = fs.readFileSync(path.join(ROOT, 'env', 'README.md'), 'utf8');
  const block = /```sh\n(# env\/\.env\.dev\.user[^]*?)```/.exec(doc);
  if (!block) throw new Error('env/README.md shows no env/.env.dev.user example');
  return parseEnvFile(block[1], '.env.dev.user');
}

/** What provision writes before arm/deploy runs (teamsApp/create, aadApp/create). */
const WRITTEN_BEFORE_ARM_DEPLOY = {
  env: {
    TEAMS_APP_ID: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
    BOT_ID: '0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b',
    BOT_TENANT_ID: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  },
  user: { SECRET_BOT_PASSWORD: 'generated~client~secret' },
};

/** The parameter values arm/deploy sends, from the files as provision would find them. */
function provisionedParameters(): Record<string, string> {
  const env = toolkitEnv(
    { ...envFile('.env.dev'), ...WRITTEN_BEFORE_ARM_DEPLOY.env },
    { ...documentedDevUser(), ...WRITTEN_BEFORE_ARM_DEPLOY.user },
  );
  const { content, missing } = expandLikeToolkit(
    fs.readFileSync(infra('azure.parameters.json'), 'utf8'),
    env,
  );
  expect(missing).toEqual([]);
  const parameters = (JSON.parse(content) as { parameters: Record<string, { value: string }> })
    .parameters;
  return Object.fromEntries(Object.entries(parameters).map(([k, { value }]) => [k, value]));
}

describe('tree-sitter-bicep', () => {
  it('reports syntax errors, so a clean parse means something', async () => {
    const parser = await bicepParser();
    const broken = parser.parse(
      "resource x 'Microsoft.Web/sites@2023-12-01' = {\n  name: 'a'\n  kind: \n",
    );
    expect(broken.rootNode.hasError).toBe(true);
    expect(syntaxErrors(broken).length).toBeGreaterThan(0);
  });

  it.each(['azure.bicep', 'azure.local.bicep'])(
    'parses infra/%s with no syntax errors',
    async (file) => {
      const template = await parseBicep(infra(file));
      expect(syntaxErrors(template.tree)).toEqual([]);
      expect(template.tree.rootNode.hasError).toBe(false);
      expect(template.resources.size).toBeGreaterThan(0);
    },
  );
});

describe('infra/azure.bicep', () => {
  it('declares the resources on current API versions', () => {
    const types = [...azure.resources.values()].map((r) => `${r.type}@${r.apiVersion}`).sort();
    expect(types).toEqual([
      'Microsoft.Authorization/roleAssignments@2022-04-01',
      'Microsoft.BotService/botServices/channels@2022-09-15',
      'Microsoft.BotService/botServices@2022-09-15',
      'Microsoft.Insights/components@2020-02-02',
      'Microsoft.OperationalInsights/workspaces@2023-09-01',
      'Microsoft.Storage/storageAccounts@2023-05-01',
      'Microsoft.Web/serverfarms@2023-12-01',
      'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01',
      'Microsoft.Web/sites/config@2023-12-01',
      'Microsoft.Web/sites@2023-12-01',
    ]);
  });

  it('runs a Linux App Service plan sized by parameters', () => {
    const plan = resourceOfType(azure, 'Microsoft.Web/serverfarms');
    expect(plan.body.kind).toBe('linux');
    expect(get(plan.body, 'properties.reserved')).toBe(true);
    expect(exprText(get(plan.body, 'sku.name'))).toBe('webAppSku');
    expect(exprText(get(plan.body, 'sku.capacity'))).toBe('int(instanceCount)');
  });

  it('runs the app on Node 22 LTS, HTTPS only, with a system-assigned identity', () => {
    const site = resourceOfType(azure, 'Microsoft.Web/sites');
    const plan = resourceOfType(azure, 'Microsoft.Web/serverfarms');
    expect(get(site.body, 'identity.type')).toBe('SystemAssigned');
    expect(get(site.body, 'properties.httpsOnly')).toBe(true);
    expect(exprText(get(site.body, 'properties.serverFarmId'))).toBe(`${plan.name}.id`);
    expect(get(site.body, 'properties.siteConfig')).toMatchObject({
      linuxFxVersion: 'NODE|22-lts',
      appCommandLine: 'node --max-old-space-size=1024 dist/src/server.js',
      alwaysOn: true,
      healthCheckPath: '/api/health',
      minTlsVersion: '1.2',
      ftpsState: 'Disabled',
    });
    // No sticky sessions: any instance can serve any request.
    expect(get(site.body, 'properties.clientAffinityEnabled')).toBe(false);
  });

  describe('app settings', () => {
    const settings = () => {
      const config = resourceOfType(azure, 'Microsoft.Web/sites/config');
      expect(config.body.name).toBe('appsettings');
      expect(exprText(config.body.parent)).toBe(resourceOfType(azure, 'Microsoft.Web/sites').name);
      return object(get(config.body, 'properties'));
    };

    it('give the app what it needs in production, with tables through the managed identity', () => {
      const s = settings();
      const storage = resourceOfType(azure, 'Microsoft.Storage/storageAccounts');
      expect(s).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8080' });
      expect(exprText(s.TABLES_ENDPOINT)).toBe(`${storage.name}.properties.primaryEndpoints.table`);
      expect(exprText(s.BOT_ID)).toBe('botAadAppClientId');
      expect(exprText(s.BOT_TENANT_ID)).toBe('botTenantId');
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining([
          'BOT_PASSWORD',
          'CTAC_WEBHOOK_SECRET',
          'CTAC_ADMINS',
          'NHS_CYBER_ALERTS_URL',
          'GRAPH_ENABLED',
          'TEAMS_APP_ID',
          'NOTIFY_API_KEY',
          'NOTIFY_BASE_URL',
          'NOTIFY_SMS_TEMPLATE_ID',
          'NOTIFY_EMAIL_TEMPLATE_ID',
          'RISK_DECISION_REMINDER_HOURS',
          'RETENTION_YEARS',
        ]),
      );
    });

    it('set Graph, Notify, the risk reminder and the retention years from their own parameters', () => {
      const s = settings();
      for (const [setting, param] of [
        ['GRAPH_ENABLED', 'graphEnabled'],
        ['TEAMS_APP_ID', 'teamsAppId'],
        ['TEAMS_APP_CATALOG_ID', 'teamsAppCatalogId'],
        ['NOTIFY_BASE_URL', 'notifyBaseUrl'],
        ['NOTIFY_SMS_TEMPLATE_ID', 'notifySmsTemplateId'],
        ['NOTIFY_EMAIL_TEMPLATE_ID', 'notifyEmailTemplateId'],
        ['RISK_DECISION_REMINDER_HOURS', 'riskDecisionReminderHours'],
        ['RETENTION_YEARS', 'retentionYears'],
      ]) {
        const value = `value of ${param}`;
        const deployed = evaluate(azure, exprText(s[setting])!, { [param]: value });
        expect([setting, deployed]).toEqual([setting, value]);
      }
      // Off unless asked for: Graph off, no Notify key (text and email off), the app's own defaults.
      expect(azure.params.get('graphEnabled')!.default).toBe('false');
      expect(azure.params.get('notifyApiKey')!.default).toBe('');
      expect(azure.params.get('notifyApiKeyKeyVaultSecretUri')!.default).toBe('');
      expect(azure.params.get('notifyBaseUrl')!.default).toBe(NOTIFY_DEFAULT_BASE_URL);
      expect(azure.params.get('riskDecisionReminderHours')!.default).toBe('24');
      expect(azure.params.get('retentionYears')!.default).toBe('6');
    });

    it('hold no account key or connection string', () => {
      const s = settings();
      // Application Insights' connection string only says where telemetry goes; it grants no access.
      expect(
        Object.keys(s).filter(
          (k) =>
            /CONNECTION_STRING|ACCOUNT_KEY|ACCESS_KEY/i.test(k) &&
            k !== 'APPLICATIONINSIGHTS_CONNECTION_STRING',
        ),
      ).toEqual([]);
      const text = JSON.stringify(s, (_k, v: unknown) => (v instanceof Expr ? v.text : v));
      expect(text).not.toMatch(
        /listKeys|AccountKey|DefaultEndpointsProtocol|SharedAccessSignature/i,
      );
      const source = fs.readFileSync(infra('azure.bicep'), 'utf8');
      expect(source).not.toMatch(/listKeys\(|AccountKey=/);
    });

    it('take secrets from secure parameters or from Key Vault references', () => {
      const uri = 'https://ctac-vault.vault.azure.net/secrets/ctac-secret';
      for (const [setting, param, uriParam] of [
        ['BOT_PASSWORD', 'botPassword', 'botPasswordKeyVaultSecretUri'],
        ['CTAC_WEBHOOK_SECRET', 'webhookSecret', 'webhookSecretKeyVaultSecretUri'],
        ['NOTIFY_API_KEY', 'notifyApiKey', 'notifyApiKeyKeyVaultSecretUri'],
      ]) {
        expect(azure.params.get(param)!.decorators).toContain('@secure()');
        const deployed = (given: Record<string, string>) =>
          evaluate(azure, exprText(settings()[setting])!, given);
        // No URI ('-' or empty): the secret itself; with one: a Key Vault reference, the secret unused.
        expect(deployed({ [param]: 's3cret', [uriParam]: '-' })).toBe('s3cret');
        expect(deployed({ [param]: 's3cret', [uriParam]: '' })).toBe('s3cret');
        expect(deployed({ [param]: '-', [uriParam]: uri })).toBe(
          `@Microsoft.KeyVault(SecretUri=${uri})`,
        );
        expect(deployed({ [param]: 's3cret', [uriParam]: uri })).toBe(
          `@Microsoft.KeyVault(SecretUri=${uri})`,
        );
        // Neither: empty, which the app reads as unset.
        expect(deployed({ [param]: '-', [uriParam]: '-' })).toBe('');
        expect(deployed({})).toBe('');
      }
    });

    it('are each documented in env/README.md', () => {
      const doc = fs.readFileSync(path.join(ROOT, 'env', 'README.md'), 'utf8');
      const documented = [...doc.matchAll(/^\| `([A-Z_]+)`\s+\|/gm)].map((m) => m[1]);
      const appSettings = Object.keys(settings()).filter(
        (k) => !/^(WEBSITE_|WEBSITES_|SCM_)/.test(k),
      );
      expect(appSettings.filter((k) => !documented.includes(k))).toEqual([]);
    });

    /**
     * The app settings as the app would see them: literal strings as written, expressions of the
     * parameters evaluated with `given` (else the parameters' defaults), and what only Azure knows
     * (a resource's property) from `sample`.
     */
    const deployedEnv = (
      sample: Record<string, string>,
      given: Record<string, string> = {},
    ): Record<string, string> => {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(settings())) {
        if (typeof value === 'string') {
          env[key] = value;
          continue;
        }
        try {
          env[key] = String(evaluate(azure, exprText(value)!, given));
        } catch (e) {
          if (!(e instanceof Unevaluable)) throw e;
          if (!(key in sample))
            throw new Error(`no sample value for app setting ${key}`, { cause: e });
          env[key] = sample[key]!;
        }
      }
      return env;
    };

    it("pass the app's own configuration check in production", () => {
      const sample: Record<string, string> = {
        TABLES_ENDPOINT: 'https://ctacabc123.table.core.windows.net/',
        BOT_ID: '0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b',
        BOT_TENANT_ID: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
        BOT_PASSWORD: 'client-secret',
        CTAC_WEBHOOK_SECRET: 'webhook-secret',
        CTAC_PUBLIC_URL: 'https://ctac-abc123.azurewebsites.net',
        CTAC_ADMINS: 'lead@example.nhs.uk',
        NHS_CYBER_ALERTS_URL: '',
        CTAC_TABLE_PREFIX: '',
        LOG_LEVEL: 'info',
        APPLICATIONINSIGHTS_CONNECTION_STRING:
          'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/',
        // Neither the key nor its Key Vault URI given: the setting is empty.
        NOTIFY_API_KEY: '',
      };
      const config = loadConfig(
        deployedEnv(sample, {
          botAadAppClientId: sample.BOT_ID!,
          botPassword: sample.BOT_PASSWORD!,
          webhookSecret: sample.CTAC_WEBHOOK_SECRET!,
          ctacAdmins: sample.CTAC_ADMINS!,
        }),
      );
      expect(config.env).toBe('production');
      expect(config.storage).toEqual({ kind: 'endpoint', endpoint: sample.TABLES_ENDPOINT });
      expect(config.bot.anonymous).toBe(false);
      expect(config.host).toBe('0.0.0.0');
      expect(config.port).toBe(8080);
      expect(config.telemetry.connectionString).toBe(sample.APPLICATIONINSIGHTS_CONNECTION_STRING);
      // The defaults start the app with Graph, text and email off.
      expect(config.graph).toBeUndefined();
      expect(config.notify).toBeUndefined();
      expect(config.risks.decisionReminderHours).toBe(24);
    });

    it('when Graph and Notify parameters are given, then the app turns them on', () => {
      const key = `ctac-live-${'1'.repeat(8)}-2222-4333-8444-${'5'.repeat(12)}-${'6'.repeat(8)}-7777-4888-9999-${'a'.repeat(12)}`;
      const config = loadConfig(
        deployedEnv(
          {
            TABLES_ENDPOINT: 'https://ctacabc123.table.core.windows.net/',
            BOT_ID: '0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b',
            BOT_TENANT_ID: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
            BOT_PASSWORD: 'client-secret',
            CTAC_WEBHOOK_SECRET: 'webhook-secret',
            CTAC_PUBLIC_URL: 'https://ctac-abc123.azurewebsites.net',
            APPLICATIONINSIGHTS_CONNECTION_STRING: '',
            NOTIFY_API_KEY: key,
          },
          {
            botPassword: 'client-secret',
            webhookSecret: 'webhook-secret',
            notifyApiKey: key,
            graphEnabled: 'true',
            teamsAppId: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
            notifySmsTemplateId: 'f33517ff-2a88-4f6e-b855-c550268ce08a',
            riskDecisionReminderHours: '12',
            retentionYears: '7',
          },
        ),
      );
      expect(config.graph).toEqual({ teamsAppId: '3f2e1d0c-9b8a-4765-8432-10fedcba9876' });
      expect(config.notify).toMatchObject({
        baseUrl: NOTIFY_DEFAULT_BASE_URL,
        smsTemplateId: 'f33517ff-2a88-4f6e-b855-c550268ce08a',
      });
      expect(config.notify!.emailTemplateId).toBeUndefined();
      expect(config.risks.decisionReminderHours).toBe(12);
      expect(config.retention.years).toBe(7);
    });

    describe('when provisioned with the Toolkit from env/.env.dev and the documented .env.dev.user', () => {
      const inAzure: Record<string, string> = {
        TABLES_ENDPOINT: 'https://ctacabc123.table.core.windows.net/',
        CTAC_PUBLIC_URL: 'https://ctac-abc123.azurewebsites.net',
        APPLICATIONINSIGHTS_CONNECTION_STRING: '',
      };

      it('then arm/deploy fills every parameter', () => {
        const parameters = provisionedParameters();
        expect(Object.keys(parameters).length).toBeGreaterThan(0);
        expect(JSON.stringify(parameters)).not.toContain('${{');
      });

      it("then each optional value left '-' is not set in Azure, as if it were empty", () => {
        const parameters = provisionedParameters();
        const dashed = Object.keys(parameters).filter((name) => parameters[name] === '-');
        expect(dashed.sort()).toEqual(
          [
            'botPasswordKeyVaultSecretUri',
            'ctacAdmins',
            'nhsCyberAlertsUrl',
            'notifyApiKey',
            'notifyApiKeyKeyVaultSecretUri',
            'notifyEmailTemplateId',
            'notifySmsTemplateId',
            'tablePrefix',
            'teamsAppCatalogId',
            'webhookSecretKeyVaultSecretUri',
          ].sort(),
        );
        const deployed = deployedEnv(inAzure, parameters);
        expect(Object.entries(deployed).filter(([, value]) => value === '-')).toEqual([]);
        for (const name of dashed) {
          const empty = deployedEnv(inAzure, { ...parameters, [name]: '' });
          expect([name, empty]).toEqual([name, deployed]);
        }
        expect(deployed).toMatchObject({
          CTAC_ADMINS: '',
          NHS_CYBER_ALERTS_URL: '',
          CTAC_TABLE_PREFIX: '',
          TEAMS_APP_CATALOG_ID: '',
          NOTIFY_API_KEY: '',
          NOTIFY_SMS_TEMPLATE_ID: '',
          NOTIFY_EMAIL_TEMPLATE_ID: '',
          BOT_PASSWORD: parameters.botPassword,
          CTAC_WEBHOOK_SECRET: parameters.webhookSecret,
        });
      });

      it('then the app starts in production with those settings off', () => {
        const config = loadConfig(deployedEnv(inAzure, provisionedParameters()));
        expect(config.env).toBe('production');
        expect(config.admins).toEqual([]);
        expect(config.nhsCyberAlertsUrl).toBeUndefined();
        expect(config.tablePrefix).toBe('');
        expect(config.notify).toBeUndefined();
      });

      it('then a value given in place of the - reaches the app', () => {
        const config = loadConfig(
          deployedEnv(inAzure, {
            ...provisionedParameters(),
            ctacAdmins: 'Lead@example.nhs.uk',
            nhsCyberAlertsUrl: 'https://alerts.example.nhs.uk/api/',
            tablePrefix: 'ctacdev',
          }),
        );
        expect(config.admins).toEqual(['lead@example.nhs.uk']);
        expect(config.nhsCyberAlertsUrl).toBe('https://alerts.example.nhs.uk/api');
        expect(config.tablePrefix).toBe('ctacdev');
      });
    });

    it('send telemetry to a workspace-based Application Insights', () => {
      const insights = resourceOfType(azure, 'Microsoft.Insights/components');
      const workspace = resourceOfType(azure, 'Microsoft.OperationalInsights/workspaces');
      expect(exprText(get(insights.body, 'properties.WorkspaceResourceId'))).toBe(
        `${workspace.name}.id`,
      );
      expect(get(insights.body, 'properties.IngestionMode')).toBe('LogAnalytics');
      expect(exprText(settings().APPLICATIONINSIGHTS_CONNECTION_STRING)).toBe(
        `${insights.name}.properties.ConnectionString`,
      );
    });
  });

  it('keeps the storage account on TLS 1.2 with no public blobs and no shared keys', () => {
    const storage = resourceOfType(azure, 'Microsoft.Storage/storageAccounts');
    expect(get(storage.body, 'properties')).toMatchObject({
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      supportsHttpsTrafficOnly: true,
    });
  });

  it('grants the web app identity Storage Table Data Contributor on the storage account', () => {
    const role = resourceOfType(azure, 'Microsoft.Authorization/roleAssignments');
    const storage = resourceOfType(azure, 'Microsoft.Storage/storageAccounts');
    const site = resourceOfType(azure, 'Microsoft.Web/sites');
    expect(exprText(role.body.scope)).toBe(storage.name);
    const definition = exprText(get(role.body, 'properties.roleDefinitionId'))!;
    const match =
      /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (\w+)\)$/.exec(
        definition,
      );
    expect(match).not.toBeNull();
    expect(azure.vars.get(match![1])).toBe(STORAGE_TABLE_DATA_CONTRIBUTOR);
    expect(exprText(get(role.body, 'properties.principalId'))).toBe(
      `${site.name}.identity.principalId`,
    );
    expect(get(role.body, 'properties.principalType')).toBe('ServicePrincipal');
    // A stable name, so re-running provision updates the assignment instead of failing.
    expect(exprText(role.body.name)).toMatch(
      new RegExp(`^guid\\(${storage.name}\\.id, ${site.name}\\.id,`),
    );
  });

  it('registers a single-tenant Azure Bot pointing at /api/messages, with the Teams channel', () => {
    const bot = resourceOfType(azure, 'Microsoft.BotService/botServices');
    const site = resourceOfType(azure, 'Microsoft.Web/sites');
    expect(bot.body).toMatchObject({ location: 'global', kind: 'azurebot' });
    expect(get(bot.body, 'properties.msaAppType')).toBe('SingleTenant');
    expect(exprText(get(bot.body, 'properties.msaAppId'))).toBe('botAadAppClientId');
    expect(exprText(get(bot.body, 'properties.msaAppTenantId'))).toBe('botTenantId');
    expect(exprText(get(bot.body, 'properties.endpoint'))).toBe(
      `'https://\${${site.name}.properties.defaultHostName}/api/messages'`,
    );
    const channel = resourceOfType(azure, 'Microsoft.BotService/botServices/channels');
    expect(exprText(channel.body.parent)).toBe(bot.name);
    expect(channel.body.name).toBe('MsTeamsChannel');
    expect(get(channel.body, 'properties')).toEqual({
      channelName: 'MsTeamsChannel',
      properties: { isEnabled: true },
    });
  });

  it('outputs what the manifest and the deploy step read', () => {
    const outputs = [...azure.outputs.keys()];
    expect(outputs).toEqual(
      expect.arrayContaining([
        'AZURE_APP_SERVICE_RESOURCE_ID',
        'BOT_DOMAIN',
        'TAB_ENDPOINT',
        'TABLES_ENDPOINT',
      ]),
    );
    const dev = parseEnvFile(fs.readFileSync(path.join(ROOT, 'env', '.env.dev'), 'utf8'));
    expect(outputs.filter((o) => !(o in dev))).toEqual([]);
  });
});

describe.each([
  ['azure.bicep', 'azure.parameters.json', '.env.dev'],
  ['azure.local.bicep', 'azure.local.parameters.json', '.env.local'],
])('infra/%s parameters', (bicep, parametersFile, envFileName) => {
  const template = () => (bicep === 'azure.bicep' ? azure : local);
  const parameters = () =>
    JSON.parse(fs.readFileSync(infra(parametersFile), 'utf8')) as {
      $schema: string;
      contentVersion: string;
      parameters: Record<string, { value: unknown }>;
    };

  it(`${parametersFile} is a deployment parameters file for exactly the Bicep's parameters`, () => {
    const file = parameters();
    expect(file.$schema).toBe(
      'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
    );
    expect(file.contentVersion).toBe('1.0.0.0');
    const given = Object.keys(file.parameters);
    const declared = [...template().params.keys()];
    expect(given.filter((p) => !declared.includes(p))).toEqual([]);
    const required = [...template().params.values()].filter((p) => p.default === undefined);
    expect(required.map((p) => p.name).filter((p) => !given.includes(p))).toEqual([]);
    for (const { value } of Object.values(file.parameters)) expect(typeof value).toBe('string');
  });

  it(`when arm/deploy fills ${parametersFile} from ${envFileName} alone, then only values provision writes or people must give are missing`, () => {
    const { missing } = expandLikeToolkit(
      fs.readFileSync(infra(parametersFile), 'utf8'),
      toolkitEnv(envFile(envFileName)),
    );
    // Each stops provision while missing: written by teamsApp/create and aadApp/create before
    // arm/deploy, or (the tunnel, the webhook secret, the Notify key or '-') given by people.
    expect(missing).toEqual(
      bicep === 'azure.bicep'
        ? [
            'BOT_ID',
            'BOT_TENANT_ID',
            'SECRET_BOT_PASSWORD',
            'SECRET_CTAC_WEBHOOK_SECRET',
            'SECRET_NOTIFY_API_KEY',
            'TEAMS_APP_ID',
          ]
        : ['BOT_ENDPOINT', 'BOT_ID', 'BOT_TENANT_ID'],
    );
    for (const name of missing) {
      const param = Object.entries(parameters().parameters).find(
        ([, { value }]) => value === `\${{${name}}}`,
      )![0];
      const optional = template().params.get(param)!.default !== undefined;
      // BOT_ID and the rest without a default stay required: nothing stands in for them.
      if (!optional) expect(envFile(envFileName)[name] ?? '').toBe('');
    }
  });

  it(`takes every value from ${envFileName}, secrets only from the git-ignored .user file`, () => {
    const env = parseEnvFile(fs.readFileSync(path.join(ROOT, 'env', envFileName), 'utf8'));
    const used = placeholdersIn(parameters());
    expect(used.filter((name) => !name.startsWith('SECRET_') && !(name in env))).toEqual([]);
    for (const [name, { value }] of Object.entries(parameters().parameters)) {
      const secure = template().params.get(name)!.decorators.includes('@secure()');
      expect([name, secure]).toEqual([name, /\$\{\{SECRET_/.test(String(value))]);
    }
  });
});

describe('infra/azure.parameters.json as provision fills it', () => {
  it('when the documented .env.dev.user is there, then a missing BOT_ID still stops provision', () => {
    const env = toolkitEnv(
      { ...envFile('.env.dev'), ...WRITTEN_BEFORE_ARM_DEPLOY.env, BOT_ID: '' },
      { ...documentedDevUser(), ...WRITTEN_BEFORE_ARM_DEPLOY.user },
    );
    const { missing } = expandLikeToolkit(
      fs.readFileSync(infra('azure.parameters.json'), 'utf8'),
      env,
    );
    expect(missing).toEqual(['BOT_ID']);
    expect(azure.params.get('botAadAppClientId')!.default).toBeUndefined();
  });

  it('when the documented .env.dev.user is missing, then provision stops on the secrets people give', () => {
    const env = toolkitEnv(
      { ...envFile('.env.dev'), ...WRITTEN_BEFORE_ARM_DEPLOY.env },
      WRITTEN_BEFORE_ARM_DEPLOY.user,
    );
    const { missing } = expandLikeToolkit(
      fs.readFileSync(infra('azure.parameters.json'), 'utf8'),
      env,
    );
    expect(missing).toEqual(['SECRET_CTAC_WEBHOOK_SECRET', 'SECRET_NOTIFY_API_KEY']);
    // So the docs tell people to write both, the Notify key as '-' when text and email are not used.
    expect(Object.keys(documentedDevUser()).sort()).toEqual(missing);
    expect(documentedDevUser().SECRET_NOTIFY_API_KEY).toBe('-');
  });
});

describe('infra/azure.local.bicep', () => {
  it('only registers the single-tenant bot and its Teams channel, at the tunnel', () => {
    const types = [...local.resources.values()].map((r) => r.type).sort();
    expect(types).toEqual([
      'Microsoft.BotService/botServices',
      'Microsoft.BotService/botServices/channels',
    ]);
    const bot = resourceOfType(local, 'Microsoft.BotService/botServices');
    expect(get(bot.body, 'properties.msaAppType')).toBe('SingleTenant');
    expect(exprText(get(bot.body, 'properties.endpoint'))).toBe("'${botEndpoint}/api/messages'");
  });
});

describe('infra/.webappignore (what the deployed zip leaves out of node_modules)', () => {
  const patterns = () =>
    fs
      .readFileSync(infra('.webappignore'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));

  it('leaves out source maps, type declarations and the vendored copies of chai', () => {
    expect(patterns()).toEqual(
      expect.arrayContaining([
        '/node_modules/**/*.map',
        '/node_modules/**/*.d.ts',
        '/node_modules/botbuilder/vendors/chai/',
        '/node_modules/botframework-streaming/vendors/chai/',
      ]),
    );
  });

  it.each(['botbuilder', 'botframework-streaming'])(
    'when %s is updated, then its code still never loads its vendored chai (safe to leave out)',
    (pkg) => {
      const lib = path.join(ROOT, 'node_modules', pkg, 'lib');
      const requiresChai = fs
        .readdirSync(lib, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.js'))
        .filter((file) =>
          /vendors\/chai|require\(["']chai["']\)/.test(
            fs.readFileSync(path.join(lib, file), 'utf8'),
          ),
        );
      expect(requiresChai).toEqual([]);
      // What it does load from vendors/ stays in the zip.
      expect(patterns().some((p) => p.includes('filenamify'))).toBe(false);
    },
  );

  it('when @azure/identity is updated, then its Node build still never loads MSAL for browsers (safe to leave out)', () => {
    expect(patterns()).toContain('/node_modules/@azure/msal-browser/');
    const lib = path.join(ROOT, 'node_modules', '@azure', 'identity', 'dist', 'commonjs');
    const files = fs
      .readdirSync(lib, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.js'));
    const source = (file: string) => fs.readFileSync(path.join(lib, file), 'utf8');
    // Only the browser sign-in flows name it, and nothing else in the Node build loads those files.
    const namesIt = files.filter((file) => source(file).includes('@azure/msal-browser'));
    expect(namesIt.every((file) => file.split(path.sep).includes('browserFlows'))).toBe(true);
    const loadsBrowserFlows = files.filter(
      (file) => !file.split(path.sep).includes('browserFlows') && /browserFlows/.test(source(file)),
    );
    expect(loadsBrowserFlows).toEqual([]);
  });
});
