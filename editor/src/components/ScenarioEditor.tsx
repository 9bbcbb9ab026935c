/** The form of one scenario: the request, then what the user does each time the flow waits. */
import type { Application, Connection, Outcome, User } from '../api/types.js';
import { stepAction, type Action, type ScenarioForm, type StepAction } from '../lib/scenario.js';
import { Button, Checkbox, Field } from './ui.js';

interface Props {
  form: ScenarioForm;
  app: Application;
  connections: readonly Connection[];
  users: readonly User[];
  onChange: (f: ScenarioForm) => void;
}

const OUTCOMES: Outcome[] = ['success', 'fail', 'abort', 'fallback'];
const SECOND_FACTORS = new Set(['totp', 'email-otp-authenticator', 'sms-otp-authenticator', 'FIDOAuthenticator']);

export function ScenarioEditor({ form, app, connections, users, onChange }: Props) {
  const set = (patch: Partial<ScenarioForm>) => onChange({ ...form, ...patch });
  const setAction = (i: number, a: Action) => set({ actions: form.actions.map((x, j) => (j === i ? a : x)) });
  const remove = (i: number) => set({ actions: form.actions.filter((_, j) => j !== i) });
  const nextStep = (): StepAction => {
    const last = [...form.actions].reverse().find((a): a is StepAction => a.kind === 'step');
    const n = Math.min((last?.step ?? 0) + 1, app.steps.length);
    const o = app.steps[n - 1]?.options[0] ?? { idp: 'LOCAL', authenticator: 'BasicAuthenticator' };
    return stepAction(n, o.idp, o.authenticator);
  };

  return (
    <div class="scenario-editor">
      <Field label="Scenario name">{(id) => <input id={id} value={form.name} placeholder="e.g. GitHub user skips MFA" onInput={(e) => set({ name: e.currentTarget.value })} />}</Field>
      <details class="request-details">
        <summary>
          Request <span class="muted">(IP {form.ip || 'none'}{form.acrValues ? `, ACR ${form.acrValues}` : ''})</span>
        </summary>
        <Field label="Client IP">{(id) => <input id={id} value={form.ip} onInput={(e) => set({ ip: e.currentTarget.value })} />}</Field>
        <Field label="Headers" hint="name: value, one per line">
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={form.headers} spellcheck={false} onInput={(e) => set({ headers: e.currentTarget.value })} />}
        </Field>
        <Field label="Cookies" hint="name=value, one per line">
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={form.cookies} spellcheck={false} onInput={(e) => set({ cookies: e.currentTarget.value })} />}
        </Field>
        <Field label="ACR values" hint="comma-separated, as the client asked">
          {(id, d) => <input id={id} aria-describedby={d} value={form.acrValues} onInput={(e) => set({ acrValues: e.currentTarget.value })} />}
        </Field>
      </details>
      <h4>What the user does</h4>
      <ol class="actions">
        {form.actions.map((a, i) => (
          <li class="action">
            {a.kind === 'step' ? (
              <StepActionEditor index={i} action={a} app={app} connections={connections} users={users} onChange={(x) => setAction(i, x)} />
            ) : (
              <fieldset class="action-box">
                <legend>JIT prompt answer</legend>
                <Checkbox label="Consents" checked={a.consent} onChange={(v) => setAction(i, { ...a, consent: v })} />
                <Field label="Username (if asked)">{(id) => <input id={id} value={a.username} onInput={(e) => setAction(i, { ...a, username: e.currentTarget.value })} />}</Field>
                <Field label="Password (if asked)">{(id) => <input id={id} type="password" value={a.password} onInput={(e) => setAction(i, { ...a, password: e.currentTarget.value })} />}</Field>
              </fieldset>
            )}
            <Button variant="ghost" class="action-remove" aria-label={`Remove action ${i + 1}`} onClick={() => remove(i)}>
              ✕
            </Button>
          </li>
        ))}
      </ol>
      <div class="form-actions">
        <Button variant="ghost" onClick={() => set({ actions: [...form.actions, nextStep()] })}>
          + Step
        </Button>
        <Button variant="ghost" onClick={() => set({ actions: [...form.actions, { kind: 'provisioning', consent: true, username: '', password: '' }] })}>
          + JIT prompt answer
        </Button>
      </div>
    </div>
  );
}

