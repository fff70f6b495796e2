import { z } from 'zod';

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
    /** How many minutes before a shift the incoming on-call person gets a 1:1 reminder. */
    ROTA_REMINDER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /** How many hours ahead gaps in the rota are announced to the leads. */
    ROTA_GAP_NOTICE_HOURS: z.coerce.number().int().min(1).max(720).default(48),
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
    if (env.NODE_ENV !== 'production') return;
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
    if (!env.TABLES_CONNECTION_STRING && !env.TABLES_ENDPOINT)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['TABLES_ENDPOINT'],
        message: 'or TABLES_CONNECTION_STRING is required in production',
      });
  });

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
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
  /** Microsoft Graph, when enabled; `baseUrl` redirects it (tests). */
  graph?: { baseUrl?: string };
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`CTAC cannot start, the configuration has problems:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]),
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
    graph: e.GRAPH_ENABLED ? { baseUrl: e.GRAPH_BASE_URL?.replace(/\/$/, '') } : undefined,
    rota: {
      reminderLeadMinutes: e.ROTA_REMINDER_MINUTES,
      gapNoticeHours: e.ROTA_GAP_NOTICE_HOURS,
    },
    logLevel: e.LOG_LEVEL,
  };
}
