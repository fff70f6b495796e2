import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import { isIP } from 'net';

/** Every limit counts over one minute. */
const WINDOW_MS = 60_000;

/**
 * The client a request counts against. With `trust proxy` 1 (App Service's front end), `req.ip` is the
 * address that front end saw, the last entry of X-Forwarded-For, which a client cannot choose. Run
 * without a proxy in front, a client could choose that entry itself: the app is meant to sit behind
 * exactly one. The front end may add the client's port, which would make every connection a new client,
 * so it is dropped; IPv6 clients count per /56 (one household or office holds a whole range).
 */
export function clientKey(req: Request): string {
  const raw = (req.ip ?? req.socket.remoteAddress ?? '').trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(raw);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(raw);
  const ip = bracketed?.[1] ?? v4WithPort?.[1] ?? raw;
  return isIP(ip) ? ipKeyGenerator(ip) : ip;
}

/** The app's JSON error shape, with Retry-After in whole seconds. */
function tooManyRequests(res: Response, resetTime: Date | undefined): void {
  const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? 0) - Date.now()) / 1000));
  res
    .status(429)
    .setHeader('Retry-After', String(Number.isFinite(seconds) ? seconds : WINDOW_MS / 1000))
    .json({
      error: {
        code: 'too_many_requests',
        message: 'Too many requests from your address. Please wait a minute and try again.',
      },
    });
}

/** A plain per-client limit: every request counts (open routes whose callers ask seldom). */
function perClientLimit(limit: number): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: clientKey,
    handler: (req, res) =>
      tooManyRequests(
        res,
        (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime,
      ),
  });
}

interface RefusalLimitOptions {
  /** How many refused requests a client may make in a minute; past it, every request is 429. */
  limit: number;
  /** The answers that count: those given before the caller proved who it is. */
  refused: (status: number) => boolean;
  /** Splits a client's count further (see messagesAudience). */
  keyPart?: (req: Request) => string;
}

/**
 * A per-client limit that counts only refused requests, so authenticated traffic is never slowed: Teams
 * sends every tenant's activities from a few Microsoft addresses, and an alert sender may post 1,000 alerts
 * in 10 seconds. express-rate-limit's skipSuccessfulRequests counts each request while it is in flight and
 * takes it back when it succeeds, so a burst of more concurrent good requests than the limit would be
 * refused; here a request is counted only once its answer is known to be a refusal. The counts live in
 * express-rate-limit's memory store.
 */
function refusalLimit(options: RefusalLimitOptions): RequestHandler {
  const store = new MemoryStore();
  store.init({ windowMs: WINDOW_MS } as Parameters<MemoryStore['init']>[0]);
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = `${clientKey(req)}|${options.keyPart?.(req) ?? ''}`;
    const seen = await store.get(key);
    if (seen && seen.totalHits >= options.limit) return tooManyRequests(res, seen.resetTime);
    res.once('finish', () => {
      if (options.refused(res.statusCode)) void store.increment(key);
    });
    next();
  };
}

/**
 * For /api/messages: whether the (not yet checked) Bot Framework token is addressed to this bot. Anyone can
 * register a bot that points at this address, and its activities come from the same Microsoft addresses as
 * Teams': their refusals are counted apart, so they cannot use up the count of this bot's real traffic. A
 * caller that claims this bot falsely from its own address only counts against itself.
 */
function messagesAudience(botAppId: string | undefined): (req: Request) => string {
  return (req) => {
    const token = /^Bearer [^.]+\.([^.]+)\./.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !botAppId) return 'other';
    try {
      const claims = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        aud?: unknown;
      };
      return claims.aud === botAppId ? 'this-bot' : 'other';
    } catch {
      return 'other';
    }
  };
}

/** Refused requests a client may make in a minute before every request it makes is 429. */
const REFUSALS_PER_MINUTE = 60;

/**
 * Every route's limit, as one middleware. Open routes count every request per client: health (monitors ask
 * about once a minute), calendar feeds (calendar services ask a few times an hour per feed), the acknowledge
 * pages (/ack/<token>) and /dev/token.
 * Authenticated routes count only refusals, before the caller is known: on /api/messages a bad body or token,
 * elsewhere a missing or bad token or signature, or a body too large.
 */
export function requestLimits(botAppId: string | undefined): RequestHandler {
  const health = perClientLimit(60);
  const calendar = perClientLimit(120);
  // A person opens an acknowledge link and presses once or twice; guessing a token is hopeless anyway.
  const ack = perClientLimit(60);
  const devToken = perClientLimit(30);
  const messages = refusalLimit({
    limit: REFUSALS_PER_MINUTE,
    refused: (status) => [400, 401, 403, 413].includes(status),
    keyPart: messagesAudience(botAppId),
  });
  const api = refusalLimit({
    limit: REFUSALS_PER_MINUTE,
    refused: (status) => status === 401 || status === 413,
  });
  return (req, res, next) => {
    // Routes match without regard to case or a trailing slash; so does this.
    const path = req.path.toLowerCase().replace(/\/+$/, '');
    const limiter =
      path === '/api/health'
        ? health
        : path.startsWith('/api/calendar/')
          ? calendar
          : path.startsWith('/ack/')
            ? ack
            : path === '/dev/token'
              ? devToken
              : path === '/api/messages'
                ? messages
                : path.startsWith('/api/')
                  ? api
                  : undefined;
    if (limiter) return limiter(req, res, next);
    next();
  };
}
