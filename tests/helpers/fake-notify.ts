import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';

/** A key in GOV.UK Notify's form for the fake: `<name>-<service id>-<secret>`. */
export const FAKE_NOTIFY_SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
export const FAKE_NOTIFY_SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
export const FAKE_NOTIFY_KEY = `ctac_test-${FAKE_NOTIFY_SERVICE_ID}-${FAKE_NOTIFY_SECRET}`;
export const FAKE_SMS_TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
export const FAKE_EMAIL_TEMPLATE = 'a9e0d3c8-5f5e-4b5b-9d7f-0b9c3f2e1a11';

/** A message the fake accepted. */
export interface FakeNotifyMessage {
  id: string;
  type: 'sms' | 'email';
  to: string;
  templateId: string;
  personalisation: Record<string, string>;
  reference?: string;
}

/** Every request, accepted or not: its path, status answered, and why the token was refused if it was. */
export interface FakeNotifyRequest {
  method: string;
  path: string;
  status: number;
  tokenProblem?: string;
}

/** An answer scripted for the next send: Notify's error statuses. */
export type ScriptedAnswer = 400 | 403 | 429 | 500;

const ERRORS: Record<ScriptedAnswer, { error: string; message: string }> = {
  400: { error: 'ValidationError', message: 'phone_number Not a UK mobile number' },
  403: { error: 'AuthError', message: 'Invalid token: API key not found' },
  429: {
    error: 'RateLimitError',
    message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds',
  },
  500: { error: 'Exception', message: 'Internal server error' },
};

/**
 * A local stand-in for GOV.UK Notify on 127.0.0.1. Each request must carry `Authorization: Bearer <JWT>`
 * signed HS256 with the key's secret, `iss` the service id and `iat` within the last 30 seconds (as
 * Notify checks); otherwise 403. `POST /v2/notifications/sms|email` are recorded and answered 201
 * `{id, reference, content, template, uri}`, unless an error is scripted for the next requests with
 * `failNext`. `GET /v2/notifications/{id}` answers the status set with `setStatus` (default `sending`).
 */
export class FakeNotify {
  readonly messages: FakeNotifyMessage[] = [];
  readonly requests: FakeNotifyRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private readonly statuses = new Map<string, string>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly serviceId: string,
    private readonly secret: string,
  ) {}

  static async start(
    key: { serviceId: string; secret: string } = {
      serviceId: FAKE_NOTIFY_SERVICE_ID,
      secret: FAKE_NOTIFY_SECRET,
    },
  ): Promise<FakeNotify> {
    const holder: { fake?: FakeNotify } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeNotify(server, `http://127.0.0.1:${port}`, key.serviceId, key.secret);
    return holder.fake;
  }

  /** The next sends (one per status given) are answered with these errors, in order. */
  failNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  setStatus(notifyId: string, status: string): void {
    this.statuses.set(notifyId, status);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: import('http').ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown, tokenProblem?: string) => {
      this.requests.push({
        method: req.method ?? '',
        path,
        status,
        ...(tokenProblem ? { tokenProblem } : {}),
      });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, e: { error: string; message: string }, tokenProblem?: string) =>
      send(status, { status_code: status, errors: [e] }, tokenProblem);

    const tokenProblem = this.checkToken(req.headers.authorization);
    if (tokenProblem)
      return error(
        403,
        { error: 'AuthError', message: `Invalid token: ${tokenProblem}` },
        tokenProblem,
      );

    const sendPath = /^\/v2\/notifications\/(sms|email)$/.exec(path);
    if (req.method === 'POST' && sendPath) {
      const scripted = this.script.shift();
      if (scripted) {
        const e = ERRORS[scripted];
        return error(
          scripted,
          scripted === 400 && sendPath[1] === 'email'
            ? { error: 'ValidationError', message: 'email_address Not a valid email address' }
            : e,
        );
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
        string,
        unknown
      >;
      const type = sendPath[1] as 'sms' | 'email';
      const to = String(type === 'sms' ? body['phone_number'] : (body['email_address'] ?? ''));
      const id = randomUUID();
      const personalisation = (body['personalisation'] ?? {}) as Record<string, string>;
      const message: FakeNotifyMessage = {
        id,
        type,
        to,
        templateId: String(body['template_id'] ?? ''),
        personalisation,
        ...(typeof body['reference'] === 'string' ? { reference: body['reference'] } : {}),
      };
      this.messages.push(message);
      this.statuses.set(id, 'sending');
      return send(201, {
        id,
        reference: message.reference ?? null,
        content:
          type === 'sms'
            ? { body: personalisation['message'] ?? '', from_number: 'CTAC' }
            : {
                body: personalisation['message'] ?? '',
                subject: personalisation['subject'] ?? '',
                from_email: 'ctac@notifications.service.gov.uk',
              },
        template: {
          id: message.templateId,
          version: 1,
          uri: `${this.url}/v2/template/${message.templateId}`,
        },
        uri: `${this.url}/v2/notifications/${id}`,
      });
    }
    const statusPath = /^\/v2\/notifications\/([0-9a-f-]{36})$/.exec(path);
    if (req.method === 'GET' && statusPath) {
      const status = this.statuses.get(statusPath[1]!);
      if (!status) return error(404, { error: 'NoResultFound', message: 'No result found' });
      const message = this.messages.find((m) => m.id === statusPath[1]);
      return send(200, {
        id: statusPath[1],
        reference: message?.reference ?? null,
        type: message?.type,
        status,
      });
    }
    return error(404, { error: 'NotFound', message: 'Not found' });
  }

  /** Notify's token rules: HS256, `iss` the service id, `iat` within 30 s, signed with the secret. */
  private checkToken(header: string | undefined): string | undefined {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token) return 'no bearer token';
    const parts = token.split('.');
    if (parts.length !== 3) return 'not a JWT';
    const [h, p, s] = parts as [string, string, string];
    let head: { alg?: string }, claims: { iss?: string; iat?: number };
    try {
      head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      return 'not a JWT';
    }
    if (head.alg !== 'HS256') return `algorithm ${head.alg} is not HS256`;
    const expected = createHmac('sha256', this.secret).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return 'signature does not match the key';
    if (claims.iss !== this.serviceId) return `issuer ${claims.iss} is not the service id`;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== 'number' || claims.iat > now + 1 || now - claims.iat > 30)
      return 'token not issued within the last 30 seconds';
    return undefined;
  }
}
