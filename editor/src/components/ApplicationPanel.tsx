/**
 * The application's login steps: the options of each step (LOCAL authenticators or a
 * connection), which step gives the subject, and whether the script runs at all.
 */
import { useState } from 'preact/hooks';
import { ApiError, type Api } from '../api/client.js';
import type { AppStep, Application, Connection } from '../api/types.js';
import { Button, Checkbox, ErrorNote, Field } from './ui.js';

const LOCAL_AUTHENTICATORS = ['BasicAuthenticator', 'totp', 'email-otp-authenticator'];

export function ApplicationPanel({ api, app, connections, onSaved }: { api: Api; app: Application; connections: readonly Connection[]; onSaved: (a: Application) => void }) {
  const [steps, setSteps] = useState<AppStep[]>(app.steps);
  const [subjectStep, setSubjectStep] = useState<number | null>(app.subjectStep);
  const [scriptEnabled, setScriptEnabled] = useState(app.scriptEnabled);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const dirty = JSON.stringify(steps) !== JSON.stringify(app.steps) || subjectStep !== app.subjectStep || scriptEnabled !== app.scriptEnabled;

  const edit = (fn: (s: AppStep[]) => AppStep[]) => {
    setSteps((s) => fn(s.map((x) => ({ options: [...x.options] }))));
    setSaved(false);
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.updateApplication(app.id, { steps, subjectStep, scriptEnabled }));
      setSaved(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.describe() : String(e));
    } finally {
      setBusy(false);
    }
  };

  const idps = ['LOCAL', ...connections.map((c) => c.name)];
  return (
    <form
      class="app-panel"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p class="muted">
        <code>executeStep(n)</code> runs step <em>n</em> of this list. Each step offers its options to the user.
      </p>
      <datalist id="local-authenticators">
        {LOCAL_AUTHENTICATORS.map((a) => (
          <option value={a} />
        ))}
      </datalist>
      {steps.map((step, si) => (
        <fieldset class="step-box">
          <legend>Step {si + 1}</legend>
          {step.options.map((o, oi) => (
            <div class="option-row">
              <label>
                <span class="sr-only">
                  Step {si + 1} option {oi + 1} identity provider
                </span>
                <select
                  value={o.idp}
                  onChange={(e) => {
                    const idp = e.currentTarget.value;
                    const authenticator = idp === 'LOCAL' ? 'BasicAuthenticator' : (connections.find((c) => c.name === idp)?.authenticator ?? '');
                    edit((s) => (s[si]!.options[oi] = { idp, authenticator }, s));
                  }}
                >
                  {[...new Set([...idps, o.idp])].map((i) => (
                    <option value={i}>{i === 'LOCAL' ? 'LOCAL (this server)' : i}</option>
                  ))}
                </select>
              </label>
              <label>
                <span class="sr-only">
                  Step {si + 1} option {oi + 1} authenticator
                </span>
                <input
                  value={o.authenticator}
                  list={o.idp === 'LOCAL' ? 'local-authenticators' : undefined}
                  readOnly={o.idp !== 'LOCAL'}
                  onInput={(e) => {
                    const authenticator = e.currentTarget.value;
                    edit((s) => (s[si]!.options[oi] = { idp: o.idp, authenticator }, s));
                  }}
                />
              </label>
              <Button variant="ghost" aria-label={`Remove option ${oi + 1} of step ${si + 1}`} disabled={step.options.length === 1} onClick={() => edit((s) => (s[si]!.options.splice(oi, 1), s))}>
                ✕
              </Button>
            </div>
          ))}
          <div class="step-actions">
            <Button variant="ghost" onClick={() => edit((s) => (s[si]!.options.push({ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }), s))}>
              + Option
            </Button>
            <Button variant="ghost" disabled={steps.length === 1} onClick={() => edit((s) => (s.splice(si, 1), s))}>
              Remove step {si + 1}
            </Button>
          </div>
        </fieldset>
      ))}
      <Button variant="ghost" onClick={() => edit((s) => [...s, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }])}>
        + Step
      </Button>
      <Field label="Subject from step" hint="Whose identity the login asserts.">
        {(id, d) => (
          <select id={id} aria-describedby={d} value={subjectStep === null ? '' : String(subjectStep)} onChange={(e) => (setSubjectStep(e.currentTarget.value === '' ? null : Number(e.currentTarget.value)), setSaved(false))}>
            <option value="">the first step that signs a user in</option>
            {steps.map((_, i) => (
              <option value={String(i + 1)}>step {i + 1}</option>
            ))}
          </select>
        )}
      </Field>
      <Checkbox label="Run the script" hint="off: every step runs in order" checked={scriptEnabled} onChange={(v) => (setScriptEnabled(v), setSaved(false))} />
      <ErrorNote error={error} />
      <div class="form-actions">
        <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
          Save steps
        </Button>
        {saved && !dirty ? <span class="ok-note">Saved.</span> : null}
        {dirty ? <span class="muted">Unsaved step changes</span> : null}
      </div>
    </form>
  );
}
