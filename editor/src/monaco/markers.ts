/**
 * The analyzer's diagnostics as monaco markers, and its suggested fixes as quick fixes (the
 * light bulb, Ctrl+.). Analyzer columns are 0-based, monaco's 1-based.
 */
import type * as Monaco from 'monaco-editor/editor';
import type { Diagnostic } from '../api/types.js';

export const OWNER = 'authscript';

type MonacoNs = typeof Monaco;

/** The diagnostics behind the markers of each model, for the code-action provider. */
const current = new Map<string, readonly Diagnostic[]>();

function severity(monaco: MonacoNs, s: Diagnostic['severity']): Monaco.MarkerSeverity {
  return s === 'error' ? monaco.MarkerSeverity.Error : s === 'warning' ? monaco.MarkerSeverity.Warning : monaco.MarkerSeverity.Info;
}

export function rangeOf(d: Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>): { startLineNumber: number; startColumn: number; endLineNumber: number; endColumn: number } {
  const sameSpot = d.line === d.endLine && d.column === d.endColumn;
  return { startLineNumber: d.line, startColumn: d.column + 1, endLineNumber: d.endLine, endColumn: d.endColumn + (sameSpot ? 2 : 1) };
}

export function setDiagnostics(monaco: MonacoNs, model: Monaco.editor.ITextModel, diagnostics: readonly Diagnostic[]): void {
  current.set(model.uri.toString(), diagnostics);
  monaco.editor.setModelMarkers(
    model,
    OWNER,
    diagnostics.map((d) => ({ ...rangeOf(d), severity: severity(monaco, d.severity), message: d.message, code: d.code, source: 'authscript' })),
  );
}

let registered = false;

export function registerQuickFixes(monaco: MonacoNs): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCodeActionProvider('javascript', {
    provideCodeActions(model, _range, context) {
      const diagnostics = current.get(model.uri.toString()) ?? [];
      const actions: Monaco.languages.CodeAction[] = [];
      for (const marker of context.markers) {
        if (marker.source !== 'authscript') continue;
        const d = diagnostics.find((x) => x.fix !== undefined && x.message === marker.message && rangeOf(x).startLineNumber === marker.startLineNumber && rangeOf(x).startColumn === marker.startColumn);
        if (d?.fix === undefined) continue;
        actions.push({
          title: d.fix.title,
          kind: 'quickfix',
          diagnostics: [marker],
          isPreferred: true,
          edit: {
            edits: d.fix.edits.map((e) => ({
              resource: model.uri,
              versionId: model.getVersionId(),
              textEdit: { range: { startLineNumber: e.line, startColumn: e.column + 1, endLineNumber: e.endLine, endColumn: e.endColumn + 1 }, text: e.text },
            })),
          },
        });
      }
      return { actions, dispose() {} };
    },
  });
}

/** Applies a diagnostic's fix as one undoable edit. */
export function applyFix(model: Monaco.editor.ITextModel, d: Diagnostic): void {
  if (d.fix === undefined) return;
  model.pushStackElement();
  model.pushEditOperations(
    [],
    d.fix.edits.map((e) => ({ range: { startLineNumber: e.line, startColumn: e.column + 1, endLineNumber: e.endLine, endColumn: e.endColumn + 1 }, text: e.text })),
    () => null,
  );
  model.pushStackElement();
}
