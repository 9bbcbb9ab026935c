/** A simulation's trace, read step by step: what ran, which callback fired, what it logged and did. */
import type { Trace } from '../api/types.js';
import { Badge } from './ui.js';

const CALLBACK = { success: 'onSuccess', fail: 'onFail', abort: 'onUserAbort', fallback: 'onFallback' } as const;
const TONE = { success: 'ok', fail: 'bad', error: 'bad', pending: 'warn' } as const;

export function TraceView({ trace, onJump }: { trace: Trace; onJump: (line: number, column: number) => void }) {
  return (
    <div class="trace" data-testid="trace">
      <p class="trace-outcome">
        <Badge tone={TONE[trace.outcome]}>{trace.outcome}</Badge>{' '}
        {trace.subject !== null ? (
          <span>
            signed in as <strong>{trace.subject.userStoreDomain && trace.subject.userStoreDomain !== 'PRIMARY' ? `${trace.subject.userStoreDomain}/` : ''}{trace.subject.username}</strong>{' '}
            {trace.subject.federated ? <span class="muted">(federated through {trace.subject.idp}, no local account)</span> : trace.subject.idp !== null && trace.subject.idp !== 'LOCAL' ? <span class="muted">(local account, through {trace.subject.idp})</span> : null}
          </span>
        ) : null}
      </p>
      {trace.error !== null ? (
        <p class="error-note">
          <code>{trace.error.code}</code> {trace.error.message}{' '}
          {trace.error.line != null ? (
            <button type="button" class="link" onClick={() => onJump(trace.error!.line!, (trace.error!.column ?? 0) + 1)}>
              line {trace.error.line}
            </button>
          ) : null}
        </p>
      ) : null}
      <h4>Steps</h4>
      {trace.steps.length === 0 ? <p class="muted">No step ran.</p> : null}
      <ol class="trace-steps">
        {trace.steps.map((s) => (
          <li>
            <strong>Step {s.step}</strong> {s.idp === 'LOCAL' ? s.authenticator : `via ${s.idp}`} <Badge tone={s.outcome === 'success' ? 'ok' : 'bad'}>{s.outcome}</Badge> <span class="muted">→ {CALLBACK[s.outcome]}</span>
          </li>
        ))}
      </ol>
      {trace.pending !== null ? (
        <>
          <h4>Waiting for</h4>
          <pre class="json">{JSON.stringify(trace.pending, null, 2)}</pre>
          <p class="muted">Add what the user does next to continue the login.</p>
        </>
      ) : null}
      {trace.provisioned.length > 0 ? (
        <>
          <h4>JIT provisioning</h4>
          <ul>
            {trace.provisioned.map((p) => (
              <li>
                {p.action} <strong>{p.userStoreDomain}/{p.username}</strong> from {p.idp}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h4>Logs</h4>
      {trace.logs.length === 0 ? <p class="muted">Nothing logged.</p> : null}
      <ul class="trace-logs">
        {trace.logs.map((l) => (
          <li class={`log log-${l.level}`}>
            <span class="log-level">{l.level}</span> {l.message}
          </li>
        ))}
      </ul>
      {trace.effects.length > 0 ? (
        <>
          <h4>Effects</h4>
          <ul class="trace-effects">
            {trace.effects.map((e) => (
              <li>
                <code>{String(e.kind ?? 'effect')}</code> {JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'kind')))}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {Object.keys(trace.claims).length > 0 ? (
        <>
          <h4>Runtime claims</h4>
          <pre class="json">{JSON.stringify(trace.claims, null, 2)}</pre>
        </>
      ) : null}
      {trace.selectedAcr !== null ? <p>Selected ACR: <code>{trace.selectedAcr}</code></p> : null}
      {trace.redirect !== null ? <p>Redirect: <code>{trace.redirect.url}</code></p> : null}
      {trace.unusedInteractions > 0 ? <p class="muted">{trace.unusedInteractions} action(s) were not needed: the login ended before them.</p> : null}
    </div>
  );
}
