/**
 * JIT/MFA conflicts as warnings for the problems list and the publish check. The analyzer's lint
 * reports them as JIT_MFA_CONFLICT diagnostics; a server that returns them only as `conflicts`
 * gets the same warnings here, pointed at the script's `executeStep(n)` call.
 */
import type { Conflict, Diagnostic } from '../api/types.js';

export function conflictDiagnostics(conflicts: readonly Conflict[], diagnostics: readonly Diagnostic[], source: string): Diagnostic[] {
  if (conflicts.length === 0 || diagnostics.some((d) => d.code === 'JIT_MFA_CONFLICT')) return [];
  const lines = source.split('\n');
  return conflicts.map((c) => {
    const at = new RegExp(`executeStep\\s*\\(\\s*${c.step}\\b`);
    const index = lines.findIndex((l) => at.test(l));
    const line = index === -1 ? 1 : index + 1;
    const column = index === -1 ? 0 : lines[index]!.search(at);
    return {
      severity: 'warning',
      code: 'JIT_MFA_CONFLICT',
      message: `${c.connection} has JIT provisioning off, and after a login through it this script can run step ${c.step} (${c.authenticator}), which needs a local account: that login fails with LOCAL_ACCOUNT_REQUIRED. Path: ${c.path.join(' → ')}.`,
      line,
      column,
      endLine: line,
      endColumn: column + 'executeStep'.length,
    };
  });
}
