/**
 * A template's parameters are the `var` lines at the top of its script. This reads their current
 * values from a script and writes new ones in place, keeping every comment and the rest of the
 * text as the admin left it.
 */
import { parse, type Expression, type Program, type VariableDeclarator } from 'acorn';
import type { TemplateParameter } from '../api/types.js';

export type ParameterValue = string | number | boolean | string[];

interface Found {
  readonly declarator: VariableDeclarator;
  readonly init: Expression;
}

function topLevelVars(source: string): Map<string, Found> | null {
  let program: Program;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
  } catch {
    return null;
  }
  const out = new Map<string, Found>();
  for (const statement of program.body) {
    if (statement.type !== 'VariableDeclaration') continue;
    for (const d of statement.declarations) {
      if (d.id.type === 'Identifier' && d.init != null && !out.has(d.id.name)) out.set(d.id.name, { declarator: d, init: d.init });
    }
  }
  return out;
}

function literalValue(node: Expression): ParameterValue | undefined {
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean')) return node.value;
  if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') return -node.argument.value;
  if (node.type === 'ArrayExpression') {
    const items: string[] = [];
    for (const e of node.elements) {
      if (e?.type !== 'Literal' || typeof e.value !== 'string') return undefined;
      items.push(e.value);
    }
    return items;
  }
  return undefined;
}

/** The current value of each parameter the script declares, or null when the script does not parse. */
export function readParameters(source: string, parameters: readonly TemplateParameter[]): Map<string, ParameterValue> | null {
  const vars = topLevelVars(source);
  if (vars === null) return null;
  const out = new Map<string, ParameterValue>();
  for (const p of parameters) {
    const found = vars.get(p.name);
    const value = found === undefined ? undefined : literalValue(found.init);
    if (value !== undefined) out.set(p.name, value);
  }
  return out;
}

/** A value as the script's own style writes it: single-quoted strings, arrays on one line. */
export function formatLiteral(value: ParameterValue): string {
  if (Array.isArray(value)) return `[${value.map(quote).join(', ')}]`;
  if (typeof value === 'string') return quote(value);
  return String(value);
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * The script with each given parameter's initial value replaced. Parameters the script does not
 * declare at top level are added before the first line of code, so a value is never lost.
 * Returns null when the script does not parse (the admin is mid-edit).
 */
export function writeParameters(source: string, values: ReadonlyMap<string, ParameterValue>): string | null {
  const vars = topLevelVars(source);
  if (vars === null) return null;
  const edits: { start: number; end: number; text: string }[] = [];
  const missing: string[] = [];
  for (const [name, value] of values) {
    const found = vars.get(name);
    if (found === undefined) missing.push(`var ${name} = ${formatLiteral(value)};\n`);
    else edits.push({ start: found.init.start, end: found.init.end, text: formatLiteral(value) });
  }
  let out = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  if (missing.length > 0) {
    const at = firstCodeOffset(out);
    out = out.slice(0, at) + missing.join('') + out.slice(at);
  }
  return out;
}

/** Past the leading comment block, where generated `var` lines belong. */
function firstCodeOffset(source: string): number {
  const m = /^(?:\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*\n))*\s*/.exec(source);
  return m === null ? 0 : m[0].length;
}

/** Reads a form field's text as a parameter of `type`; returns a message when it does not fit. */
export function parseField(type: TemplateParameter['type'], text: string): { value: ParameterValue } | { error: string } {
  switch (type) {
    case 'string':
    case 'connection':
      return { value: text };
    case 'number': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? { value: n } : { error: 'a number is required' };
    }
    case 'boolean':
      return { value: text === 'true' };
    case 'string[]':
    case 'connection[]':
      return { value: splitList(text) };
    case 'cidr[]': {
      const items = splitList(text);
      const bad = items.filter((i) => !isCidr(i));
      return bad.length === 0 ? { value: items } : { error: `not a CIDR block: ${bad.join(', ')}` };
    }
  }
}

export function splitList(text: string): string[] {
  return text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 or IPv6 block ('10.0.0.0/8', '2001:db8::/32') or bare address, as the templates accept. */
export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || address === '') return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && isIpv6(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

function isIpv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address) || !address.includes(':')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const parts = halves.flatMap(groups);
  const last = parts[parts.length - 1];
  const tailV4 = last !== undefined && last.includes('.');
  if (tailV4 && !IPV4.test(last)) return false;
  const hex = tailV4 ? parts.slice(0, -1) : parts;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (tailV4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}
