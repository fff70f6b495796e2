import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

export interface FakeGraphUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
}

/** One request Graph received: method, path with query, and the Authorization header. */
export interface FakeGraphRequest {
  method: string;
  url: string;
  authorization?: string;
}

/**
 * A small local stand-in for Microsoft Graph's users API: `GET /v1.0/users/{id | UPN}` and
 * `GET /v1.0/users?$filter=mail eq '...' or userPrincipalName eq '...'` and
 * `POST /v1.0/users/{id}/teamwork/sendActivityNotification` (recorded), answering 404 in Graph's
 * error shape for someone unknown. Point the app at it with GRAPH_BASE_URL.
 */
export class FakeGraph {
  readonly requests: FakeGraphRequest[] = [];
  /** Activity feed notifications sent, by user id. */
  readonly notifications: { userId: string; body: Record<string, unknown> }[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly users: FakeGraphUser[],
  ) {}

  static async start(users: FakeGraphUser[]): Promise<FakeGraph> {
    const holder: { graph?: FakeGraph } = {};
    const server = createServer((req, res) => {
      const graph = holder.graph!;
      graph.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const notFound = () =>
        send(404, {
          error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist.' },
        });
      const feed = /^\/v1\.0\/users\/([^/]+)\/teamwork\/sendActivityNotification$/.exec(
        url.pathname,
      );
      if (req.method === 'POST' && feed) {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          graph.notifications.push({
            userId: decodeURIComponent(feed[1]!),
            body: JSON.parse(body),
          });
          res.writeHead(204);
          res.end();
        });
        return;
      }
      const one = /^\/v1\.0\/users\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && one) {
        const key = decodeURIComponent(one[1]!).toLowerCase();
        const user = graph.users.find(
          (u) => u.id === key || u.userPrincipalName.toLowerCase() === key,
        );
        return user ? send(200, user) : notFound();
      }
      if (req.method === 'GET' && url.pathname === '/v1.0/users') {
        const filter = url.searchParams.get('$filter') ?? '';
        const wanted = [...filter.matchAll(/'([^']*)'/g)].map((m) => m[1]!.toLowerCase());
        const value = graph.users.filter(
          (u) =>
            wanted.includes((u.mail ?? '').toLowerCase()) ||
            wanted.includes(u.userPrincipalName.toLowerCase()),
        );
        return send(200, { value });
      }
      notFound();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.graph = new FakeGraph(server, `http://127.0.0.1:${port}`, users);
    return holder.graph;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
