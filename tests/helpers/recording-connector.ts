import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

/** One request the bot made to the connector, and what the connector answered. */
export interface ConnectorRequest {
  n: number;
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown>;
  status: number;
  /** The test's clock when the request arrived (a FakeClock's time, or real time). */
  at: number;
  /** For a new channel thread: the id of the message it made (what later updates name). */
  createdId?: string;
}

/** What the connector does with request number n (1-based): answer normally, or fail. */
export type FailurePlan = (
  n: number,
  req: { method: string; path: string },
) => { status: number; retryAfterSeconds?: number } | undefined;

/**
 * A tiny HTTP server impersonating the Bot Framework connector at /v3/conversations/...: it creates
 * channel threads and personal chats, accepts sends, replies and updates, records every request and
 * fails the share of them the test asks for (429 with Retry-After, 500, ...).
 */
export class RecordingConnector {
  readonly requests: ConnectorRequest[] = [];
  private count = 0;
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: { failures?: FailurePlan; now?: () => number },
  ) {}

  static async start(
    options: { failures?: FailurePlan; now?: () => number } = {},
  ): Promise<RecordingConnector> {
    const holder: { connector?: RecordingConnector } = {};
    const server = createServer((req, res) => holder.connector!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.connector = new RecordingConnector(server, `http://127.0.0.1:${port}/`, options);
    return holder.connector;
  }

  /** The requests that succeeded: what people in Teams actually see. */
  get delivered(): ConnectorRequest[] {
    return this.requests.filter((r) => r.status < 300);
  }

  /** Resolves once `count` requests have succeeded (real I/O, not a timer), or fails after `timeoutMs`. */
  async waitForDelivered(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.delivered.length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${this.delivered.length} of ${count} requests delivered`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now() + 1);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  private waiters: (() => void)[] = [];

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = ++this.count;
      const path = (req.url ?? '').split('?')[0]!;
      const method = req.method ?? 'GET';
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
      // v3 / conversations / {conversationId} / activities / {activityId}
      const conversationId = parts[2] ?? '';
      const activityId = parts[4];
      const at = this.options.now?.() ?? Date.now();
      const failure = this.options.failures?.(n, { method, path });
      let createdId: string | undefined;
      const record = (status: number) =>
        this.requests.push({
          n,
          method,
          path,
          conversationId,
          activityId,
          body,
          status,
          at,
          ...(createdId ? { createdId } : {}),
        });
      if (failure) {
        record(failure.status);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (failure.retryAfterSeconds !== undefined)
          headers['retry-after'] = String(failure.retryAfterSeconds);
        res.writeHead(failure.status, headers);
        res.end(
          JSON.stringify({ error: { code: 'Failure', message: `planned ${failure.status}` } }),
        );
        return;
      }
      let answer: Record<string, unknown>;
      if (method === 'POST' && parts.length === 2) {
        // Create a conversation: a new channel thread (with its first message) or a personal chat.
        const params = body as {
          channelData?: { channel?: { id?: string } };
          members?: { id: string }[];
        };
        const channel = params.channelData?.channel?.id;
        if (channel) {
          const messageId = `msg-${this.nextId++}`;
          createdId = messageId;
          answer = { id: `${channel};messageid=${messageId}`, activityId: messageId };
        } else {
          answer = { id: `personal-${params.members?.[0]?.id ?? 'unknown'}` };
        }
      } else if (method === 'PUT') {
        answer = { id: activityId };
      } else {
        answer = { id: `msg-${this.nextId++}` };
      }
      record(method === 'POST' && parts.length === 2 ? 201 : 200);
      this.waiters.splice(0).forEach((w) => w());
      res.writeHead(method === 'POST' && parts.length === 2 ? 201 : 200, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(answer));
    });
  }
}
