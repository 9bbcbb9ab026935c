/**
 * The monaco editor for the script. monaco loads on first use (its own chunk), so sign-in and the
 * rest of the UI never wait for it. The parent drives it through a handle: replace the text as one
 * undoable edit, reveal a position, format, apply a fix.
 */
import type * as Monaco from 'monaco-editor/editor';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Diagnostic } from '../api/types.js';

export interface EditorHandle {
  getValue(): string;
  /** Replaces the whole text as one undo step (Ctrl+Z brings the old text back). */
  replaceAll(text: string): void;
  reveal(line: number, column: number): void;
  format(): void;
  applyFix(d: Diagnostic): void;
  focus(): void;
}

export interface ScriptEditorProps {
  /** Identifies the document: a new key loads `initial` as a fresh model (no undo into another app). */
  docKey: string;
  initial: string;
  diagnostics: readonly Diagnostic[];
  onChange: (text: string) => void;
  onSave: () => void;
  onRun: () => void;
  onReady: (handle: EditorHandle | null) => void;
}

type Loaded = { monaco: typeof Monaco; markers: typeof import('../monaco/markers.js') };

let loading: Promise<Loaded> | null = null;
function loadMonaco(): Promise<Loaded> {
  loading ??= Promise.all([import('../monaco/setup.js'), import('../monaco/markers.js')]).then(([setup, markers]) => {
    markers.registerQuickFixes(setup.monaco);
    return { monaco: setup.monaco, markers };
  });
  return loading;
}

export function ScriptEditor(props: ScriptEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const editor = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  // Callbacks change every render; the editor's commands read the latest through this ref.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    loadMonaco().then(setLoaded, (e: unknown) => setFailed(`The code editor failed to load: ${String(e)}`));
  }, []);

  useEffect(() => {
    if (loaded === null || host.current === null) return;
    const { monaco, markers } = loaded;
    const e = monaco.editor.create(host.current, {
      model: null,
      theme: 'authscript',
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 4,
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
      ariaLabel: 'Login script editor',
      lightbulb: { enabled: monaco.editor.ShowLightbulbIconMode.OnCode },
    });
    editor.current = e;
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => latest.current.onSave());
    e.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => latest.current.onRun());
    const sub = e.onDidChangeModelContent(() => latest.current.onChange(e.getValue()));
    const handle: EditorHandle = {
      getValue: () => e.getValue(),
      replaceAll(text) {
        const model = e.getModel();
        if (model === null) return;
        model.pushStackElement();
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
        model.pushStackElement();
      },
      reveal(line, column) {
        e.revealPositionInCenter({ lineNumber: line, column });
        e.setPosition({ lineNumber: line, column });
        e.focus();
      },
      format() {
        void e.getAction('editor.action.formatDocument')?.run();
      },
      applyFix(d) {
        const model = e.getModel();
        if (model !== null) markers.applyFix(model, d);
      },
      focus: () => e.focus(),
    };
    latest.current.onReady(handle);
    return () => {
      sub.dispose();
      latest.current.onReady(null);
      e.getModel()?.dispose();
      e.dispose();
      editor.current = null;
    };
  }, [loaded]);

  useEffect(() => {
    const e = editor.current;
    if (loaded === null || e === null) return;
    const old = e.getModel();
    const uri = loaded.monaco.Uri.parse(`file:///scripts/${encodeURIComponent(props.docKey)}.js`);
    loaded.monaco.editor.getModel(uri)?.dispose();
    e.setModel(loaded.monaco.editor.createModel(props.initial, 'javascript', uri));
    old?.dispose();
    // The initial text is read when the document changes, not on every save.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded, props.docKey]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (loaded !== null && model != null) loaded.markers.setDiagnostics(loaded.monaco, model, props.diagnostics);
  }, [loaded, props.diagnostics, props.docKey]);

  return (
    <div class="script-editor">
      {loaded === null && failed === null ? (
        <div class="editor-loading" role="status">
          <span class="spinner" aria-hidden="true" /> Loading the code editor…
        </div>
      ) : null}
      {failed !== null ? (
        <p class="error-note" role="alert">
          {failed}
        </p>
      ) : null}
      <div ref={host} class="monaco-host" data-testid="monaco-host" />
    </div>
  );
}
