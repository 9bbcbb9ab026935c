/**
 * The signed-in app: pick an application, edit its script with live analysis, and the panels
 * around it (problems, flow graph, simulator, versions, parameters, steps, connections).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Application, Connection, Diagnostic, Me, Trace } from '../api/types.js';
import { conflictDiagnostics } from '../lib/conflict-diagnostics.js';
import { insertMfaGuard, passThroughStep } from '../lib/mfa-guard.js';
import { NO_HIGHLIGHT, tracePath, type Highlight } from '../lib/trace-path.js';
import { useShortcuts } from '../state/use-shortcuts.js';
import { useValidation } from '../state/use-validation.js';
import { ApplicationPanel } from './ApplicationPanel.js';
import { ConflictBanner } from './ConflictBanner.js';
import { ConnectionsPanel } from './ConnectionsPanel.js';
import { FlowGraphView } from './FlowGraphView.js';
import { Header, type SaveState } from './Header.js';
import { ParametersPanel } from './ParametersPanel.js';
import { ProblemsPanel } from './ProblemsPanel.js';
import { PublishDialog } from './PublishDialog.js';
import { ScriptEditor, type EditorHandle } from './ScriptEditor.js';
import { SimulatorPanel, type SimulatorHandle } from './SimulatorPanel.js';
import { TemplateGallery, SKIP_MFA_TEMPLATE } from './TemplateGallery.js';
import { Badge, TabPanel, Tabs } from './ui.js';
import { VersionsPanel } from './VersionsPanel.js';

type Tab = 'problems' | 'flow' | 'simulate' | 'versions' | 'parameters' | 'application' | 'connections';

export interface Notice {
  readonly tone: 'ok' | 'bad' | 'info';
  readonly text: string;
}

function appIdFromHash(): string | null {
  const m = /^#\/apps\/([^/]+)/.exec(location.hash);
  return m === null ? null : decodeURIComponent(m[1]!);
}

export function Workspace({ api, me, onSignOut }: { api: Api; me: Me; onSignOut: () => void }) {
  const [apps, setApps] = useState<Application[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [appId, setAppId] = useState<string | null>(appIdFromHash);
  const [connections, setConnections] = useState<Connection[]>([]);

  const reload = useCallback(async () => {
    try {
      const [a, c] = await Promise.all([api.applications(), api.connections()]);
      setApps(a);
      setConnections(c);
      setLoadError(null);
      setAppId((current) => (current !== null && a.some((x) => x.id === current) ? current : (a[0]?.id ?? null)));
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.describe() : String(e));
    }
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    if (appId !== null && appIdFromHash() !== appId) history.replaceState(null, '', `#/apps/${encodeURIComponent(appId)}`);
  }, [appId]);

  const app = apps?.find((a) => a.id === appId) ?? null;
  const replaceApp = useCallback((next: Application) => setApps((list) => (list ?? []).map((a) => (a.id === next.id ? next : a))), []);

  if (apps === null) {
    return (
      <div class="page-state" role="status">
        {loadError === null ? (
          <>
            <span class="spinner" aria-hidden="true" /> Loading applications…
          </>
        ) : (
          <p class="error-note" role="alert">
            {loadError}
          </p>
        )}
      </div>
    );
  }
  if (app === null) {
    return (
      <div class="page-state">
        <p>This tenant has no applications yet. Create one through the admin API (POST /api/v1/applications), then reload.</p>
      </div>
    );
  }
  return (
    <AppWorkspace
      key={app.id}
      api={api}
      me={me}
      apps={apps}
      app={app}
      connections={connections}
      onSelectApp={setAppId}
      onAppChange={replaceApp}
      onConnectionsChange={setConnections}
      onSignOut={onSignOut}
    />
  );
}

interface AppWorkspaceProps {
  api: Api;
  me: Me;
  apps: Application[];
  app: Application;
  connections: Connection[];
  onSelectApp: (id: string) => void;
  onAppChange: (app: Application) => void;
  onConnectionsChange: (c: Connection[]) => void;
  onSignOut: () => void;
}

function AppWorkspace({ api, me, apps, app, connections, onSelectApp, onAppChange, onConnectionsChange, onSignOut }: AppWorkspaceProps) {
  const [text, setText] = useState(app.draft.source);
  const [savedText, setSavedText] = useState(app.draft.source);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('problems');
  const [revision, setRevision] = useState(0);
  const [gallery, setGallery] = useState<{ open: boolean; preselect: string | null }>({ open: false, preselect: null });
  const [publishing, setPublishing] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [trace, setTrace] = useState<Trace | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const editor = useRef<EditorHandle | null>(null);
  const simulator = useRef<SimulatorHandle | null>(null);
  const validation = useValidation(api, app.id, text, revision);

  const dirty = text !== savedText;
  const saveState: SaveState = saving ? 'saving' : saveError !== null ? 'error' : dirty ? 'dirty' : 'saved';
  const diagnostics: Diagnostic[] = useMemo(() => {
    const r = validation.result;
    if (r === null || validation.source === null) return [];
    const all = [...r.diagnostics, ...(r.notes ?? []), ...conflictDiagnostics(r.conflicts, r.diagnostics, validation.source)];
    return all.sort((a, b) => a.line - b.line || a.column - b.column);
  }, [validation.result, validation.source]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const graph = validation.result?.graph ?? { nodes: [], edges: [] };
  const highlight: Highlight = useMemo(() => (trace === null ? NO_HIGHLIGHT : tracePath(graph, trace)), [graph, trace]);

  useEffect(() => {
    if (notice === null) return;
    const t = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(t);
  }, [notice]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (text !== savedText) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [text, savedText]);

  const save = useCallback(async () => {
    const source = editor.current?.getValue() ?? text;
    setSaving(true);
    setSaveError(null);
    try {
      const draft = await api.saveDraft(app.id, source);
      setSavedText(draft.source);
      onAppChange({ ...app, draft });
    } catch (e) {
      setSaveError(e instanceof ApiError ? e.describe() : String(e));
    } finally {
      setSaving(false);
    }
  }, [api, app, text, onAppChange]);

  const runSimulation = useCallback(() => {
    setTab('simulate');
    // The panel may mount with this tab switch; run once it has registered.
    setTimeout(() => simulator.current?.run(), 0);
  }, []);

  useShortcuts({ save: () => void save(), run: runSimulation });

  const replaceScript = (source: string, message: string, line?: number) => {
    const e = editor.current;
    if (e === null) setText(source);
    else {
      e.replaceAll(source);
      if (line !== undefined) e.reveal(line, 1);
    }
    setNotice({ tone: 'ok', text: `${message} ${'—'} Ctrl+Z in the editor undoes it.` });
  };

  const enableJit = async (name: string) => {
    const c = connections.find((x) => x.name === name);
    if (c === undefined) return;
    try {
      const updated = await api.updateConnection({ ...c, jit: { ...c.jit, enabled: true } });
      onConnectionsChange(connections.map((x) => (x.name === name ? updated : x)));
      setRevision((r) => r + 1);
      setNotice({ tone: 'ok', text: `JIT provisioning is on for ${name}: its users get a local account at their first sign-in.` });
    } catch (e) {
      setNotice({ tone: 'bad', text: `Could not enable JIT on ${name}: ${e instanceof ApiError ? e.describe() : String(e)}` });
    }
  };

  const insertGuard = (connection: string, step: number, path: readonly string[]) => {
    const source = editor.current?.getValue() ?? text;
    const result = insertMfaGuard(source, step, passThroughStep(path, connection));
    if (result === null) {
      setGallery({ open: true, preselect: SKIP_MFA_TEMPLATE });
      setNotice({ tone: 'info', text: `This script's step ${step} call is not in a shape the guard can wrap: start from the "Skip MFA for external connections" template instead.` });
      return;
    }
    replaceScript(result.source, `Step ${step} now runs only after a local sign-in.`, result.line);
  };

  const tabs = [
    {
      id: 'problems',
      label: (
        <>
          Problems{' '}
          {diagnostics.length > 0 ? (
            <Badge tone={errors.length > 0 ? 'bad' : diagnostics.some((d) => d.severity === 'warning') ? 'warn' : 'info'}>{diagnostics.length}</Badge>
          ) : null}
        </>
      ),
    },
    { id: 'flow', label: 'Flow' },
    { id: 'simulate', label: 'Simulate' },
    { id: 'versions', label: 'Versions' },
    ...(templateId !== null ? [{ id: 'parameters', label: 'Parameters' }] : []),
    { id: 'application', label: 'Steps' },
    { id: 'connections', label: 'Connections' },
  ] as const;

  return (
    <div class="workspace">
      <Header
        me={me}
        apps={apps}
        app={app}
        saveState={saveState}
        saveError={saveError}
        analysing={validation.pending}
        onSelectApp={(id) => {
          if (id === app.id) return;
          if (dirty && !confirm(`${app.name} has unsaved changes. Leave them?`)) return;
          onSelectApp(id);
        }}
        onSave={() => void save()}
        onPublish={() => setPublishing(true)}
        onTemplates={() => setGallery({ open: true, preselect: null })}
        onSkipMfa={() => setGallery({ open: true, preselect: SKIP_MFA_TEMPLATE })}
        onFormat={() => editor.current?.format()}
        onSignOut={() => {
          if (dirty && !confirm('You have unsaved changes. Sign out anyway?')) return;
          onSignOut();
        }}
      />
      {notice !== null ? (
        <div class={`notice notice-${notice.tone}`} role="status">
          {notice.text}
        </div>
      ) : (
        <div class="sr-only" role="status" />
      )}
      <main class="main">
        <section class="editor-column" aria-label="Script">
          <ConflictBanner
            conflicts={validation.result?.conflicts ?? []}
            connections={connections}
            stale={validation.source !== text}
            onEnableJit={(name) => void enableJit(name)}
            onInsertGuard={insertGuard}
          />
          {validation.error !== null ? (
            <p class="error-note" role="alert">
              Analysis failed: {validation.error}
            </p>
          ) : null}
          <ScriptEditor
            docKey={app.id}
            initial={app.draft.source}
            diagnostics={validation.source === null ? [] : diagnostics}
            onChange={setText}
            onSave={() => void save()}
            onRun={runSimulation}
            onReady={(h) => (editor.current = h)}
          />
        </section>
        <section class="side-column" aria-label="Tools">
          <Tabs label="Script tools" tabs={tabs} current={tab} onSelect={(id) => setTab(id as Tab)} />
          {tab === 'problems' ? (
            <TabPanel id="problems">
              <ProblemsPanel diagnostics={diagnostics} pending={validation.pending} onJump={(d) => editor.current?.reveal(d.line, d.column + 1)} onFix={(d) => editor.current?.applyFix(d)} />
            </TabPanel>
          ) : null}
          {tab === 'flow' ? (
            <TabPanel id="flow">
              <FlowGraphView graph={graph} highlight={highlight} caption={trace === null ? 'Every path the script can take, explored over each option of each step.' : 'Highlighted: the path of the last simulation.'} />
            </TabPanel>
          ) : null}
          <div class="tab-host" hidden={tab !== 'simulate'}>
            <TabPanel id="simulate">
              <SimulatorPanel
                onReady={(h) => (simulator.current = h)}
                api={api}
                app={app}
                connections={connections}
                source={text}
                graph={graph}
                highlight={highlight}
                trace={trace}
                onTrace={setTrace}
                onJump={(line, column) => editor.current?.reveal(line, column)}
              />
            </TabPanel>
          </div>
          {tab === 'versions' ? (
            <TabPanel id="versions">
              <VersionsPanel
                api={api}
                app={app}
                draft={text}
                onRolledBack={(version, updated) => {
                  onAppChange(updated);
                  setSavedText(version.source);
                  replaceScript(version.source, `Rolled back: version ${version.number} is live and is the draft.`);
                }}
              />
            </TabPanel>
          ) : null}
          {tab === 'parameters' && templateId !== null ? (
            <TabPanel id="parameters">
              <ParametersPanel api={api} templateId={templateId} source={text} connections={connections} onWrite={(source) => editor.current?.replaceAll(source)} />
            </TabPanel>
          ) : null}
          {tab === 'application' ? (
            <TabPanel id="application">
              <ApplicationPanel
                api={api}
                app={app}
                connections={connections}
                onSaved={(updated) => {
                  onAppChange(updated);
                  setRevision((r) => r + 1);
                }}
              />
            </TabPanel>
          ) : null}
          {tab === 'connections' ? (
            <TabPanel id="connections">
              <ConnectionsPanel
                api={api}
                connections={connections}
                onSaved={(c) => {
                  onConnectionsChange(connections.map((x) => (x.name === c.name ? c : x)));
                  setRevision((r) => r + 1);
                }}
              />
            </TabPanel>
          ) : null}
        </section>
      </main>
      {gallery.open ? (
        <TemplateGallery
          api={api}
          app={app}
          connections={connections}
          preselect={gallery.preselect}
          onClose={() => setGallery({ open: false, preselect: null })}
          onInsert={(template, source) => {
            setGallery({ open: false, preselect: null });
            setTemplateId(template.parameters.length > 0 ? template.id : null);
            replaceScript(source, `Inserted “${template.title}”.`, 1);
          }}
        />
      ) : null}
      {publishing ? (
        <PublishDialog
          api={api}
          app={app}
          source={text}
          diagnostics={validation.source === text ? diagnostics : null}
          onClose={() => setPublishing(false)}
          onPublished={(version) => {
            setPublishing(false);
            setSavedText(version.source);
            onAppChange({ ...app, publishedVersion: version.number, draft: { ...app.draft, source: version.source } });
            setNotice({ tone: 'ok', text: `Published version ${version.number}: new logins use it now.` });
          }}
          onJump={(d) => {
            setPublishing(false);
            editor.current?.reveal(d.line, d.column + 1);
          }}
        />
      ) : null}
    </div>
  );
}
