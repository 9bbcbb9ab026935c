/** The inserted template's parameters, editing the `var` lines of the script in the editor. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Connection, Template } from '../api/types.js';
import { ParameterForm } from './ParameterForm.js';
import { ErrorNote } from './ui.js';

export function ParametersPanel({ api, templateId, source, connections, onWrite }: { api: Api; templateId: string; source: string; connections: readonly Connection[]; onWrite: (source: string) => void }) {
  const [template, setTemplate] = useState<Template | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.template(templateId).then(setTemplate, (e: unknown) => setError(e instanceof ApiError ? e.describe() : String(e)));
  }, [api, templateId]);
  if (error !== null) return <ErrorNote error={error} />;
  if (template === null) return <p class="muted">Loading the template…</p>;
  return (
    <div>
      <h3>{template.title}</h3>
      <p class="muted">These settings are the <code>var</code> lines at the top of the script; changing one here rewrites its line.</p>
      <ParameterForm parameters={template.parameters} source={source} connections={connections} onWrite={onWrite} />
    </div>
  );
}