function StepActionEditor({ index, action: a, app, connections, users, onChange }: { index: number; action: StepAction; app: Application; connections: readonly Connection[]; users: readonly User[]; onChange: (a: StepAction) => void }) {
  const options = app.steps[a.step - 1]?.options ?? [];
  const optionKey = `${a.idp}\u0000${a.authenticator}`;
  const federated = a.idp !== 'LOCAL';
  const secondFactor = !federated && SECOND_FACTORS.has(a.authenticator);
  const jitOff = federated && connections.find((c) => c.name === a.idp)?.jit.enabled === false;
  return (
    <fieldset class="action-box" aria-label={`Action ${index + 1}: step ${a.step}`}>
      <legend>Step {a.step}</legend>
      <div class="action-row">
        <Field label="Step">
          {(id) => (
            <select
              id={id}
              value={String(a.step)}
              onChange={(e) => {
                const step = Number(e.currentTarget.value);
                const o = app.steps[step - 1]?.options[0];
                onChange({ ...stepAction(step, o?.idp ?? 'LOCAL', o?.authenticator ?? ''), outcome: a.outcome });
              }}
            >
              {app.steps.map((_, i) => (
                <option value={String(i + 1)}>{i + 1}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Signs in with">
          {(id) => (
            <select
              id={id}
              value={optionKey}
              onChange={(e) => {
                const [idp, authenticator] = e.currentTarget.value.split('\u0000') as [string, string];
                onChange({ ...stepAction(a.step, idp, authenticator, a.username), outcome: a.outcome });
              }}
            >
              {options.map((o) => (
                <option value={`${o.idp}\u0000${o.authenticator}`}>{o.idp === 'LOCAL' ? o.authenticator : `${o.idp} (${o.authenticator})`}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Outcome">
          {(id) => (
            <select id={id} value={a.outcome} onChange={(e) => onChange({ ...a, outcome: e.currentTarget.value as Outcome })}>
              {OUTCOMES.map((o) => (
                <option value={o}>{o}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {!federated && !secondFactor ? (
        <Field label="User" hint="A local user of this tenant (STORE/name for a secondary store).">
          {(id, d) => (
            <>
              <input id={id} aria-describedby={d} list={`users-${index}`} value={a.username} placeholder="username" onInput={(e) => onChange({ ...a, username: e.currentTarget.value })} />
              <datalist id={`users-${index}`}>
                {users.map((u) => (
                  <option value={u.userStoreDomain === 'PRIMARY' ? u.username : `${u.userStoreDomain}/${u.username}`}>{u.totpEnrolled ? 'has TOTP' : ''}</option>
                ))}
              </datalist>
            </>
          )}
        </Field>
      ) : null}
      {secondFactor ? <p class="muted">Authenticates the user the flow already knows.</p> : null}
      {federated && a.outcome === 'success' ? (
        <>
          <Field label={`Subject at ${a.idp}`} hint={jitOff ? `${a.idp} has JIT off: this user gets no local account.` : undefined}>
            {(id, d) => <input id={id} aria-describedby={d} value={a.subject} onInput={(e) => onChange({ ...a, subject: e.currentTarget.value })} />}
          </Field>
          <Field label="Claims the IdP asserts" hint='name=value per line, or a JSON object (e.g. email=bob@example.com, email_verified=true)'>
            {(id, d) => <textarea id={id} aria-describedby={d} rows={3} spellcheck={false} value={a.claims} onInput={(e) => onChange({ ...a, claims: e.currentTarget.value })} />}
          </Field>
        </>
      ) : null}
    </fieldset>
  );
}
