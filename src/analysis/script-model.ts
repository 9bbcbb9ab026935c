/**
 * The parsed script every rule reads: the acorn AST with locations, the names declared anywhere
 * in it (a deliberately simple scope model: a name declared anywhere counts as declared, so rules
 * err towards silence), and the ancestors of each call, found once.
 */
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

export type Node = acorn.AnyNode;

export interface CallSite {
  readonly node: acorn.CallExpression;
  /** Outermost first. */
  readonly ancestors: readonly Node[];
}

export interface ScriptModel {
  readonly source: string;
  readonly ast: acorn.Program;
  readonly declared: ReadonlySet<string>;
  readonly calls: readonly CallSite[];
}

export function parseScript(source: string): ScriptModel {
  const ast = acorn.parse(source, { ecmaVersion: 2022, sourceType: 'script', locations: true, allowReturnOutsideFunction: false });
  const declared = new Set<string>();
  const declare = (pattern: Node | null | undefined): void => {
    if (!pattern) return;
    switch (pattern.type) {
      case 'Identifier':
        declared.add(pattern.name);
        return;
      case 'ObjectPattern':
        for (const p of pattern.properties) declare(p.type === 'RestElement' ? p.argument : p.value);
        return;
      case 'ArrayPattern':
        for (const e of pattern.elements) declare(e);
        return;
      case 'RestElement':
        declare(pattern.argument);
        return;
      case 'AssignmentPattern':
        declare(pattern.left);
        return;
      default:
        return;
    }
  };
  const calls: CallSite[] = [];
  walk.fullAncestor(ast, (raw, _state, ancestors) => {
    const node = raw as Node;
    switch (node.type) {
      case 'VariableDeclarator':
        declare(node.id);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if ('id' in node && node.id) declared.add(node.id.name);
        for (const p of node.params) declare(p);
        break;
      case 'ClassDeclaration':
        if (node.id) declared.add(node.id.name);
        break;
      case 'CatchClause':
        declare(node.param);
        break;
      case 'CallExpression':
        calls.push({ node, ancestors: ancestors.slice(0, -1) as Node[] });
        break;
    }
  });
  return { source, ast, declared, calls };
}

/** The called name: `f` for f(...), `Log.info` for Log.info(...), else null. */
export function calleeName(call: acorn.CallExpression): string | null {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.property.type === 'Identifier') {
    return `${c.object.name}.${c.property.name}`;
  }
  return null;
}

/** The property names of an object literal (identifiers and string keys). */
export function objectKeys(node: Node): { name: string; node: Node }[] {
  if (node.type !== 'ObjectExpression') return [];
  const out: { name: string; node: Node }[] = [];
  for (const p of node.properties) {
    if (p.type !== 'Property' || p.computed) continue;
    if (p.key.type === 'Identifier') out.push({ name: p.key.name, node: p.key });
    else if (p.key.type === 'Literal' && typeof p.key.value === 'string') out.push({ name: p.key.value, node: p.key });
  }
  return out;
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function closest(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const a = name.toLowerCase();
    const b = c.toLowerCase();
    const d = a === b ? 0 : a.startsWith(b) || b.startsWith(a) ? 1 : distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(name.length / 4)) ? best : null;
}
