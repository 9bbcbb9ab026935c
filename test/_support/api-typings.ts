/**
 * runtime/api.d.ts as tests see it: the globals it declares (each with whether one of its
 * declarations carries an @example), and a type check of a login script as the editor does it.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const API_DTS = fileURLToPath(new URL('../../runtime/api.d.ts', import.meta.url));

/** Each global api.d.ts declares (functions and `declare const`), with whether it has an @example. */
export function declaredGlobals(): Map<string, boolean> {
  const text = ts.sys.readFile(API_DTS) ?? '';
  const source = ts.createSourceFile(API_DTS, text, ts.ScriptTarget.ES2022, true);
  const out = new Map<string, boolean>();
  for (const s of source.statements) {
    const names: string[] = [];
    if (ts.isFunctionDeclaration(s) && s.name) names.push(s.name.text);
    // `declare const` are the API; `declare var` would be entry points a script defines itself.
    if (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.Const) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    }
    const docs = (ts.getLeadingCommentRanges(text, s.pos) ?? []).map((r) => text.slice(r.pos, r.end)).join('\n');
    for (const n of names) out.set(n, (out.get(n) ?? false) || docs.includes('@example'));
  }
  return out;
}

/** Type-checks a login script as the editor does: plain JS, checkJs on, only ES2022 and api.d.ts. */
export function typeCheckScript(script: string): string[] {
  const file = '/virtual/script.js';
  const options: ts.CompilerOptions = { allowJs: true, checkJs: true, noEmit: true, strict: false, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? script : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang) => (f === file ? ts.createSourceFile(f, script, lang) : getSource(f, lang));
  return ts.getPreEmitDiagnostics(ts.createProgram([file, API_DTS], options, host)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
