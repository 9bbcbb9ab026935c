/**
 * A flow as a trace (shared/SCENARIOS.md): what happened, derived from the flow record alone.
 */
import type { Json } from '../../runtime/protocol.js';
import type { FlowRecord } from '../store/types.js';
import type { Trace } from './scenario-schema.js';

export interface TraceExtras {
  readonly unusedInteractions: number;
  /** Set when an interaction did not fit what the flow waited for. */
  readonly mismatch?: string;
}

/** The trace with its keys in the documented order (outcome first), for people reading it. */
export function traceOf(flow: FlowRecord, extras: TraceExtras): Trace {
  const t = unorderedTrace(flow, extras);
  return {
    outcome: t.outcome,
    steps: t.steps,
    subject: t.subject,
    claims: t.claims,
    selectedAcr: t.selectedAcr,
    error: t.error,
    redirect: t.redirect,
    provisioned: t.provisioned,
    pending: t.pending,
    unusedInteractions: t.unusedInteractions,
    logs: t.logs,
    effects: t.effects,
  };
}

function unorderedTrace(flow: FlowRecord, extras: TraceExtras): Trace {
  const claims: Record<string, string> = {};
  let selectedAcr: string | null = null;
  for (const e of flow.effects) {
    if (e.kind === 'setRuntimeClaim' && typeof e.claim === 'string') {
      if (typeof e.value === 'string') claims[e.claim] = e.value;
      else delete claims[e.claim];
    }
    if (e.kind === 'setSelectedAcr') selectedAcr = typeof e.value === 'string' ? e.value : null;
  }
  const steps = flow.journal.flatMap((e) =>
    e.kind === 'step' ? [{ step: e.step, idp: e.idp ?? 'LOCAL', authenticator: e.authenticator, outcome: e.outcome }] : [],
  );
  const base = {
    steps,
    claims,
    selectedAcr,
    provisioned: flow.provisioned,
    unusedInteractions: extras.unusedInteractions,
    logs: flow.logs,
    effects: flow.effects,
  };
  if (extras.mismatch !== undefined) {
    return { ...base, outcome: 'error', subject: null, error: { code: 'SCENARIO_MISMATCH', message: extras.mismatch, line: null, column: null }, redirect: null, pending: null };
  }
  const result = flow.result;
  switch (flow.status) {
    case 'waiting':
      return { ...base, outcome: 'pending', subject: null, error: null, redirect: null, pending: (flow.waiting ?? null) as Record<string, Json> | null };
    case 'success': {
      const s = result?.subject ?? null;
      const subject = s === null ? null : { username: s.username, userStoreDomain: s.userStoreDomain, federated: s.idp !== null && s.idp !== 'LOCAL', idp: s.idp };
      return { ...base, outcome: 'success', subject, error: null, redirect: null, pending: null };
    }
    case 'fail':
    case 'error':
      return { ...base, outcome: flow.status, subject: null, error: result?.error ?? null, redirect: result?.redirect ?? null, pending: null };
  }
}

/** A trace for a run that produced nothing else: an invalid scenario, a crashed process. */
export function errorTrace(code: string, message: string): Trace {
  return {
    outcome: 'error',
    steps: [],
    subject: null,
    claims: {},
    selectedAcr: null,
    error: { code, message, line: null, column: null },
    redirect: null,
    provisioned: [],
    pending: null,
    unusedInteractions: 0,
    logs: [],
    effects: [],
  };
}
