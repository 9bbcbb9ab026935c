/**
 * Work queued after fail() or sendError() in the same block never happens: the flow ends at them.
 * (The code itself runs: only the steps, prompts and calls it queues are unreachable.)
 */
import * as walk from 'acorn-walk';
import type * as acorn from 'acorn';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { Node, ScriptModel } from '../script-model.js';

const ENDS = new Set(['fail', 'sendError']);
const QUEUES = new Set(['executeStep', 'prompt', 'httpGet', 'httpPost', 'callChoreo', 'callAnalytics', 'callElastic', 'promptIdentifierForStep', 'fail', 'sendError']);

function callsOf(node: Node, names: ReadonlySet<string>): string | null {
  let found: string | null = null;
  walk.simple(node as acorn.Node, {
    CallExpression(n) {
      if (found === null && n.callee.type === 'Identifier' && names.has(n.callee.name)) found = n.callee.name;
    },
    // The callbacks of a later call are not run at this point: only direct calls count.
    FunctionExpression() {},
  });
  return found;
}

export function checkUnreachable(model: ScriptModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visitBody = (body: readonly Node[]) => {
    let endedAt: { name: string; line: number } | null = null;
    for (const st of body) {
      if (endedAt !== null) {
        const queued = callsOf(st, QUEUES);
        if (queued !== null) {
          out.push(diagnostic('warning', 'UNREACHABLE_AFTER_END', `${queued} here never takes effect: the flow ends at ${endedAt.name}() on line ${endedAt.line}`, st));
          continue;
        }
      }
      if (st.type === 'ExpressionStatement' && st.expression.type === 'CallExpression' && st.expression.callee.type === 'Identifier' && ENDS.has(st.expression.callee.name)) {
        endedAt ??= { name: st.expression.callee.name, line: st.loc!.start.line };
      }
    }
  };
  walk.simple(model.ast, {
    Program: (n) => visitBody((n as acorn.Program).body as Node[]),
    BlockStatement: (n) => visitBody((n as acorn.BlockStatement).body as Node[]),
  });
  return out;
}
