/**
 * A loopback proxy between the app and Azurite that counts the storage requests the app makes, by table
 * and kind (point read, query, insert, replace or upsert, merge, delete, batch), so a benchmark can say
 * how many requests each alert costs and where they go. Used by the storm bench with BENCH_STORM_COUNT=1.
 */
import { createServer, request, type Server } from 'http';
import { freePort } from './lib';

export interface StorageCounter {
  /** A connection string like the one given, pointing at the proxy. */
  connectionString: string;
  /** Requests so far by "Table kind". */
  counts: Map<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

/** What a request does, from its method and path (the Table service's REST shapes). */
export function kindOf(method: string, path: string): { table: string; kind: string } {
  const clean = decodeURIComponent(path.split('?')[0]!).replace(/^\/[^/]+\//, '');
  if (clean.startsWith('$batch')) return { table: '(batch)', kind: 'batch' };
  const table = /^([A-Za-z0-9]+)/.exec(clean)?.[1] ?? clean;
  const keyed = /\(PartitionKey=/.test(clean);
  const kind =
    method === 'GET'
      ? keyed
        ? 'read'
        : 'query'
      : method === 'POST'
        ? 'insert'
        : method === 'PUT'
          ? 'replace'
          : method === 'MERGE' || method === 'PATCH'
            ? 'merge'
            : method === 'DELETE'
              ? 'delete'
              : method;
  return { table, kind };
}

export async function startStorageCounter(target: string): Promise<StorageCounter> {
  const endpoint = /TableEndpoint=(http:\/\/[^;]+)/.exec(target)?.[1];
  if (!endpoint) throw new Error('no TableEndpoint in the connection string');
  const upstream = new URL(endpoint);
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const { table, kind } = kindOf(req.method ?? '', req.url ?? '');
    const key = `${table} ${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    connectionString: target.replace(endpoint, `http://127.0.0.1:${port}${upstream.pathname}`),
    counts,
    reset: () => counts.clear(),
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The counts as a table: requests per alert by table and kind, most first. */
export function countsTable(counts: Map<string, number>, alerts: number): string {
  const rows = [...counts].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  return [
    '| table and kind | requests | per alert |',
    '| --- | --- | --- |',
    ...rows.map(([k, n]) => `| ${k} | ${n} | ${(n / alerts).toFixed(2)} |`),
    `| all | ${total} | ${(total / alerts).toFixed(2)} |`,
  ].join('\n');
}
