import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { TEMPLATES_DIR } from '../../src/cards/render';

/** Every card template, read as written (issue 22, items 9 and 10). */
function templates(dir = TEMPLATES_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return templates(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => strings(n, out));
  return out;
}

function elements(node: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as Record<string, unknown>);
    Object.values(node).forEach((n) => elements(n, out));
  }
  return out;
}

const cards = templates().map((path) => ({
  name: relative(TEMPLATES_DIR, path),
  json: JSON.parse(readFileSync(path, 'utf8')) as unknown,
}));

test('the templates are found', () => {
  expect(cards.map((c) => c.name)).toEqual(
    expect.arrayContaining(['rota/setup-form.json', 'risks/risk-form.json']),
  );
});

test.each(cards.map((c) => [c.name, c.json] as const))(
  'when %s is shown in Teams, then no text looks like markup Teams would drop',
  (_name, json) => {
    expect(strings(json).filter((s) => /<[a-z][^<>]*>/i.test(s))).toEqual([]);
  },
);

test.each(cards.map((c) => [c.name, c.json] as const))(
  'when %s asks for a date or a number, then it takes 16/12/2026 as typed and says what to change',
  (_name, json) => {
    // Input.Date refuses a date typed the UK way in some clients, with only "Give a ... date" said.
    expect(elements(json).filter((e) => e['type'] === 'Input.Date')).toEqual([]);
    // A number field outside its limits blocks the form in the client: it must say what to change.
    const silent = elements(json).filter(
      (e) =>
        e['type'] === 'Input.Number' &&
        (e['min'] !== undefined || e['max'] !== undefined) &&
        !e['errorMessage'],
    );
    expect(silent).toEqual([]);
  },
);
