import { z } from 'zod';

/** GOV.UK Notify's own API. */
export const NOTIFY_DEFAULT_BASE_URL = 'https://api.notifications.service.gov.uk';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTIFY_KEY =
  /^(.+)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Every setting the app reads, validated once at start. This is the only module that reads process.env.
 * README.md and env/ document each variable.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    /** Address to listen on; loopback by default so a local run is never exposed. */
    HOST: z.string().default('127.0.0.1'),
    BOT_ID: z.string().trim().optional(),
    BOT_PASSWORD: z.string().optional(),
    BOT_TENANT_ID: z.string().trim().optional(),
    /**
     * Tests only: where the bot reads the OpenID metadata (and so the signing keys) of the tokens on
     * /api/messages, instead of the Bot Framework's. Must be a loopback address, so a real deployment can
     * never be pointed at another issuer; BOT_TOKEN_ISSUER goes with it.
     */
    BOT_OPENID_METADATA_URL: z
      .string()
      .trim()
      .url()
      .refine(
        (u) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname),
        'must be a loopback address (it exists for tests of the bot’s token checks).',
      )
      .optional(),
    /** Tests only, with BOT_OPENID_METADATA_URL: the issuer the bot expects on /api/messages tokens. */
    BOT_TOKEN_ISSUER: z.string().trim().optional(),
    TABLES_CONNECTION_STRING: z.string().trim().optional(),
    TABLES_ENDPOINT: z.string().trim().url().optional(),
    /**
     * The development host (/dev/host.html, /dev/token) and its token issuer: a person trying the tab on their
     * own computer. Only on loopback, never in production, never with BOT_ID (a real bot's tenant).
     */
    CTAC_DEV_HOST: z.enum(['true', 'false']).optional(),
    /** Prefix for table names, so several deployments or test runs can share one account. */
    CTAC_TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/)
      .optional(),
    /** Where the embedded Azurite keeps its data when no storage is configured. */
    CTAC_DATA_DIR: z.string().default('.data'),
    CTAC_WEBHOOK_SECRET: z.string().optional(),
    CTAC_ADMINS: z.string().optional(),
    NHS_CYBER_ALERTS_URL: z.string().trim().url().optional(),
    /** Public base URL of the app (the tab and calendar links); defaults to http://HOST:PORT. */
    CTAC_PUBLIC_URL: z.string().trim().url().optional(),
    /** Look people up in Entra ID through Microsoft Graph (app permission User.Read.All). */
    GRAPH_ENABLED: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Where Graph requests go instead of https://graph.microsoft.com/ (a local fake in tests). */
    GRAPH_BASE_URL: z.string().trim().url().optional(),
    /** The Teams app manifest id: deep links into the tab use it, and with Graph CTAC is installed by it. */
    TEAMS_APP_ID: z.string().trim().optional(),
    /**
     * CTAC's id in the organisation's app catalogue, when an admin knows it (Teams admin centre): with it,
     * CTAC need not look itself up, which Graph may refuse to an app signed in as itself.
     */
    TEAMS_APP_CATALOG_ID: z
      .string()
      .trim()
      .regex(
        UUID,
        'must be the app’s id in the organisation’s app catalogue (36 characters, e.g. from the Teams admin centre), not the manifest id',
      )
      .optional(),
    /** How many minutes before a shift the incoming on-call person gets a 1:1 reminder. */
    ROTA_REMINDER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /** How many hours ahead gaps in the rota are announced to the leads. */
    ROTA_GAP_NOTICE_HOURS: z.coerce.number().int().min(1).max(720).default(48),
    /** How many hours after an escalation the leads are reminded of a risk still undecided. */
    RISK_DECISION_REMINDER_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    /**
     * How many years resolved alerts, closed risks, decisions and audit events are kept before the daily
     * retention job deletes them (README, "What CTAC keeps").
     */
    RETENTION_YEARS: z.coerce
      .number({ invalid_type_error: 'must be a whole number of years from 1 to 20' })
      .int('must be a whole number of years from 1 to 20')
      .min(1, 'must be a whole number of years from 1 to 20')
      .max(20, 'must be a whole number of years from 1 to 20')
      .default(6),
    /** Sends traces, metrics and logs to Application Insights (Azure Monitor) when set. */
    APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().trim().optional(),
    /**
     * GOV.UK Notify, for texts and emails: `<key name>-<service id>-<secret key>` as Notify shows it. Unset,
     * text and email are off. Its form is checked here (not its secret), so a key cut short stops the start.
     */
    NOTIFY_API_KEY: z.string().trim().optional(),
    /** Where Notify requests go: the service's own API unless set (a local fake Notify in tests). */
    NOTIFY_BASE_URL: z.string().trim().url().default(NOTIFY_DEFAULT_BASE_URL),
    /** The Notify text message template pages use (its id); placeholders ((subject)), ((message)), ((link)). */
    NOTIFY_SMS_TEMPLATE_ID: z
      .string()
      .trim()
      .regex(UUID, 'must be a template id (36 characters, from Notify)')
      .optional(),
    /** The Notify email template pages use (its id); the same placeholders. */
    NOTIFY_EMAIL_TEMPLATE_ID: z
      .string()
      .trim()
      .regex(UUID, 'must be a template id (36 characters, from Notify)')
      .optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.BOT_OPENID_METADATA_URL) !== Boolean(env.BOT_TOKEN_ISSUER))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['BOT_TOKEN_ISSUER'],
        message: 'and BOT_OPENID_METADATA_URL go together (both or neither)',
      });
    if (env.CTAC_DEV_HOST === 'true') {
      const refuse = (path: string, message: string) =>
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
      // It signs a token for whoever the page names: with a real bot, that is anyone in a real tenant.
      if (env.BOT_ID)
        refuse(
          'CTAC_DEV_HOST',
          'cannot be true together with BOT_ID: the development host signs tokens for anyone, so it runs only without real bot credentials',
        );
      if (env.NODE_ENV === 'production')
        refuse(
          'CTAC_DEV_HOST',
          'cannot be true in production (it is for trying CTAC on your own computer)',
        );
      if (!isLoopbackHost(env.HOST))
        refuse(
          'CTAC_DEV_HOST',
          `cannot be true while HOST is ${env.HOST}: the development host listens on loopback only (127.0.0.1 or localhost)`,
        );
    }
    checkNotify(env, ctx);
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['BOT_OPENID_METADATA_URL', 'BOT_TOKEN_ISSUER'] as const)
      if (env[key])
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message:
            'is for tests only and is refused in production (the bot must check tokens against the Bot Framework)',
        });
    const need = (key: keyof typeof env, why: string) => {
      if (!env[key])
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message: `is required in production (${why})`,
        });
    };
    need('BOT_ID', 'the bot must authenticate to Teams');
    need('BOT_PASSWORD', 'the bot must authenticate to Teams');
    need('BOT_TENANT_ID', 'the bot is single tenant');
    need('CTAC_WEBHOOK_SECRET', 'the alert webhook must be signed');
    need('CTAC_PUBLIC_URL', 'the tab’s sign-in tokens are addressed to api://<its host>/<BOT_ID>');
    if (env.CTAC_PUBLIC_URL && !env.CTAC_PUBLIC_URL.startsWith('https://'))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['CTAC_PUBLIC_URL'],
        message: 'must be an https:// address in production (Teams opens only https tabs)',
      });
    if (!env.TABLES_CONNECTION_STRING && !env.TABLES_ENDPOINT)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['TABLES_ENDPOINT'],
        message: 'or TABLES_CONNECTION_STRING is required in production',
      });
  });

