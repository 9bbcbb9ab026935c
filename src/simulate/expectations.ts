/**
 * Checks a trace against a scenario's `expect` (shared/SCENARIOS.md): `outcome`, `error.code` and
 * `selectedAcr` exactly; `steps` as the exact list of {step, idp} (other fields checked when
 * given); `subject` and `redirect` field by field; `provisioned` as the exact list of usernames
 * with any given fields; `logs` as messages that must appear, as substrings, in order. The other
 * trace fields: `claims` claim by claim, `pending` field by field, `unusedInteractions` exactly,
 * `effects` as effects that must appear in order (each field by field).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Expect, Trace } from './scenario-schema.js';

export interface Mismatch {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Every given field of `expected` equals the one of `actual` (recursively for objects). */
function partial(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => partial(v, (actual as Record<string, unknown>)[k]));
  }
  return isDeepStrictEqual(expected, actual);
}

export function checkExpectations(expect: Expect, trace: Trace): Mismatch[] {
  const out: Mismatch[] = [];
  const differ = (path: string, expected: unknown, actual: unknown) => out.push({ path, expected, actual });

  if (expect.outcome !== undefined && expect.outcome !== trace.outcome) differ('outcome', expect.outcome, trace.outcome);
  if (expect.error !== undefined) {
    if (expect.error === null) {
      if (trace.error !== null) differ('error', null, trace.error);
    } else if (trace.error === null) {
      differ('error', expect.error, null);
    } else {
      if (expect.error.code !== trace.error.code) differ('error.code', expect.error.code, trace.error.code);
      for (const [k, v] of Object.entries(expect.error)) {
        if (k === 'code') continue;
        const actual = (trace.error as Record<string, unknown>)[k];
        const ok = k === 'message' && typeof v === 'string' && typeof actual === 'string' ? actual.includes(v) : isDeepStrictEqual(v, actual);
        if (!ok) differ(`error.${k}`, v, actual);
      }
    }
  }
  if (expect.selectedAcr !== undefined && expect.selectedAcr !== trace.selectedAcr) differ('selectedAcr', expect.selectedAcr, trace.selectedAcr);
  if (expect.steps !== undefined) {
    const actual = trace.steps.map((s) => ({ step: s.step, idp: s.idp }));
    const wanted = expect.steps.map((s) => ({ step: s.step, idp: s.idp }));
    if (!isDeepStrictEqual(actual, wanted)) differ('steps', wanted, actual);
    else expect.steps.forEach((s, i) => {
      if (!partial(s, trace.steps[i])) differ(`steps.${i}`, s, trace.steps[i]);
    });
  }
  if (expect.subject !== undefined) {
    if (expect.subject === null ? trace.subject !== null : !partial(expect.subject, trace.subject)) differ('subject', expect.subject, trace.subject);
  }
  if (expect.redirect !== undefined) {
    if (expect.redirect === null ? trace.redirect !== null : !partial(expect.redirect, trace.redirect)) differ('redirect', expect.redirect, trace.redirect);
  }
  if (expect.provisioned !== undefined) {
    const names = trace.provisioned.map((p) => p.username);
    const wanted = expect.provisioned.map((p) => p.username);
    if (!isDeepStrictEqual(names, wanted)) differ('provisioned', wanted, names);
    else expect.provisioned.forEach((p, i) => {
      if (!partial(p, trace.provisioned[i])) differ(`provisioned.${i}`, p, trace.provisioned[i]);
    });
  }
  if (expect.logs !== undefined) {
    let from = 0;
    for (const wanted of expect.logs) {
      const at = trace.logs.findIndex((l, i) => i >= from && l.message.includes(wanted));
      if (at < 0) {
        differ('logs', wanted, trace.logs.slice(from).map((l) => l.message));
        break;
      }
      from = at + 1;
    }
  }
  if (expect.claims !== undefined) {
    for (const [k, v] of Object.entries(expect.claims)) if (trace.claims[k] !== v) differ(`claims.${k}`, v, trace.claims[k] ?? null);
  }
  if (expect.pending !== undefined) {
    if (expect.pending === null ? trace.pending !== null : !partial(expect.pending, trace.pending)) differ('pending', expect.pending, trace.pending);
  }
  if (expect.unusedInteractions !== undefined && expect.unusedInteractions !== trace.unusedInteractions) {
    differ('unusedInteractions', expect.unusedInteractions, trace.unusedInteractions);
  }
  if (expect.effects !== undefined) {
    let from = 0;
    for (const wanted of expect.effects) {
      const at = trace.effects.findIndex((e, i) => i >= from && partial(wanted, e));
      if (at < 0) {
        differ('effects', wanted, trace.effects.slice(from));
        break;
      }
      from = at + 1;
    }
  }
  return out;
}
