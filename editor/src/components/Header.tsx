import type { Application, Me } from '../api/types.js';
import { Button, MOD } from './ui.js';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

const STATE_TEXT: Record<SaveState, string> = {
  saved: 'Draft saved',
  dirty: 'Unsaved changes',
  saving: 'Saving…',
  error: 'Save failed',
};

interface HeaderProps {
  me: Me;
  apps: Application[];
  app: Application;
  saveState: SaveState;
  saveError: string | null;
  analysing: boolean;
  onSelectApp: (id: string) => void;
  onSave: () => void;
  onPublish: () => void;
  onTemplates: () => void;
  onSkipMfa: () => void;
  onFormat: () => void;
  onSignOut: () => void;
}

export function Header(p: HeaderProps) {
  return (
    <header class="topbar">
      <div class="brand" aria-hidden="true">
        ⟠ authscript
      </div>
      <label class="app-picker">
        <span class="sr-only">Application</span>
        <select value={p.app.id} onChange={(e) => p.onSelectApp(e.currentTarget.value)} aria-label="Application">
          {p.apps.map((a) => (
            <option value={a.id}>{a.name}</option>
          ))}
        </select>
      </label>
      <span class={`save-state save-${p.saveState}`} role="status" aria-live="polite" title={p.saveError ?? undefined} data-testid="save-state">
        {STATE_TEXT[p.saveState]}
        {p.saveState === 'error' && p.saveError ? `: ${p.saveError}` : ''}
      </span>
      <span class="published muted">{p.app.publishedVersion === null ? 'Never published' : `Live: version ${p.app.publishedVersion}`}</span>
      {p.analysing ? (
        <span class="muted analysing" aria-live="polite">
          <span class="spinner" aria-hidden="true" /> analysing
        </span>
      ) : null}
      <div class="topbar-actions">
        <Button onClick={p.onTemplates} title="Browse the template library">
          Templates
        </Button>
        <Button onClick={p.onSkipMfa} title="Start from the “Skip MFA for external connections” template">
          Skip MFA for external connections
        </Button>
        <Button variant="ghost" onClick={p.onFormat} title="Format the script (Shift+Alt+F)">
          Format
        </Button>
        <Button onClick={p.onSave} busy={p.saveState === 'saving'} title={`Save the draft (${MOD}+S)`} aria-keyshortcuts="Control+S Meta+S">
          Save draft
        </Button>
        <Button variant="primary" onClick={p.onPublish} title="Publish the script: new logins use it">
          Publish…
        </Button>
        <span class="tenant muted" title={`Signed in as ${p.me.credential.name}`}>
          {p.me.tenant.name}
        </span>
        <Button variant="ghost" onClick={p.onSignOut}>
          Sign out
        </Button>
      </div>
    </header>
  );
}
