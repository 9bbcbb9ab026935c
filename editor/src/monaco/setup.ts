/**
 * monaco for login scripts: the editor core with its features, JavaScript only, the TypeScript
 * service type-checking the script against runtime/api.d.ts (checkJs), and the two web workers the
 * production build needs. Imported once, lazily, so the sign-in screen paints before monaco loads.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/javascript/register';
import * as typescript from 'monaco-editor/languages/features/typescript/register';
// The 0.56+ ESM worker entries: editor.worker sets up the worker's message handler
// (editor.worker.start only exports the `start` function it calls).
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import apiTypes from '../../../runtime/api.d.ts?raw';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
  },
};

// What a login script is: plain ES2022 with the script API as its only globals (no DOM, no Node),
// the same options the repository's type tests use (test/_support/api-typings.ts).
typescript.javascriptDefaults.setCompilerOptions({
  allowJs: true,
  checkJs: true,
  allowNonTsExtensions: true,
  noEmit: true,
  strict: false,
  target: typescript.ScriptTarget.ES2020,
  lib: ['es2022'],
  types: [],
});
typescript.javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
typescript.javascriptDefaults.addExtraLib(apiTypes, 'file:///runtime/api.d.ts');

monaco.editor.defineTheme('authscript', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#fdfdfc' },
});

export { monaco, typescript };
