/**
 * The app-wide shortcuts outside the code editor (which binds the same keys itself): Ctrl/Cmd+S
 * saves the draft, Ctrl/Cmd+Enter runs the simulation.
 */
import { useEffect, useRef } from 'preact/hooks';

export function useShortcuts(handlers: { save: () => void; run: () => void }): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      // monaco handles its own keys; this catches them everywhere else.
      if ((e.target as HTMLElement | null)?.closest?.('.monaco-editor')) return;
      if (e.key === 's' || e.key === 'S') {
        e.preventDefault();
        latest.current.save();
      } else if (e.key === 'Enter') {
        e.preventDefault();
        latest.current.run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
