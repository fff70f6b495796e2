/**
 * Sums a V8 heap snapshot (`.heapsnapshot`, e.g. from `node --heapsnapshot-signal=SIGUSR2`) by what
 * holds the memory: each node's self size by its type (code, strings, closures, arrays, objects) and, for
 * objects and closures, by constructor or function name; and the compiled code and source strings by
 * the package their script came from. Used by bench/memory.ts; also on its own:
 *
 *   node dist/bench/heap-summary.js <file.heapsnapshot> [rows]
 */
import { readFileSync } from 'fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  /** Self size by node type (object, closure, code, string, array, hidden, ...), largest first. */
  byType: [string, number][];
  /** Self size by constructor or function name for objects and closures, largest first. */
  byName: [string, number][];
  /** Self size of scripts' source strings and compiled code, by package (or `ctac`, `node`), largest first. */
  scriptsByPackage: [string, number][];
}

const sorted = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]);
const add = (m: Map<string, number>, key: string, bytes: number) =>
  m.set(key, (m.get(key) ?? 0) + bytes);

/** Where a script comes from: the npm package in its path, `ctac` for the app, `node` for Node's own. */
export function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at >= 0) return /^((?:@[^/]+\/)?[^/]+)/.exec(path.slice(at + 13))?.[1] ?? path;
  if (path.includes('/dist/')) return 'ctac';
  if (path.startsWith('node:') || !path.startsWith('/')) return 'node';
  return path;
}

export function summariseHeap(file: string): HeapSummary {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byType = new Map<string, number>();
  const byName = new Map<string, number>();
  const scripts = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt!]!] ?? 'unknown';
    const name = data.strings[data.nodes[i + nameAt!]!] ?? '';
    const size = data.nodes[i + sizeAt!]!;
    total += size;
    add(byType, type, size);
    if (type === 'object' || type === 'closure')
      add(byName, `${type} ${name || '(anonymous)'}`, size);
    // Compiled code and scripts carry their script's path in the name (e.g. "(code for x)" does not; a
    // script's "system / Script" node and SharedFunctionInfos name the file).
    if ((type === 'code' || type === 'hidden') && name.includes('/'))
      add(scripts, packageOf(name.replace(/^.*?(\/|node:)/, '$1')), size);
  }
  return {
    totalBytes: total,
    nodes: data.nodes.length / width,
    byType: sorted(byType),
    byName: sorted(byName),
    scriptsByPackage: sorted(scripts),
  };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/heap-summary.js <file.heapsnapshot> [rows]');
    process.exit(1);
  }
  const rows = Number(process.argv[3] ?? 25);
  const s = summariseHeap(file);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  console.log(`${s.nodes} nodes, ${mb(s.totalBytes)} in all`);
  for (const [title, list] of [
    ['by type', s.byType],
    ['by constructor or function', s.byName],
    ['scripts and code by package', s.scriptsByPackage],
  ] as const) {
    console.log(`\n${title}:`);
    for (const [k, v] of list.slice(0, rows)) console.log(`  ${mb(v).padStart(9)}  ${k}`);
  }
}
