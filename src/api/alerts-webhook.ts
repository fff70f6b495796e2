import { createHmac, timingSafeEqual } from 'crypto';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { InboxAnswer } from '../app/alerts/alert-inbox';
import { parseWebhookBody, webhookBodyToIncoming, type IncomingAlert } from '../domain/alerts';
import type { Actor } from '../domain/shared/actor';
import type { Clock } from '../domain/shared/clock';
import { isCtacError } from '../domain/shared/errors';

/** The largest body POST /api/alerts takes. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;
/** How far the sender's clock (X-CTAC-Timestamp) may be from ours, either way. */
export const WEBHOOK_MAX_SKEW_SECONDS = 5 * 60;

export const webhookActor: Actor = { id: 'api:webhook', name: 'Alert webhook', source: 'api' };

export interface AlertsWebhookDeps {
  /** CTAC_WEBHOOK_SECRET; without it the route answers 503 and accepts nothing. */
  secret?: string;
  /**
   * Takes a signed version of an alert with one conditional write (the alert inbox), which also settles
   * the dedup and replays; the alert, its timer and its card follow in the background.
   */
  accept: (
    incoming: IncomingAlert,
    actor: Actor,
    request: { signature: string; version: number },
  ) => Promise<InboxAnswer>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** `sha256=<hex>` for a body, as a sender computes it (also used by tests and the README example). */
export function signWebhook(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

const fail = (res: Response, status: number, code: string, message: string, problems?: string[]) =>
  res.status(status).json({ error: problems ? { code, message, problems } : { code, message } });

/**
 * POST /api/alerts: the signed alert webhook (README, "Alert webhook"). The body is read raw, because
 * the signature covers the exact bytes sent; it is parsed only once the signature checks out.
 */
export function alertsWebhookRouter(deps: AlertsWebhookDeps): express.Router {
  const router = express.Router();
  router.post(
    '/api/alerts',
    (_req, res, next) => {
      if (!deps.secret) {
        fail(
          res,
          503,
          'unavailable',
          'The alert webhook is switched off: CTAC_WEBHOOK_SECRET is not set, and CTAC never accepts unsigned alerts.',
        );
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req: Request, res: Response, next) => {
      try {
        const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const refused = checkSignature(req, raw, deps.secret ?? '', deps.clock.now());
        if (refused) {
          deps.logger.warn({ reason: refused }, 'alert webhook: request refused');
          fail(res, 401, 'unauthorised', refused);
          return;
        }
        const signature = /[0-9a-f]{64}/.exec(
          (req.get('x-ctac-signature') ?? '').toLowerCase(),
        )![0];
        const timestamp = Number(req.get('x-ctac-timestamp'));
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          fail(res, 400, 'bad_request', 'The request body is not valid JSON.');
          return;
        }
        const parsed = parseWebhookBody(json);
        if (!parsed.ok) {
          fail(res, 400, 'validation', 'Please check the alert.', parsed.problems);
          return;
        }
        // The signed timestamp is the sender's version of the alert: an older one changes nothing, and
        // the same signature at the same version is a replay (no second effect, whatever happened since).
        const result = await deps.accept(webhookBodyToIncoming(parsed.value), webhookActor, {
          signature,
          version: timestamp,
        });
        deps.logger.info(
          { alertId: result.alertId, outcome: result.outcome },
          'alert webhook: alert taken',
        );
        res.status(result.outcome === 'created' ? 201 : 200).json({
          id: result.alertId,
          outcome: result.outcome,
          state: result.state,
        });
      } catch (e) {
        next(e);
      }
    },
  );
  router.use('/api/alerts', webhookErrors);
  return router;
}

/** Why the signature or timestamp is not acceptable, or undefined when both are. */
function checkSignature(req: Request, raw: Buffer, secret: string, now: Date): string | undefined {
  const timestamp = req.get('x-ctac-timestamp')?.trim() ?? '';
  const signature = req.get('x-ctac-signature')?.trim() ?? '';
  if (!timestamp || !signature)
    return 'The request is not signed: send the X-CTAC-Timestamp and X-CTAC-Signature headers.';
  if (!/^\d{1,12}$/.test(timestamp))
    return 'X-CTAC-Timestamp must be the time in whole seconds since 1970 (Unix time).';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WEBHOOK_MAX_SKEW_SECONDS)
    return 'X-CTAC-Timestamp is more than 5 minutes away from the current time: check the sender’s clock, and sign each request when it is sent.';
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature);
  if (!match) return 'X-CTAC-Signature must be sha256= followed by 64 hexadecimal characters.';
  const expected = Buffer.from(signWebhook(secret, timestamp, raw).slice('sha256='.length), 'hex');
  const given = Buffer.from(match[1], 'hex');
  if (!timingSafeEqual(expected, given))
    return 'The signature does not match: sign "<timestamp>.<body>" with HMAC-SHA256 and the shared secret.';
  return undefined;
}

/** Body too large, or an expected outcome from the use case; anything else goes to the app's handler. */
const webhookErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (err?.type === 'entity.too.large' || err?.status === 413) {
    fail(res, 413, 'too_large', `The alert is larger than ${WEBHOOK_BODY_LIMIT / 1024} KB.`);
    return;
  }
  if (isCtacError(err)) {
    const status = err.code === 'validation' ? 400 : err.code === 'conflict' ? 409 : 500;
    if (status < 500) {
      fail(res, status, err.code, err.message, err.problems.length ? err.problems : undefined);
      return;
    }
  }
  next(err);
};
