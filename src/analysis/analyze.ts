/**
 * The analyzer: parses a script with acorn and runs the rules, each a small function over the
 * AST (rules/). Fast enough for every keystroke in the editor; the flow exploration (explore.ts),
 * which runs the script, is separate.
 */
import { diagnostic, type Diagnostic } from './diagnostic.js';
import { checkCalls } from './rules/check-calls.js';
import { checkClosures } from './rules/check-closures.js';
import { checkEntryPoint } from './rules/check-entry-point.js';
import { checkImplicitGlobals } from './rules/check-implicit-globals.js';
import { checkLoops } from './rules/check-loops.js';
import { checkUnreachable } from './rules/check-unreachable.js';
import { parseScript, type ScriptModel } from './script-model.js';

export interface AnalysisContext {
  /** The application the script runs for: step ids are checked against it. */
  readonly application?: { readonly steps: readonly { readonly options: readonly { readonly idp: string; readonly authenticator: string }[] }[] } | undefined;
  /** Hosts that forbid loops (Asgardeo) make them errors. */
  readonly loopsAsErrors?: boolean | undefined;
}

const RULES: readonly ((model: ScriptModel, ctx: AnalysisContext) => Diagnostic[])[] = [
  checkEntryPoint,
  checkCalls,
  checkLoops,
  checkImplicitGlobals,
  checkUnreachable,
  checkClosures,
];

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function analyze(source: string, ctx: AnalysisContext = {}): Diagnostic[] {
  let model: ScriptModel;
  try {
    model = parseScript(source);
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    const loc = err.loc ?? { line: 1, column: 0 };
    const message = err.message.replace(/\s*\(\d+:\d+\)$/, '');
    return [diagnostic('error', 'SYNTAX', message, { loc: { start: loc, end: { line: loc.line, column: loc.column + 1 } } })];
  }
  const out = RULES.flatMap((rule) => rule(model, ctx));
  return out.sort((a, b) => a.line - b.line || a.column - b.column || ORDER[a.severity] - ORDER[b.severity]);
}
