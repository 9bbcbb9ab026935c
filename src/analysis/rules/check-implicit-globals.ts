/**
 * Assignments to names declared nowhere: they make a global of the flow (WSO2 scripts sometimes
 * mean it, as the new-device template does), but a typo does the same. Suggests `var`.
 */
import * as walk from 'acorn-walk';
import { isKnownGlobal } from '../api-catalog.js';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { ScriptModel } from '../script-model.js';

export function checkImplicitGlobals(model: ScriptModel): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  walk.simple(model.ast, {
    AssignmentExpression(n) {
      if (n.left.type !== 'Identifier') return;
      const name = n.left.name;
      if (model.declared.has(name) || isKnownGlobal(name) || seen.has(name)) return;
      seen.add(name);
      out.push(diagnostic('warning', 'IMPLICIT_GLOBAL', `${name} is not declared: assigning it makes a global of the flow; declare it with var at the top of the script if that is what you mean`, n.left));
    },
  });
  return out;
}
