/**
 * The JIT/MFA conflicts the analyzer found by reading the script: which connection, the path
 * that breaks, and the two fixes (enable JIT there, or skip MFA after external sign-ins).
 */
import type { Conflict, Connection } from '../api/types.js';
import { Button } from './ui.js';

interface Props {
  conflicts: readonly Conflict[];
  connections: readonly Connection[];
  /** The text changed since this analysis: the banner stays, dimmed, until the new one lands. */
  stale: boolean;
  onEnableJit: (connection: string) => void;
  onInsertGuard: (connection: string, step: number, path: readonly string[]) => void;
}

export function ConflictBanner({ conflicts, connections, stale, onEnableJit, onInsertGuard }: Props) {
  if (conflicts.length === 0) return null;
  return (
    <section class={`conflict-banner${stale ? ' stale' : ''}`} role="alert" aria-label="JIT provisioning warning" data-testid="jit-warning">
      {conflicts.map((c) => {
        const known = connections.some((x) => x.name === c.connection);
        return (
          <div class="conflict">
            <p>
              <strong>
                Logins through {c.connection} will fail at step {c.step}.
              </strong>{' '}
              {c.connection} has JIT provisioning off, so its users have no local account, and this script then runs step {c.step} ({c.authenticator}), which needs one.
            </p>
            <p class="conflict-path">
              Path: {c.path.map((p, i) => (
                <>
                  {i > 0 ? <span aria-hidden="true"> → </span> : null}
                  <code>{p}</code>
                </>
              ))}
            </p>
            <div class="conflict-actions">
              {known ? (
                <Button variant="primary" onClick={() => onEnableJit(c.connection)}>
                  Enable JIT on {c.connection}
                </Button>
              ) : null}
              <Button onClick={() => onInsertGuard(c.connection, c.step, c.path)}>Skip MFA for external connections</Button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
