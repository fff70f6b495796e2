/**
 * Shared pieces of the benchmarks: percentiles, free ports, child processes (Azurite, the app, the
 * baseline bots), a local Bot Framework connector that enforces Teams' per-conversation limits, and
 * how a benchmark hands its figures to bench/run.ts.
 */
import { spawn, type ChildProcess } from 'child_process';
import { appendFileSync, readFileSync } from 'fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import { connect, createServer as createNetServer, type AddressInfo } from 'net';

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, child?: ChildProcess): Promise<void> {
  let exited = false;
  child?.once('exit', () => (exited = true));
  for (let i = 0; ; i++) {
    if (exited || i > 600) throw new Error(`nothing answered on port ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Node script in its own process (its output discarded unless `inherit`), ready when `port` answers. */
export async function spawnNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): Promise<{ pid: number; stop(): Promise<void> }> {
  // BENCH_APP_NODE_ARGS: extra Node flags for the app (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
  // BENCH_BASELINE_NODE_ARGS: the same for the acknowledge benchmark's baseline bots.
  const flags = [
    ...nodeArgs,
    ...(
      process.env[
        script.endsWith('server.js') ? 'BENCH_APP_NODE_ARGS' : 'BENCH_BASELINE_NODE_ARGS'
      ] ?? ''
    )
      .split(' ')
      .filter(Boolean),
  ];
  const child = spawn(process.execPath, [...flags, script, ...args], {
    env: { ...process.env, ...env },
    stdio: process.env['BENCH_VERBOSE'] ? 'inherit' : 'ignore',
  });
  await waitForPort(port, child);
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Resident memory of a process, now and at its peak (Linux: /proc/<pid>/status VmRSS and VmHWM). */
export function processMemory(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
  } catch {
    return undefined;
  }
}

/** CPU time a process has used so far, in ms (Linux: /proc/<pid>/stat utime + stime). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = 100;

/** Closed loop: `workers` clients each running `perWorker` operations one after another. */
export async function closedLoop(
  workers: number,
  perWorker: number,
  op: (worker: number, i: number) => Promise<void>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < perWorker; i++) {
        const t0 = performance.now();
        await op(w, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return summarise([{ latencies, seconds: (performance.now() - started) / 1000 }]);
}

export interface LoopResult {
  p50: number;
  p99: number;
  perSecond: number;
  count: number;
  latencies: number[];
  seconds: number;
}

/** Several rounds of one closed loop taken together: percentiles of all, throughput over their time. */
export function summarise(rounds: { latencies: number[]; seconds: number }[]): LoopResult {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = rounds.reduce((t, r) => t + r.seconds, 0);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: latencies.length / seconds,
    count: latencies.length,
    latencies,
    seconds,
  };
}

/**
 * Hands a benchmark's figures (a Markdown section) to bench/run.ts through BENCH_RESULT_FILE, and
 * prints them too.
 */
export function report(markdown: string): void {
  console.log(markdown);
  const file = process.env['BENCH_RESULT_FILE'];
  if (file) appendFileSync(file, `${markdown.trim()}\n\n`);
}

/** A headline figure beside its floor or goal, for the summary at the top of bench/RESULTS.md. */
export interface Figure {
  /** What is measured, e.g. "storm of 1,000 alerts: webhook p99 against the floor". */
  measure: string;
  /** The figure as shown, e.g. "138.7 ms". */
  value: string;
  /** Its floor or goal as shown, e.g. "at most 2x the floor's 7.1 ms". */
  goal: string;
  /** The figure over its floor or goal (a ratio measured against a floor is the ratio of the two). */
  ratio?: number;
  /** Whether the goal is met; unset for a figure compared with a floor that has no goal. */
  met?: boolean;
}

/**
 * Hands headline figures to bench/run.ts through BENCH_FIGURES_FILE (one JSON object a line), for the
 * summary at the top of bench/RESULTS.md and the README's table.
 */
export function figure(...figures: Figure[]): void {
  const file = process.env['BENCH_FIGURES_FILE'];
  if (file) appendFileSync(file, figures.map((f) => `${JSON.stringify(f)}\n`).join(''));
}

/** The figure and its goal for a value that must stay under (or at most) a limit. */
export const underGoal = (
  measure: string,
  value: number,
  limit: number,
  show: (v: number) => string,
  words = 'under',
): Figure => ({
  measure,
  value: show(value),
  goal: `${words} ${show(limit)}`,
  ratio: value / limit,
  met: words === 'under' ? value < limit : value <= limit,
});

/** `--full` on the command line or BENCH_FULL=1: the sizes the issue specifies rather than the quick ones. */
export const fullSizes = () => process.argv.includes('--full') || process.env['BENCH_FULL'] === '1';

/** Teams' per-conversation limits for a bot: [messages, per milliseconds]. */
const TEAMS_LIMITS: [number, number][] = [
  [7, 1_000],
  [8, 2_000],
  [60, 30_000],
  [1_800, 3_600_000],
];

/**
 * A local Bot Framework connector at /v3/conversations/...: creates channel threads and 1:1 chats,
 * accepts sends, replies and updates, and answers 429 with Retry-After to anything past Teams'
 * per-conversation limits (counted per channel, threads included). Keeps the latest body of every
 * message, so a benchmark can tell what people in the channel can see.
 */
export class TeamsLimitConnector {
  readonly url: string;
  requests = 0;
  throttled = 0;
  /** The largest message body accepted, in bytes (Teams refuses messages over about 28 KB). */
  largestBody = 0;
  /** The latest content of each message, by activity id. */
  readonly messages = new Map<string, { at: number; body: string }>();
  /** Called for every accepted message; `conversation` is the channel or chat it counts against. */
  onDelivered?: (body: string, at: number, conversation: string) => void;
  private readonly sent = new Map<string, number[]>();
  private nextId = 1;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}/`;
  }

  static async start(): Promise<TeamsLimitConnector> {
    const holder: { c?: TeamsLimitConnector } = {};
    const server = createServer((req, res) => holder.c!.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.c = new TeamsLimitConnector(server, (server.address() as AddressInfo).port);
    return holder.c;
  }

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
      this.requests++;
      const now = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const parts = (req.url ?? '')
        .split('?')[0]!
        .split('/')
        .filter(Boolean)
        .map(decodeURIComponent);
      const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(answer));
      };
      // v3 / conversations [/ {conversationId} / activities [/ {activityId}]]
      let channel = (parts[2] ?? '').split(';')[0]!;
      if (parts.length === 2) {
        try {
          const params = JSON.parse(body) as { channelData?: { channel?: { id?: string } } };
          channel = params.channelData?.channel?.id ?? 'personal';
        } catch {
          channel = 'personal';
        }
      }
      const times = (this.sent.get(channel) ?? []).filter((t) => now - t < 3_600_000);
      for (const [limit, window] of TEAMS_LIMITS) {
        const inWindow = times.filter((t) => now - t < window);
        if (inWindow.length >= limit) {
          this.throttled++;
          const retry = Math.max(1, Math.ceil((inWindow[0]! + window - now) / 1000));
          this.sent.set(channel, times);
          send(
            429,
            { error: { code: 'Throttled', message: 'Too many requests' } },
            {
              'retry-after': String(retry),
            },
          );
          return;
        }
      }
      times.push(now);
      this.sent.set(channel, times);
      let activityId: string;
      let answer: Record<string, unknown>;
      if (req.method === 'POST' && parts.length === 2) {
        const messageId = `msg-${this.nextId++}`;
        activityId = messageId;
        answer = { id: `${channel};messageid=${messageId}`, activityId: messageId };
      } else if (req.method === 'PUT' && parts[4]) {
        activityId = parts[4];
        answer = { id: activityId };
      } else {
        activityId = `msg-${this.nextId++}`;
        answer = { id: activityId };
      }
      this.largestBody = Math.max(this.largestBody, Buffer.byteLength(body));
      this.messages.set(activityId, { at: now, body });
      this.onDelivered?.(body, now, channel);
      send(200, answer);
    });
  }
}

