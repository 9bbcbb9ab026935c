/** Published versions: which is live, compare any two (or one with the draft), roll back. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Application, ScriptVersion, ScriptVersionSummary, Timestamp } from '../api/types.js';
import { DiffDialog, type DiffSide } from './DiffDialog.js';
import { Badge, Button, ErrorNote } from './ui.js';

interface Props {
  api: Api;
  app: Application;
  draft: string;
  onRolledBack: (version: ScriptVersion, app: Application) => void;
}

const when = (t: Timestamp) => new Date(t).toLocaleString();

export function VersionsPanel({ api, app, draft, onRolledBack }: Props) {
  const [versions, setVersions] = useState<ScriptVersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<number[]>([]);
  const [diff, setDiff] = useState<{ left: DiffSide; right: DiffSide } | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(() => {
    api.versions(app.id).then(
      (v) => (setVersions(v), setError(null)),
      (e: unknown) => setError(e instanceof ApiError ? e.describe() : String(e)),
    );
  }, [api, app.id]);
  useEffect(load, [load, app.publishedVersion]);

  const open = async (a: number | 'draft', b: number | 'draft') => {
    try {
      const side = async (n: number | 'draft'): Promise<DiffSide> => (n === 'draft' ? { title: 'Draft (editor)', source: draft } : await api.version(app.id, n).then((v) => ({ title: `Version ${v.number}`, source: v.source })));
      setDiff({ left: await side(a), right: await side(b) });
    } catch (e) {
      setError(e instanceof ApiError ? e.describe() : String(e));
    }
  };

  const rollback = async (n: number) => {
    if (!confirm(`Roll back to version ${n}? Its script becomes a new version, goes live at once, and replaces the draft.`)) return;
    setBusy(n);
    try {
      const version = await api.rollback(app.id, n, `Roll back to version ${n}`);
      const updated = await api.application(app.id);
      onRolledBack(version, updated);
      load();
    } catch (e) {
      setError(e instanceof ApiError ? e.describe() : String(e));
    } finally {
      setBusy(null);
    }
  };

  const toggle = (n: number) => setPicked((p) => (p.includes(n) ? p.filter((x) => x !== n) : [...p.slice(-1), n]));

  if (versions === null) return error !== null ? <ErrorNote error={error} /> : <p class="muted">Loading versions…</p>;
  if (versions.length === 0) return <p class="empty">Nothing published yet. Publish the script to create version 1.</p>;
  const [a, b] = [...picked].sort((x, y) => x - y);
  return (
    <div class="versions">
      <div class="versions-toolbar">
        <Button disabled={a === undefined || b === undefined} onClick={() => void open(a!, b!)}>
          Compare {a !== undefined && b !== undefined ? `v${a} → v${b}` : 'two selected'}
        </Button>
        <span class="muted">Select two versions to compare, or compare one with the draft.</span>
      </div>
      <ErrorNote error={error} />
      <ul class="version-list" data-testid="versions">
        {versions.map((v) => (
          <li class="version">
            <label class="version-pick">
              <input type="checkbox" checked={picked.includes(v.number)} onChange={() => toggle(v.number)} aria-label={`Select version ${v.number}`} />
              <strong>v{v.number}</strong>
            </label>
            <div class="version-body">
              <div>
                {v.message || <span class="muted">(no message)</span>} {v.number === app.publishedVersion ? <Badge tone="ok">live</Badge> : null}
              </div>
              <div class="muted">
                {v.author} · {when(v.createdAt)} · <code>{v.hash.slice(0, 8)}</code>
              </div>
            </div>
            <div class="version-actions">
              <Button variant="ghost" onClick={() => void open(v.number, 'draft')}>
                Diff with draft
              </Button>
              {v.number !== app.publishedVersion ? (
                <Button variant="ghost" busy={busy === v.number} onClick={() => void rollback(v.number)}>
                  Roll back to v{v.number}
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {diff !== null ? <DiffDialog left={diff.left} right={diff.right} onClose={() => setDiff(null)} /> : null}
    </div>
  );
}