/**
 * A Notify API key, `<key name>-<service id>-<secret key>` (both ids 36 characters): the service id is
 * the issuer of the tokens the client signs with the secret. Undefined when it is not in that form.
 */
export function parseNotifyApiKey(key: string): { serviceId: string; keyName: string } | undefined {
  const m = NOTIFY_KEY.exec(key.trim());
  return m ? { keyName: m[1]!, serviceId: m[2]!.toLowerCase() } : undefined;
}

/** The Notify settings' problems: a key's form, the templates it needs, where requests may go. */
function checkNotify(
  env: {
    NODE_ENV: string;
    NOTIFY_API_KEY?: string;
    NOTIFY_BASE_URL: string;
    NOTIFY_SMS_TEMPLATE_ID?: string;
    NOTIFY_EMAIL_TEMPLATE_ID?: string;
  },
  ctx: z.RefinementCtx,
): void {
  const refuse = (path: string, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
  const templates = env.NOTIFY_SMS_TEMPLATE_ID || env.NOTIFY_EMAIL_TEMPLATE_ID;
  if (!env.NOTIFY_API_KEY) {
    if (templates)
      refuse(
        'NOTIFY_API_KEY',
        'is needed with NOTIFY_SMS_TEMPLATE_ID or NOTIFY_EMAIL_TEMPLATE_ID (without it, text and email are off)',
      );
    return;
  }
  // Never echo the key: it holds the secret.
  if (!parseNotifyApiKey(env.NOTIFY_API_KEY))
    refuse(
      'NOTIFY_API_KEY',
      'is not a GOV.UK Notify API key: it must be <key name>-<service id>-<secret key>, the two ids 36 characters each, exactly as Notify showed it when the key was made (check it was copied whole)',
    );
  if (!templates)
    refuse(
      'NOTIFY_SMS_TEMPLATE_ID',
      'or NOTIFY_EMAIL_TEMPLATE_ID is needed with NOTIFY_API_KEY (the Notify templates pages are sent with)',
    );
  const url = new URL(env.NOTIFY_BASE_URL);
  if (url.protocol === 'https:') return;
  if (env.NODE_ENV === 'production')
    refuse(
      'NOTIFY_BASE_URL',
      'must be an https:// address in production (the key signs every request)',
    );
  else if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname))
    refuse(
      'NOTIFY_BASE_URL',
      'must be an https:// address (http:// only for a loopback address, as in tests)',
    );
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this computer can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  /** CTAC_DEV_HOST: the development host page and its token issuer (checked: loopback, no BOT_ID, not production). */
  devHost: boolean;
  publicUrl?: string;
  bot: {
    appId?: string;
    password?: string;
    tenantId?: string;
    anonymous: boolean;
    /** Tests only: a local OpenID metadata document and issuer for the tokens on /api/messages. */
    tokenIssuer?: { openIdMetadataUrl: string; issuer: string };
  };
  storage:
    | { kind: 'connectionString'; connectionString: string }
    | { kind: 'endpoint'; endpoint: string }
    | { kind: 'embedded'; dataDir: string };
  tablePrefix: string;
  webhookSecret?: string;
  admins: string[];
  nhsCyberAlertsUrl?: string;
  rota: { reminderLeadMinutes: number; gapNoticeHours: number };
  /** Escalated risks: the leads are reminded of an undecided one after `decisionReminderHours`. */
  risks: { decisionReminderHours: number };
  /** Resolved alerts, closed risks, decisions and audit events are deleted `years` years after. */
  retention: { years: number };
  /** TEAMS_APP_ID, the manifest id: cards and reminders link into the tab with it (and Graph installs by it). */
  teamsAppId?: string;
  /** Microsoft Graph, when enabled; `baseUrl` redirects it (tests). */
  graph?: { baseUrl?: string; teamsAppId?: string; teamsAppCatalogId?: string };
  /** Application Insights, when its connection string is set (src/telemetry). */
  telemetry: { connectionString?: string };
  /** GOV.UK Notify, when NOTIFY_API_KEY is set: texts with the SMS template, emails with the email one. */
  notify?: {
    apiKey: string;
    baseUrl: string;
    /** From the key: the issuer of the tokens the client signs. */
    serviceId: string;
    smsTemplateId?: string;
    emailTemplateId?: string;
  };
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`CTAC cannot start, the configuration has problems:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /**
   * `npm start`: CTAC_DEV_HOST is true unless set, when it can be (no BOT_ID, not production, loopback HOST),
   * so a person can try the tab at once; set explicitly, it is taken as given.
   */
  devHostByDefault?: boolean;
}

/** Reads and checks the environment; throws ConfigError listing every problem at once. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Config {
  const blankToUndefined: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]),
  );
  if (options.devHostByDefault && blankToUndefined['CTAC_DEV_HOST'] === undefined)
    blankToUndefined['CTAC_DEV_HOST'] = String(
      !blankToUndefined['BOT_ID']?.trim() &&
        (blankToUndefined['NODE_ENV'] ?? 'development') !== 'production' &&
        isLoopbackHost(blankToUndefined['HOST'] ?? '127.0.0.1'),
    );
  const parsed = schema.safeParse(blankToUndefined);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`),
    );
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    devHost: e.CTAC_DEV_HOST === 'true',
    publicUrl: e.CTAC_PUBLIC_URL?.replace(/\/$/, ''),
    bot: {
      appId: e.BOT_ID,
      password: e.BOT_PASSWORD,
      tenantId: e.BOT_TENANT_ID,
      anonymous: !e.BOT_ID,
      ...(e.BOT_OPENID_METADATA_URL &&
        e.BOT_TOKEN_ISSUER && {
          tokenIssuer: { openIdMetadataUrl: e.BOT_OPENID_METADATA_URL, issuer: e.BOT_TOKEN_ISSUER },
        }),
    },
    storage: e.TABLES_CONNECTION_STRING
      ? { kind: 'connectionString', connectionString: e.TABLES_CONNECTION_STRING }
      : e.TABLES_ENDPOINT
        ? { kind: 'endpoint', endpoint: e.TABLES_ENDPOINT }
        : { kind: 'embedded', dataDir: e.CTAC_DATA_DIR },
    tablePrefix: e.CTAC_TABLE_PREFIX ?? '',
    webhookSecret: e.CTAC_WEBHOOK_SECRET,
    admins: (e.CTAC_ADMINS ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    nhsCyberAlertsUrl: e.NHS_CYBER_ALERTS_URL?.replace(/\/$/, ''),
    teamsAppId: e.TEAMS_APP_ID || undefined,
    graph: e.GRAPH_ENABLED
      ? {
          baseUrl: e.GRAPH_BASE_URL?.replace(/\/$/, ''),
          teamsAppId: e.TEAMS_APP_ID || undefined,
          teamsAppCatalogId: e.TEAMS_APP_CATALOG_ID,
        }
      : undefined,
    rota: {
      reminderLeadMinutes: e.ROTA_REMINDER_MINUTES,
      gapNoticeHours: e.ROTA_GAP_NOTICE_HOURS,
    },
    risks: { decisionReminderHours: e.RISK_DECISION_REMINDER_HOURS },
    retention: { years: e.RETENTION_YEARS },
    telemetry: { connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING },
    ...(e.NOTIFY_API_KEY && {
      notify: {
        apiKey: e.NOTIFY_API_KEY,
        baseUrl: e.NOTIFY_BASE_URL.replace(/\/$/, ''),
        serviceId: parseNotifyApiKey(e.NOTIFY_API_KEY)!.serviceId,
        smsTemplateId: e.NOTIFY_SMS_TEMPLATE_ID,
        emailTemplateId: e.NOTIFY_EMAIL_TEMPLATE_ID,
      },
    }),
    logLevel: e.LOG_LEVEL,
  };
}
