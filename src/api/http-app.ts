import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../domain/shared/clock';
import { isCtacError, type ErrorCode } from '../domain/shared/errors';
import { localRequestsOnly } from './local-requests';
import { requestLimits } from './rate-limits';
import { RecentStoreCheck } from './store-health';

export interface HttpAppDeps {
  logger: Logger;
  /** Hands a Bot Framework request to the adapter. */
  handleBotRequest: (req: Request, res: Response) => Promise<void>;
  checkStore: () => Promise<void>;
  tabDir?: string;
  /** Routers of the product's areas (e.g. the alert webhook), mounted before the 404. */
  routes?: express.Router[];
  /** How old a health answer may be is measured on this clock (tests move a fake one). */
  clock?: Clock;
  /** The bot's app id, so refusals of other bots' traffic are counted apart (see rate-limits.ts). */
  botAppId?: string;
  /** Outside production: the tab may also be framed by pages on this computer. */
  allowLocalFraming?: boolean;
  /** The development host is on: answer only requests made on this computer (local-requests.ts). */
  localOnly?: boolean;
  /**
   * The bot runs without BOT_ID, so it takes any activity unchecked and replies to whatever service URL the
   * activity names: /api/messages then answers only requests made on this computer (DNS rebinding, tunnels).
   */
  anonymousBot?: boolean;
}

/**
 * The largest body /api/messages reads before botbuilder checks the caller's token. Teams caps a message at
 * about 28 KB, and one activity may carry it up to three times (the text, its text/html attachment and, for
 * a message action, the original message beside the form's data), with a few KB of envelope; a card's
 * submitted inputs are far smaller. Larger is refused with 413 before any parsing.
 */
const BOT_BODY_LIMIT = '100kb';

const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  bad_request: 400,
  not_found: 404,
  forbidden: 403,
  not_a_member: 403,
  conflict: 409,
  unavailable: 503,
};

/** The HTTP surface: routes stay thin; one error handler maps CtacError codes to statuses. */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached (Cache-Control: no-store), so hashing each one for an ETag is wasted
  // work. The tab's files keep theirs (express.static makes its own), so a reload can be a 304.
  app.disable('etag');
  // One proxy in front (App Service's front end): req.ip is the address it saw (see clientKey).
  app.set('trust proxy', 1);
  app.use(securityHeaders(deps.allowLocalFraming ?? false));
  if (deps.localOnly) app.use(localRequestsOnly);

  app.use(requestLimits(deps.botAppId));

  const storeCheck = new RecentStoreCheck(async () => {
    try {
      await deps.checkStore();
    } catch (e) {
      deps.logger.warn({ err: e }, 'health check: Table Storage did not answer');
      throw e;
    }
  }, deps.clock ?? systemClock);
  app.get('/api/health', async (_req, res) => {
    if ((await storeCheck.status()).ok) {
      res.json({ status: 'ok', store: 'ok' });
    } else {
      res.status(503).json({
        status: 'unavailable',
        store: 'unreachable',
        message: 'Table Storage is not answering.',
      });
    }
  });

  if (deps.anonymousBot && !deps.localOnly) app.use('/api/messages', localRequestsOnly);
  app.post('/api/messages', express.json({ limit: BOT_BODY_LIMIT }), async (req, res) => {
    // botbuilder throws (a 500) on a body without an activity type before it checks the token.
    const body = req.body as { type?: unknown } | undefined;
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      typeof body.type !== 'string'
    ) {
      res.status(400).json({
        error: {
          code: 'bad_request',
          message: 'The request body is not a Bot Framework activity.',
        },
      });
      return;
    }
    await deps.handleBotRequest(req, res);
  });

  for (const router of deps.routes ?? []) app.use(router);

  if (deps.tabDir) {
    app.use('/tab', express.static(deps.tabDir, { index: 'index.html', maxAge: 0 }));
  }

  app.use((_req, res) => {
    res
      .status(404)
      .json({ error: { code: 'not_found', message: 'There is nothing at this address.' } });
  });
  app.use(errorHandler(deps.logger));
  return app;
}

/** The Teams and Microsoft 365 hosts that frame the tab. */
export const TEAMS_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.office.com',
];

/**
 * Headers for every response. The tab is framed by Teams, so frame-ancestors lists the Teams hosts; outside
 * production pages on this computer may frame it too.
 */
function securityHeaders(allowLocalFraming: boolean) {
  const ancestors = [
    "'self'",
    ...(allowLocalFraming ? ['http://127.0.0.1:*', 'http://localhost:*'] : []),
    ...TEAMS_FRAME_ANCESTORS,
  ].join(' ');
  const tabPolicy = `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors ${ancestors}`;
  return (req: Request, res: Response, next: () => void): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (req.path.startsWith('/tab')) {
      res.setHeader('Content-Security-Policy', tabPolicy);
    } else {
      res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      res.setHeader('Cache-Control', 'no-store');
    }
    next();
  };
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (isCtacError(err)) {
      res
        .status(STATUS[err.code])
        .json({ error: { code: err.code, message: err.message, problems: err.problems } });
      return;
    }
    if (isStoreUnreachable(err)) {
      logger.warn({ err }, 'Table Storage did not answer a request');
      res.status(503).json({
        error: {
          code: 'unavailable',
          message:
            'Table Storage is not answering just now. Nothing was changed; please try again in a minute.',
        },
      });
      return;
    }
    const status =
      typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 413) {
      res
        .status(413)
        .json({ error: { code: 'too_large', message: 'The request body is too large.' } });
      return;
    }
    if (status === 400 && err?.type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ error: { code: 'bad_request', message: 'The request body is not valid JSON.' } });
      return;
    }
    if (status >= 500) logger.error({ err }, 'unhandled error in a request');
    res.status(status).json({
      error: {
        code: status >= 500 ? 'internal' : 'bad_request',
        message:
          status >= 500 ? 'Something went wrong on our side.' : 'The request could not be read.',
      },
    });
  };
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** A Table Storage call that could not reach the service (the SDK's RestError without an HTTP answer). */
function isStoreUnreachable(err: unknown): boolean {
  const e = err as
    { name?: unknown; code?: unknown; statusCode?: unknown; cause?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && UNREACHABLE.has(e.code)) return true;
  if (e.name === 'RestError' && e.statusCode === undefined) return true;
  return e.cause !== undefined && e.cause !== err && isStoreUnreachable(e.cause);
}
