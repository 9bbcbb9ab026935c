/** Two versions side by side in monaco's diff editor (read-only). */
import type * as Monaco from 'monaco-editor/editor';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Dialog } from './ui.js';

export interface DiffSide {
  readonly title: string;
  readonly source: string;
}

export function DiffDialog({ left, right, onClose }: { left: DiffSide; right: DiffSide; onClose: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    import('../monaco/setup.js').then(({ monaco }) => {
      if (disposed || host.current === null) return;
      const original = monaco.editor.createModel(left.source, 'javascript');
      const modified = monaco.editor.createModel(right.source, 'javascript');
      const editor: Monaco.editor.IStandaloneDiffEditor = monaco.editor.createDiffEditor(host.current, {
        readOnly: true,
        originalEditable: false,
        automaticLayout: true,
        renderSideBySide: true,
        minimap: { enabled: false },
        theme: 'authscript',
      });
      editor.setModel({ original, modified });
      cleanup = () => {
        editor.dispose();
        original.dispose();
        modified.dispose();
      };
    }, (e: unknown) => setError(String(e)));
    return () => {
      disposed = true;
      cleanup();
    };
  }, [left.source, right.source]);
  return (
    <Dialog title={`${left.title} → ${right.title}`} onClose={onClose} wide>
      <div class="diff-titles" aria-hidden="true">
        <span>{left.title}</span>
        <span>{right.title}</span>
      </div>
      {error !== null ? <p class="error-note">{error}</p> : null}
      <div ref={host} class="diff-host" data-testid="diff-editor" />
    </Dialog>
  );
}
