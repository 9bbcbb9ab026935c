/**
 * The simulator: build a scenario, run it against the script in the editor (Ctrl/Cmd+Enter), read
 * the trace with the graph highlighting the path; save scenarios as this script's tests, run them
 * all, export them as files for `authscript test`.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Application, Connection, FlowGraph, Trace, User } from '../api/types.js';
import { download } from '../lib/download.js';
import { buildScenario, emptyForm, expectationOf, fileName, mismatches, ScenarioFormError, type SavedScenario, type ScenarioForm, type TenantSnapshot } from '../lib/scenario.js';
import { newId } from '../lib/scenario-store.js';
import type { Highlight } from '../lib/trace-path.js';
import { FlowGraphView } from './FlowGraphView.js';
import { ScenarioEditor } from './ScenarioEditor.js';
import { TraceView } from './TraceView.js';
import { Badge, Button, ErrorNote, MOD } from './ui.js';

export interface SimulatorHandle {
  run(): void;
}

interface Props {
  api: Api;
  app: Application;
  connections: readonly Connection[];
  source: string;
  graph: FlowGraph;
  highlight: Highlight;
  trace: Trace | null;
  onTrace: (t: Trace | null) => void;
  onJump: (line: number, column: number) => void;
  onReady: (h: SimulatorHandle | null) => void;
}

type Result = { status: 'running' } | { status: 'pass' } | { status: 'fail'; reasons: string[] } | { status: 'error'; reasons: string[] };

export function SimulatorPanel({ api, app, connections, source, graph, highlight, trace, onTrace, onJump, onReady }: Props) {
  const [form, setForm] = useState<ScenarioForm>(() => emptyForm(app));
  const [editing, setEditing] = useState<string | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedScenario[]>([]);
  const [results, setResults] = useState<Record<string, Result>>({});

  useEffect(() => {
    api.users().then(setUsers, (e: unknown) => setError(`Users could not be loaded: ${e instanceof ApiError ? e.describe() : String(e)}`));
  }, [api]);

  useEffect(() => {
    setSaved([]);
    api.savedScenarios(app.id).then(
      (s) => setSaved(s),
      (e: unknown) => setError(`Saved scenarios could not be loaded: ${e instanceof ApiError ? e.describe() : String(e)}`),
    );
  }, [api, app.id]);

  // Saved on the server beside the script, for every admin of the tenant; the list shown is what was sent.
  const persist = (next: SavedScenario[]) => {
    const before = saved;
    setSaved(next);
    api.saveScenarios(app.id, next).catch((e: unknown) => {
      setSaved(before);
      setError(`The scenarios could not be saved: ${e instanceof ApiError ? e.describe() : String(e)}`);
    });
  };

  const tenant = (): TenantSnapshot => ({ application: app, connections, users });

  const simulate = async (f: ScenarioForm, script: string): Promise<Trace> => api.simulate(buildScenario(f, tenant(), { source: script }));

  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      onTrace(await simulate(form, source));
    } catch (e) {
      onTrace(null);
      setError(e instanceof ScenarioFormError ? e.message : e instanceof ApiError ? e.describe() : String(e));
    } finally {
      setRunning(false);
    }
  };
  const latestRun = useRef(run);
  latestRun.current = run;
  useEffect(() => {
    onReady({ run: () => void latestRun.current() });
    return () => onReady(null);
  }, [onReady]);

  const save = () => {
    const expect = trace !== null ? expectationOf(trace) : null;
    const name = form.name.trim() || `Scenario ${saved.length + 1}`;
    const entry: SavedScenario = { id: editing ?? newId(), form: { ...form, name }, expect };
    persist(editing !== null && saved.some((s) => s.id === editing) ? saved.map((s) => (s.id === editing ? entry : s)) : [...saved, entry]);
    setEditing(entry.id);
    setForm(entry.form);
  };

  const runAll = useCallback(async () => {
    setResults(Object.fromEntries(saved.map((s) => [s.id, { status: 'running' } as Result])));
    await Promise.all(
      saved.map(async (s) => {
        let r: Result;
        try {
          const t = await simulate(s.form, source);
          const reasons = s.expect === null ? ['no expected result saved: run it and save again'] : mismatches(s.expect, t);
          r = reasons.length === 0 ? { status: 'pass' } : { status: 'fail', reasons };
        } catch (e) {
          r = { status: 'error', reasons: [e instanceof ApiError ? e.describe() : String(e)] };
        }
        setResults((old) => ({ ...old, [s.id]: r }));
      }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved, source, app, connections, users]);

  const exportAll = () => {
    download('script.js', source, 'text/javascript');
    saved.forEach((s, i) => download(fileName(s.form.name, i), `${JSON.stringify(buildScenario(s.form, tenant(), { script: 'script.js' }, s.expect), null, 2)}\n`));
  };

  const passed = Object.values(results).filter((r) => r.status === 'pass').length;
  const done = Object.values(results).filter((r) => r.status !== 'running').length;

  return (
    <div class="simulator">
      <ScenarioEditor form={form} app={app} connections={connections} users={users} onChange={setForm} />
      <div class="form-actions sticky-actions">
        <Button variant="primary" busy={running} onClick={() => void run()} title={`${MOD}+Enter`} aria-keyshortcuts="Control+Enter Meta+Enter" data-testid="run-simulation">
          Run simulation
        </Button>
        <Button onClick={save} title="Keep this scenario with the script; the last run's result becomes its expected result">
          {editing !== null ? 'Update saved scenario' : 'Save scenario'}
        </Button>
        {editing !== null ? (
          <Button variant="ghost" onClick={() => (setEditing(null), setForm(emptyForm(app)), onTrace(null))}>
            New
          </Button>
        ) : null}
      </div>
      <ErrorNote error={error} />
      {trace !== null ? (
        <>
          <FlowGraphView graph={graph} highlight={highlight} compact caption="The path this login took." />
          <TraceView trace={trace} onJump={onJump} />
        </>
      ) : null}
      <section class="saved-scenarios" aria-label="Saved scenarios">
        <h4>
          Saved scenarios <span class="muted">({saved.length}, beside the script)</span>
        </h4>
        {saved.length === 0 ? (
          <p class="muted">Run a scenario and save it: it becomes a test of this script, with the run's result as what it must keep doing.</p>
        ) : (
          <>
            <div class="form-actions">
              <Button onClick={() => void runAll()} data-testid="run-all">
                Run all
              </Button>
              <Button variant="ghost" onClick={exportAll} title="script.js and one .scenario.json per scenario, for `authscript test` in CI">
                Export for authscript test
              </Button>
              {done > 0 ? (
                <span role="status">
                  {passed} passed, {done - passed} failed
                </span>
              ) : null}
            </div>
            <ul class="scenario-list">
              {saved.map((s) => {
                const r = results[s.id];
                return (
                  <li class={s.id === editing ? 'current' : ''}>
                    <div class="scenario-row">
                      {r === undefined ? <Badge tone="muted">not run</Badge> : r.status === 'running' ? <Badge tone="info">running</Badge> : r.status === 'pass' ? <Badge tone="ok">pass</Badge> : <Badge tone="bad">{r.status}</Badge>}
                      <button type="button" class="link" onClick={() => (setEditing(s.id), setForm(s.form), onTrace(null))}>
                        {s.form.name}
                      </button>
                      <span class="muted">{s.expect !== null ? `expects ${s.expect.outcome}` : 'no expectation'}</span>
                      <Button variant="ghost" aria-label={`Delete ${s.form.name}`} onClick={() => persist(saved.filter((x) => x.id !== s.id))}>
                        ✕
                      </Button>
                    </div>
                    {r !== undefined && (r.status === 'fail' || r.status === 'error') ? (
                      <ul class="reasons">
                        {r.reasons.map((x) => (
                          <li>{x}</li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}
