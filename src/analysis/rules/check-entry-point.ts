/** onLoginRequest must be defined (WSO2 looks it up by name); onInitialRequest is the legacy name that no longer runs. */
import * as walk from 'acorn-walk';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { Node, ScriptModel } from '../script-model.js';

function definitions(model: ScriptModel, name: string): Node[] {
  const found: Node[] = [];
  walk.simple(model.ast, {
    VariableDeclarator(n) {
      if (n.id.type === 'Identifier' && n.id.name === name) found.push(n.id);
    },
    FunctionDeclaration(n) {
      if (n.id?.name === name) found.push(n.id);
    },
    AssignmentExpression(n) {
      if (n.left.type === 'Identifier' && n.left.name === name) found.push(n.left);
    },
  });
  return found;
}

export function checkEntryPoint(model: ScriptModel): Diagnostic[] {
  if (definitions(model, 'onLoginRequest').length > 0) return [];
  const legacy = definitions(model, 'onInitialRequest')[0];
  if (legacy !== undefined) {
    const loc = legacy.loc!;
    return [
      diagnostic('error', 'LEGACY_ENTRY_POINT', 'onInitialRequest is the legacy name: WSO2 and authscript call only onLoginRequest, so this script never runs', legacy, {
        title: 'Rename to onLoginRequest',
        edits: [{ line: loc.start.line, column: loc.start.column, endLine: loc.end.line, endColumn: loc.end.column, text: 'onLoginRequest' }],
      }),
    ];
  }
  return [diagnostic('error', 'NO_ENTRY_POINT', 'the script defines no onLoginRequest: every login would fail', { loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } } })];
}
