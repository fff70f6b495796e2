import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { createGraphClient } from '../../src/graph/graph-client';
import type { TableStore } from '../../src/store/tables';
import { startTestStore } from './azurite';

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
 * error shape for someone unknown. It also holds the organisation's app catalogue
 * (`GET /v1.0/appCatalogs/teamsApps?$filter=externalId eq '...'`) and per-user app installs
 * (`POST /v1.0/users/{id}/teamwork/installedApps`, recorded; 409 when the app is already installed for
 * that person). Point the app at it with GRAPH_BASE_URL. Apps installed in teams answer
 * `GET /v1.0/teams/{id}/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq '...'`, and
 * `catalogStatus` makes the catalogue refuse (403, as Graph may to an app's own token).
 */
export class FakeGraph {
  readonly requests: FakeGraphRequest[] = [];
  /** Activity feed notifications sent, by user id. */
  readonly notifications: { userId: string; body: Record<string, unknown> }[] = [];
  /** Per-user app installs accepted, by user id, with the catalogue app bound. */
  readonly installs: { userId: string; teamsApp: string }[] = [];
  /** The organisation's app catalogue: catalogue id and the manifest id (externalId). */
  readonly catalog: { id: string; externalId: string }[] = [];
  /** Apps installed in teams, by the team's group id, with the catalogue app's ids. */
  readonly teamApps: { teamId: string; teamsApp: { id: string; externalId: string } }[] = [];
  /** When set, the catalogue answers this status (e.g. 403) instead of its apps. */
  catalogStatus?: number;
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
      const install = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps$/.exec(url.pathname);
      if (req.method === 'POST' && install) {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const userId = decodeURIComponent(install[1]!).toLowerCase();
          const teamsApp = String(JSON.parse(body)['teamsApp@odata.bind'] ?? '');
          if (graph.installs.some((i) => i.userId === userId && i.teamsApp === teamsApp))
            return send(409, {
              error: { code: 'Conflict', message: 'App is already installed for this user.' },
            });
          graph.installs.push({ userId, teamsApp });
          send(201, { id: `installation-${graph.installs.length}` });
        });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v1.0/appCatalogs/teamsApps') {
        if (graph.catalogStatus)
          return send(graph.catalogStatus, {
            error: { code: 'Forbidden', message: 'Not supported in application context.' },
          });
        const wanted = /externalId eq '([^']*)'/.exec(url.searchParams.get('$filter') ?? '')?.[1];
        return send(200, { value: graph.catalog.filter((a) => a.externalId === wanted) });
      }
      const teamApps = /^\/v1\.0\/teams\/([^/]+)\/installedApps$/.exec(url.pathname);
      if (req.method === 'GET' && teamApps) {
        const teamId = decodeURIComponent(teamApps[1]!).toLowerCase();
        const wanted = /teamsApp\/externalId eq '([^']*)'/.exec(
          url.searchParams.get('$filter') ?? '',
        )?.[1];
        const expand = (url.searchParams.get('$expand') ?? '').split(',').includes('teamsApp');
        const value = graph.teamApps
          .filter((a) => a.teamId === teamId && (!wanted || a.teamsApp.externalId === wanted))
          .map((a, i) => ({
            id: `team-installation-${i}`,
            ...(expand && { teamsApp: a.teamsApp }),
          }));
        return send(200, { value });
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

/** A Graph client that signs in with the bearer token `test-token` and talks to the fake Graph. */
export const fakeGraphClient = (graph: FakeGraph) =>
  createGraphClient({ getToken: async () => 'test-token', baseUrl: graph.url });

/** A fresh Azurite and a fake Graph knowing `users`, for a test that needs both; stopped together. */
export async function startStoreAndGraph(users: FakeGraphUser[] = []): Promise<{
  store: TableStore;
  graph: FakeGraph;
  stop: () => Promise<void>;
}> {
  const started = await startTestStore();
  const graph = await FakeGraph.start(users);
  return {
    store: started.store,
    graph,
    async stop() {
      await graph.stop();
      await started.stop();
    },
  };
}
