/**
 * Callbacks that use a local of an enclosing function (onLoginRequest's `var user`, say): they
 * work in authscript, which keeps closures between steps, but WSO2 re-evaluates callbacks from
 * their source and loses them (ReferenceError there). An info, for scripts meant to run on both.
 */
import * as walk from 'acorn-walk';
import type * as acorn from 'acorn';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { Node, ScriptModel } from '../script-model.js';

type Fn = acorn.FunctionExpression | acorn.ArrowFunctionExpression | acorn.FunctionDeclaration | acorn.AnonymousFunctionDeclaration;

function collectLocals(fn: Fn): Set<string> {
  const names = new Set<string>();
  for (const p of fn.params) if (p.type === 'Identifier') names.add(p.name);
  const body = fn.body;
  if (body.type !== 'BlockStatement') return names;
  walk.simple(body as acorn.Node, {
    VariableDeclarator(n) {
      if (n.id.type === 'Identifier') names.add(n.id.name);
    },
    FunctionDeclaration(n) {
      if (n.id) names.add(n.id.name);
    },
    FunctionExpression() {},
    ArrowFunctionExpression() {},
  });
  return names;
}

export function checkClosures(model: ScriptModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  // Each function's locals are collected once: identifiers ask for the same functions again and again.
  const cache = new Map<Fn, Set<string>>();
  const localsOf = (fn: Fn): Set<string> => {
    let names = cache.get(fn);
    if (names === undefined) cache.set(fn, (names = collectLocals(fn)));
    return names;
  };
  walk.fullAncestor(model.ast, (raw, _s, ancestors) => {
    const node = raw as Node;
    if (node.type !== 'Identifier') return;
    const chain = ancestors as Node[];
    const parent = chain[chain.length - 2];
    if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
    if (parent?.type === 'Property' && parent.key === node && !parent.computed && !parent.shorthand) return;
    // The innermost callback (a function that is a property of a callbacks map) around the name,
    // and the functions enclosing that callback.
    for (let i = chain.length - 2; i > 0; i--) {
      const fn = chain[i]!;
      if ((fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression') || chain[i - 1]!.type !== 'Property') continue;
      if (localsOf(fn).has(node.name)) return; // its own local
      for (let j = i - 1; j >= 0; j--) {
        const outer = chain[j]!;
        if (outer.type !== 'FunctionExpression' && outer.type !== 'ArrowFunctionExpression' && outer.type !== 'FunctionDeclaration') continue;
        if (!localsOf(outer).has(node.name)) continue;
        const key = `${node.name}@${outer.start}`;
        if (!reported.has(key)) {
          reported.add(key);
          out.push(diagnostic('info', 'CLOSURE_ACROSS_STEPS', `this callback uses ${node.name} from an enclosing function: authscript keeps it between steps, WSO2 loses it (declare it at the top of the script to run on both)`, node));
        }
        return;
      }
      return;
    }
  });
  return out;
}
