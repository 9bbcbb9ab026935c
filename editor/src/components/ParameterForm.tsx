/**
 * A template's parameters as form fields, typed by the parameter (lists, CIDR blocks, numbers,
 * switches, connection pickers fed by the tenant's real connections). Each valid change writes the
 * `var` lines of the script it is given.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Connection, TemplateParameter } from '../api/types.js';
import { formatLiteral, parseField, readParameters, writeParameters, type ParameterValue } from '../lib/template-params.js';
import { Field } from './ui.js';

function asText(value: ParameterValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join('\n');
  return String(value);
}

export function ParameterForm({ parameters, source, connections, onWrite }: { parameters: readonly TemplateParameter[]; source: string; connections: readonly Connection[]; onWrite: (source: string) => void }) {
  const current = readParameters(source, parameters);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  // The script is the truth: when it changes underneath (typing, undo), the fields follow.
  useEffect(() => {
    if (current === null) return;
    setTexts((old) => {
      const next: Record<string, string> = { ...old };
      for (const p of parameters) {
        const v = current.get(p.name);
        const parsed = parseField(p.type, old[p.name] ?? '');
        const same = 'value' in parsed && v !== undefined && formatLiteral(parsed.value) === formatLiteral(v);
        if (!same && errors[p.name] === undefined) next[p.name] = asText(v ?? (p.default as ParameterValue));
      }
      return next;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source]);

  if (current === null) return <p class="muted">The script does not parse right now: fix the syntax error to edit its parameters here.</p>;

  const change = (p: TemplateParameter, text: string) => {
    setTexts((t) => ({ ...t, [p.name]: text }));
    const parsed = parseField(p.type, text);
    if ('error' in parsed) {
      setErrors((e) => ({ ...e, [p.name]: parsed.error }));
      return;
    }
    setErrors(({ [p.name]: _gone, ...rest }) => rest);
    const next = writeParameters(source, new Map([[p.name, parsed.value]]));
    if (next !== null && next !== source) onWrite(next);
  };

  const names = connections.map((c) => c.name);
  return (
    <div class="parameter-form">
      {parameters.map((p) => {
        const text = texts[p.name] ?? asText(current.get(p.name));
        const error = errors[p.name] ?? null;
        if (p.type === 'boolean') {
          return (
            <Field label={p.name} hint={p.description} error={error}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={text} onChange={(e) => change(p, e.currentTarget.value)}>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              )}
            </Field>
          );
        }
        if (p.type === 'connection') {
          return (
            <Field label={p.name} hint={p.description} error={error}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={text} onChange={(e) => change(p, e.currentTarget.value)}>
                  {['LOCAL', ...names, ...(text !== '' && text !== 'LOCAL' && !names.includes(text) ? [text] : [])].map((n) => (
                    <option value={n}>{n}</option>
                  ))}
                </select>
              )}
            </Field>
          );
        }
        if (p.type === 'connection[]') {
          const chosen = new Set(text.split('\n').filter((s) => s !== ''));
          const all = [...new Set([...names, ...chosen])];
          return (
            <fieldset class="field">
              <legend>{p.name}</legend>
              {all.length === 0 ? <p class="muted">This tenant has no connections yet.</p> : null}
              {all.map((n) => {
                const c = connections.find((x) => x.name === n);
                return (
                  <label class="checkbox">
                    <input
                      type="checkbox"
                      checked={chosen.has(n)}
                      onChange={(e) => {
                        const next = new Set(chosen);
                        if (e.currentTarget.checked) next.add(n);
                        else next.delete(n);
                        change(p, [...next].join('\n'));
                      }}
                    />
                    {n}
                    {c !== undefined ? <span class="muted"> (JIT {c.jit.enabled ? 'on' : 'off'})</span> : <span class="muted"> (not a connection of this tenant)</span>}
                  </label>
                );
              })}
              <p class="field-hint">{p.description}</p>
            </fieldset>
          );
        }
        const multi = p.type === 'string[]' || p.type === 'cidr[]';
        return (
          <Field label={p.name} hint={`${p.description}${multi ? ' One per line.' : ''}`} error={error}>
            {(id, d) =>
              multi ? (
                <textarea id={id} aria-describedby={d} rows={Math.min(6, Math.max(2, text.split('\n').length + 1))} value={text} spellcheck={false} onInput={(e) => change(p, e.currentTarget.value)} />
              ) : (
                <input id={id} aria-describedby={d} type={p.type === 'number' ? 'number' : 'text'} value={text} onInput={(e) => change(p, e.currentTarget.value)} />
              )
            }
          </Field>
        );
      })}
    </div>
  );
}
