/**
 * Publishing: a message, the analyzer's verdict first. Errors block (the server refuses them with
 * PUBLISH_REFUSED too); warnings are listed so the admin publishes knowingly.
 */
import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { Application, Diagnostic, Published } from '../api/types.js';
import { Button, Dialog, ErrorNote, Field } from './ui.js';

interface Props {
  api: Api;
  app: Application;
  source: string;
  /** The analysis of `source`, or null while it is still running. */
  diagnostics: readonly Diagnostic[] | null;
  onClose: () => void;
  onPublished: (v: Published) => void;
  onJump: (d: Diagnostic) => void;
}

export function PublishDialog({ api, app, source, diagnostics, onClose, onPublished, onJump }: Props) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<Diagnostic[]>([]);
  const errors = [...(diagnostics ?? []).filter((d) => d.severity === 'error'), ...refused.filter((r) => !(diagnostics ?? []).includes(r))];
  const warnings = (diagnostics ?? []).filter((d) => d.severity === 'warning');
  const blocked = errors.length > 0;

  const publish = async () => {
    setBusy(true);
    setError(null);
    try {
      onPublished(await api.publish(app.id, source, message.trim()));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PUBLISH_REFUSED') setRefused(e.diagnostics.filter((d) => d.severity === 'error'));
      setError(e instanceof ApiError ? e.describe() : String(e));
    } finally {
      setBusy(false);
    }
  };

  const list = (items: readonly Diagnostic[]) => (
    <ul class="problems">
      {items.map((d) => (
        <li class={`problem problem-${d.severity}`}>
          <button type="button" class="problem-jump" onClick={() => onJump(d)}>
            <span class="problem-where">
              {d.line}:{d.column + 1}
            </span>
            <span class="problem-message">{d.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );

  return (
    <Dialog
      title={`Publish the script of ${app.name}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant={warnings.length > 0 ? 'danger' : 'primary'} busy={busy} disabled={blocked || message.trim() === '' || diagnostics === null} onClick={() => void publish()} data-testid="confirm-publish">
            {warnings.length > 0 ? `Publish with ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : 'Publish'}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!blocked && message.trim() !== '' && diagnostics !== null) void publish();
        }}
      >
        <Field label="What changed" hint="Shown in the version list; say why, e.g. “skip MFA for GitHub sign-ins”.">
          {(id, d) => <input id={id} aria-describedby={d} value={message} autoFocus onInput={(e) => setMessage(e.currentTarget.value)} />}
        </Field>
      </form>
      {diagnostics === null ? <p class="muted">Waiting for the analysis of the current text…</p> : null}
      {blocked ? (
        <div class="publish-blocked" role="alert">
          <p>
            <strong>Publishing is blocked:</strong> the analyzer reports {errors.length} error{errors.length > 1 ? 's' : ''}. Fix them first:
          </p>
          {list(errors)}
        </div>
      ) : null}
      {!blocked && warnings.length > 0 ? (
        <div class="publish-warnings">
          <p>
            <strong>Warnings</strong> — the script can be published, but read these first:
          </p>
          {list(warnings)}
        </div>
      ) : null}
      {!blocked && warnings.length === 0 && diagnostics !== null ? <p class="ok-note">The analyzer found no problems.</p> : null}
      <ErrorNote error={error} />
    </Dialog>
  );
}
