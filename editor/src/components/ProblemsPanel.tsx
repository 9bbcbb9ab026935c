/** The analyzer's findings as a list: click (or Enter) jumps to the spot, a fix applies in one go. */
import type { Diagnostic } from '../api/types.js';
import { Button } from './ui.js';

const ICON = { error: '×', warning: '!', info: 'i' } as const;

export function ProblemsPanel({ diagnostics, pending, onJump, onFix }: { diagnostics: readonly Diagnostic[]; pending: boolean; onJump: (d: Diagnostic) => void; onFix: (d: Diagnostic) => void }) {
  if (diagnostics.length === 0) {
    return <p class="empty">{pending ? 'Analysing…' : 'No problems: the analyzer found nothing to warn about.'}</p>;
  }
  return (
    <ul class="problems" aria-label="Problems" data-testid="problems">
      {diagnostics.map((d) => (
        <li class={`problem problem-${d.severity}`}>
          <button type="button" class="problem-jump" onClick={() => onJump(d)} aria-label={`${d.severity} at line ${d.line}: ${d.message}`}>
            <span class="problem-icon" aria-hidden="true">
              {ICON[d.severity]}
            </span>
            <span class="problem-where">
              {d.line}:{d.column + 1}
            </span>
            <span class="problem-message">{d.message}</span>
            <code class="problem-code">{d.code}</code>
          </button>
          {d.fix !== undefined ? (
            <Button variant="ghost" class="problem-fix" onClick={() => onFix(d)}>
              💡 {d.fix.title}
            </Button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
