/** A trace for people: the steps, what was provisioned, logs, effects, and how the flow ended. */
import type { Trace } from '../simulate/scenario-schema.js';

export function describeTrace(t: Trace): string {
  const lines: string[] = [];
  for (const s of t.steps) lines.push(`step ${s.step}  ${s.idp}/${s.authenticator ?? '?'}  ${s.outcome}`);
  for (const p of t.provisioned) lines.push(`provisioned ${p.userStoreDomain}/${p.username} from ${p.idp}: ${p.action}`);
  for (const l of t.logs) lines.push(`log ${l.level.padEnd(5)} ${l.message}`);
  for (const e of t.effects) lines.push(`effect ${JSON.stringify(e)}`);
  for (const [k, v] of Object.entries(t.claims)) lines.push(`claim ${k} = ${v}`);
  if (t.selectedAcr !== null) lines.push(`selected ACR ${t.selectedAcr}`);
  switch (t.outcome) {
    case 'success': {
      const s = t.subject;
      lines.push(`outcome: success${s ? ` — subject ${s.userStoreDomain ? `${s.userStoreDomain}/` : ''}${s.username}${s.federated ? ` via ${s.idp}` : ''}` : ''}`);
      break;
    }
    case 'pending':
      lines.push(`outcome: pending — waiting for ${JSON.stringify(t.pending)}`);
      break;
    default: {
      const e = t.error;
      const at = e?.line != null ? ` (line ${e.line}${e.column != null ? `:${e.column}` : ''})` : '';
      lines.push(`outcome: ${t.outcome} — ${e?.code ?? '?'}${at}: ${e?.message ?? ''}`);
      if (t.redirect !== null) lines.push(`redirect ${t.redirect.url ?? '(default error page)'} ${JSON.stringify(t.redirect.params)}`);
    }
  }
  if (t.unusedInteractions > 0) lines.push(`(${t.unusedInteractions} interaction(s) not used)`);
  return lines.join('\n') + '\n';
}
