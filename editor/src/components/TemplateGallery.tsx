/**
 * The template library: browse by category, read a template's summary, steps, script and the flow
 * graph it would have for this application, set its parameters, and insert it.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Application, Connection, FlowGraph, Template, TemplateCategory, TemplateSummary } from '../api/types.js';
import { NO_HIGHLIGHT } from '../lib/trace-path.js';
import { FlowGraphView } from './FlowGraphView.js';
import { ParameterForm } from './ParameterForm.js';
import { Button, Dialog, ErrorNote } from './ui.js';

export const SKIP_MFA_TEMPLATE = 'skip-mfa-external-connections';

const CATEGORY: Record<TemplateCategory, string> = {
  'access-control': 'Access control',
  'adaptive-mfa': 'Adaptive MFA',
  'user-attributes': 'User attributes',
  'jit-provisioning': 'JIT provisioning',
};

interface Props {
  api: Api;
  app: Application;
  connections: readonly Connection[];
  preselect: string | null;
  onClose: () => void;
  onInsert: (template: Template, source: string) => void;
}

export function TemplateGallery({ api, app, connections, preselect, onClose, onInsert }: Props) {
  const [list, setList] = useState<TemplateSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(preselect);

  useEffect(() => {
    api.templates().then(
      (t) => {
        setList(t);
        setSelected((s) => s ?? t[0]?.id ?? null);
      },
      (e: unknown) => setError(e instanceof ApiError ? e.describe() : String(e)),
    );
  }, [api]);

  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const shown = (list ?? []).filter((t) => q === '' || `${t.title} ${t.summary} ${t.id}`.toLowerCase().includes(q));
    return (Object.keys(CATEGORY) as TemplateCategory[]).map((c) => ({ category: c, templates: shown.filter((t) => t.category === c) })).filter((g) => g.templates.length > 0);
  }, [list, query]);

  return (
    <Dialog title="Templates" onClose={onClose} wide>
      <div class="gallery">
        <nav class="gallery-list" aria-label="Templates by category">
          <input type="search" aria-label="Filter templates" placeholder="Filter templates…" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          {list === null && error === null ? <p class="muted">Loading templates…</p> : null}
          <ErrorNote error={error} />
          {groups.map((g) => (
            <section>
              <h3>{CATEGORY[g.category]}</h3>
              <ul>
                {g.templates.map((t) => (
                  <li>
                    <button type="button" class={`gallery-item${t.id === selected ? ' selected' : ''}`} aria-current={t.id === selected} onClick={() => setSelected(t.id)}>
                      <span class="gallery-title">{t.title}</span>
                      <span class="gallery-summary">{t.summary}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </nav>
        {selected !== null ? <TemplatePreview key={selected} api={api} app={app} id={selected} connections={connections} onInsert={onInsert} /> : null}
      </div>
    </Dialog>
  );
}

function TemplatePreview({ api, app, id, connections, onInsert }: { api: Api; app: Application; id: string; connections: readonly Connection[]; onInsert: Props['onInsert'] }) {
  const [template, setTemplate] = useState<Template | null>(null);
  const [source, setSource] = useState('');
  const [graph, setGraph] = useState<FlowGraph | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.template(id).then(
      (t) => {
        setTemplate(t);
        setSource(t.script);
      },
      (e: unknown) => setError(e instanceof ApiError ? e.describe() : String(e)),
    );
  }, [api, id]);

  // The graph this template would have for this application, as the analyzer explores it.
  useEffect(() => {
    if (source === '') return;
    const controller = new AbortController();
    const t = setTimeout(() => {
      api.validate(app.id, source, controller.signal).then(
        (v) => setGraph(v.graph),
        () => setGraph(null),
      );
    }, 250);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [api, app.id, source]);

  if (error !== null) return <ErrorNote error={error} />;
  if (template === null) return <p class="muted gallery-preview">Loading…</p>;
  const stepsDiffer = template.steps.length !== app.steps.length;
  return (
    <article class="gallery-preview" aria-label={template.title}>
      <header class="gallery-preview-header">
        <div>
          <h3>{template.title}</h3>
          <p>{template.summary}</p>
          {template.wso2 !== null ? <p class="muted">WSO2: {template.wso2}</p> : null}
        </div>
        <Button variant="primary" onClick={() => onInsert(template, source)} autoFocus>
          Insert into the script
        </Button>
      </header>
      <h4>Steps it expects</h4>
      <ol class="template-steps">
        {template.steps.map((s) => (
          <li>
            {s.description} <span class="muted">({s.options.map((o) => (o.idp === 'LOCAL' ? o.authenticator : o.idp)).join(', ')})</span>
          </li>
        ))}
      </ol>
      {stepsDiffer ? (
        <p class="warn-note">
          {app.name} has {app.steps.length} step(s); this template expects {template.steps.length}. Adjust the steps in the Steps tab after inserting.
        </p>
      ) : null}
      {template.parameters.length > 0 ? (
        <>
          <h4>Parameters</h4>
          <ParameterForm parameters={template.parameters} source={source} connections={connections} onWrite={setSource} />
        </>
      ) : null}
      <h4>Flow for {app.name}</h4>
      {graph === null ? <p class="muted">Exploring…</p> : <FlowGraphView graph={graph} highlight={NO_HIGHLIGHT} compact />}
      <h4>Script</h4>
      <pre class="script-preview" tabIndex={0} aria-label="Template script">
        {source}
      </pre>
    </article>
  );
}
