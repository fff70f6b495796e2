import * as fs from 'node:fs';
import * as path from 'node:path';
import Parser from 'web-tree-sitter';

/** A Bicep expression the tests do not evaluate (a reference, a call, an interpolated string). */
export class Expr {
  constructor(readonly text: string) {}
}

export type Value = string | number | boolean | null | Expr | Value[] | { [key: string]: Value };

export interface Declaration {
  name: string;
  decorators: string[];
}
export interface Param extends Declaration {
  type: string;
  default?: Value;
}
export interface Resource extends Declaration {
  /** e.g. Microsoft.Web/sites */
  type: string;
  apiVersion: string;
  body: { [key: string]: Value };
}
export interface Template {
  tree: Parser.Tree;
  params: Map<string, Param>;
  vars: Map<string, Value>;
  resources: Map<string, Resource>;
  outputs: Map<string, Value>;
}

let parserPromise: Promise<Parser> | undefined;

/** web-tree-sitter 0.24 with the grammar shipped as a .wasm in tree-sitter-bicep. */
export function bicepParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const wasm = path.join(
      path.dirname(require.resolve('tree-sitter-bicep/package.json')),
      'tree-sitter-bicep.wasm',
    );
    const language = await Parser.Language.load(wasm);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/** Every ERROR or MISSING node, as "line:column: text". */
export function syntaxErrors(tree: Parser.Tree): string[] {
  const out: string[] = [];
  const walk = (node: Parser.SyntaxNode): void => {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      out.push(`${row + 1}:${column + 1}: ${node.isMissing ? `missing ${node.type}` : node.text}`);
    }
    node.children.forEach(walk);
  };
  walk(tree.rootNode);
  return out;
}

function named(node: Parser.SyntaxNode): Parser.SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type !== 'comment');
}

function stringValue(node: Parser.SyntaxNode): string | Expr {
  const parts = named(node);
  if (parts.some((p) => p.type === 'interpolation')) return new Expr(node.text);
  return parts
    .map((p) => {
      if (p.type !== 'escape_sequence') return p.text;
      const escaped: Record<string, string> = {
        n: '\n',
        r: '\r',
        t: '\t',
        '\\': '\\',
        "'": "'",
        $: '$',
      };
      return escaped[p.text.slice(1)] ?? p.text;
    })
    .join('');
}

/** Literal objects, arrays, strings, numbers and booleans become values; the rest stays Expr. */
export function toValue(node: Parser.SyntaxNode): Value {
  switch (node.type) {
    case 'object': {
      const out: { [key: string]: Value } = {};
      for (const prop of named(node)) {
        if (prop.type !== 'object_property') continue;
        const [key, value] = [named(prop)[0], named(prop)[named(prop).length - 1]];
        const keyText = key.type === 'string' ? String(stringValue(key)) : key.text;
        out[keyText] = toValue(value);
      }
      return out;
    }
    case 'array':
      return named(node).map(toValue);
    case 'string':
      return stringValue(node);
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    default:
      return new Expr(node.text);
  }
}

export async function parseBicep(file: string): Promise<Template> {
  const parser = await bicepParser();
  const tree = parser.parse(fs.readFileSync(file, 'utf8'));
  const template: Template = {
    tree,
    params: new Map(),
    vars: new Map(),
    resources: new Map(),
    outputs: new Map(),
  };
  let decorators: string[] = [];
  for (const node of named(tree.rootNode)) {
    if (node.type === 'decorators') {
      decorators = named(node).map((d) => d.text);
      continue;
    }
    const parts = named(node);
    const name = parts[0]?.text ?? '';
    switch (node.type) {
      case 'parameter_declaration':
        template.params.set(name, {
          name,
          decorators,
          type: parts[1].text,
          default: parts[2] ? toValue(parts[2]) : undefined,
        });
        break;
      case 'variable_declaration':
        template.vars.set(name, toValue(parts[parts.length - 1]));
        break;
      case 'resource_declaration': {
        const [type, apiVersion] = String(stringValue(parts[1])).split('@');
        const body = parts.find((p) => p.type === 'object');
        template.resources.set(name, {
          name,
          decorators,
          type,
          apiVersion,
          body: body ? (toValue(body) as { [key: string]: Value }) : {},
        });
        break;
      }
      case 'output_declaration':
        template.outputs.set(name, toValue(parts[parts.length - 1]));
        break;
    }
    decorators = [];
  }
  return template;
}

/** The single resource of a type, failing loudly when there are none or several. */
export function resourceOfType(template: Template, type: string): Resource {
  const found = [...template.resources.values()].filter((r) => r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** Reads a nested property, e.g. get(body, 'properties.siteConfig.linuxFxVersion'). */
export function get(value: Value | undefined, dotted: string): Value | undefined {
  let v: Value | undefined = value;
  for (const key of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || v instanceof Expr || Array.isArray(v))
      return undefined;
    v = v[key];
  }
  return v;
}

export function exprText(value: Value | undefined): string | undefined {
  return value instanceof Expr ? value.text : undefined;
}
