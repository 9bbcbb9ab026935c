/** A string-to-string map as editable rows (claim and role mappings). */
import { Button } from './ui.js';

export function MappingEditor({ label, from, to, value, onChange }: { label: string; from: string; to: string; value: Record<string, string>; onChange: (v: Record<string, string>) => void }) {
  const rows = Object.entries(value);
  const set = (next: [string, string][]) => onChange(Object.fromEntries(next.filter(([k]) => k !== '' || next.length === 1)));
  return (
    <fieldset class="mapping">
      <legend>{label}</legend>
      {rows.length === 0 ? <p class="muted">None.</p> : null}
      {rows.map(([k, v], i) => (
        <div class="mapping-row">
          <input aria-label={`${label} ${i + 1}: ${from}`} placeholder={from} value={k} onChange={(e) => set(rows.map((r, j) => (j === i ? [e.currentTarget.value, r[1]] : r)))} />
          <span aria-hidden="true">→</span>
          <input aria-label={`${label} ${i + 1}: ${to}`} placeholder={to} value={v} onChange={(e) => set(rows.map((r, j) => (j === i ? [r[0], e.currentTarget.value] : r)))} />
          <Button variant="ghost" aria-label={`Remove ${label} ${i + 1}`} onClick={() => set(rows.filter((_, j) => j !== i))}>
            ✕
          </Button>
        </div>
      ))}
      <Button variant="ghost" onClick={() => onChange({ ...value, [`new-${rows.length + 1}`]: '' })}>
        + Mapping
      </Button>
    </fieldset>
  );
}
