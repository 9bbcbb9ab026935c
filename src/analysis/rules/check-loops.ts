/** Loops: a warning (hosts that forbid them, as Asgardeo does, make it an error: `loopsAsErrors`). */
import * as walk from 'acorn-walk';
import type { AnalysisContext } from '../analyze.js';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { Node, ScriptModel } from '../script-model.js';

export function checkLoops(model: ScriptModel, ctx: AnalysisContext): Diagnostic[] {
  const severity = ctx.loopsAsErrors ? 'error' : 'warning';
  const out: Diagnostic[] = [];
  const flag = (n: Node, what: string) =>
    out.push(diagnostic(severity, 'LOOP', `${what}: loops are not allowed in authentication scripts on hosts that forbid them (WSO2 APP-60001), and every iteration counts against the time limit`, n));
  walk.simple(model.ast, {
    ForStatement: (n) => flag(n as Node, 'a for loop'),
    ForInStatement: (n) => flag(n as Node, 'a for-in loop'),
    ForOfStatement: (n) => flag(n as Node, 'a for-of loop'),
    WhileStatement: (n) => flag(n as Node, 'a while loop'),
    DoWhileStatement: (n) => flag(n as Node, 'a do-while loop'),
    CallExpression(n) {
      if (n.callee.type === 'MemberExpression' && !n.callee.computed && n.callee.property.type === 'Identifier' && n.callee.property.name === 'forEach') {
        flag(n.callee.property as Node, 'forEach');
      }
    },
  });
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