/** Machine and run details for RESULTS.md. */
export function machine(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB memory, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at the start`;
}

/**
 * A loopback HTTP proxy in front of Azurite that counts the requests passing through it, by method
 * and table, so a benchmark can report how many storage round trips an operation costs.
 */
export class CountingProxy {
  readonly counts = new Map<string, number>();
  /** Actions carried by the transactions counted under each `$batch into <table>` key. */
  readonly actions = new Map<string, number>();
  /** Rows written, by table and partition (`<table> <partition>`), singly or in transactions. */
  readonly rowsByPartition = new Map<string, number>();
  /** Transactions, by the table and partition they write. */
  readonly batchesByPartition = new Map<string, number>();
  total = 0;
  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<CountingProxy> {
    const { request } = await import('http');
    const holder: { p?: CountingProxy } = {};
    const server = createServer((req, res) => {
      const table = (req.url ?? '').split('?')[0]!.split('/')[2] ?? '';
      const key = `${req.method} ${table.replace(/\(.*$/, '(...)')}`;
      holder.p!.total++;
      if (process.env['BENCH_PROXY_TRACE'])
        console.log('storage:', req.method, decodeURIComponent(req.url ?? ''));
      holder.p!.counts.set(key, (holder.p!.counts.get(key) ?? 0) + 1);
      if (req.method !== 'GET' && key !== 'POST $batch') {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () =>
          holder.p!.countRows(
            `${req.method} ${decodeURIComponent(req.url ?? '')}\n${Buffer.concat(chunks)}`,
          ),
        );
      }
      // A transaction is counted again under the table its actions write, with how many it carried.
      if (key === 'POST $batch') {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const into = /\n(?:POST|PUT|PATCH|MERGE|DELETE) [^\s]*?\/([A-Za-z0-9]+)(?:\(|\?| )/.exec(
            body,
          );
          const actions = body.match(/^Content-Type: application\/http/gim)?.length ?? 0;
          const each = `  $batch into ${into?.[1] ?? '?'}`;
          const parts = body.split(/^Content-Type: application\/http/im).slice(1);
          const first = parts.map((part) => holder.p!.countRows(part)).find((k) => k);
          if (first)
            holder.p!.batchesByPartition.set(
              first,
              (holder.p!.batchesByPartition.get(first) ?? 0) + 1,
            );
          holder.p!.counts.set(each, (holder.p!.counts.get(each) ?? 0) + 1);
          holder.p!.actions.set(each, (holder.p!.actions.get(each) ?? 0) + actions);
        });
      }
      const upstream = request(
        {
          host: '127.0.0.1',
          port: targetPort,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.p = new CountingProxy(server, (server.address() as AddressInfo).port);
    return holder.p;
  }

  /** Counts the row one write names: its table and partition, from its URL or its JSON body. */
  private countRows(write: string): string | undefined {
    const url =
      /(?:POST|PUT|PATCH|MERGE|DELETE) \S*\/([A-Za-z][A-Za-z0-9]*)(?:\(PartitionKey='([^']*)')?[^/\s]*\s/.exec(
        write,
      );
    if (!url) return undefined;
    const partition = url[2] ?? /"PartitionKey"\s*:\s*"([^"]*)"/.exec(write)?.[1] ?? '?';
    const key = `${url[1]} ${decodeURIComponent(partition)}`;
    this.rowsByPartition.set(key, (this.rowsByPartition.get(key) ?? 0) + 1);
    return key;
  }

  reset(): void {
    this.counts.clear();
    this.actions.clear();
    this.rowsByPartition.clear();
    this.batchesByPartition.clear();
    this.total = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
