/**
 * Scenarios as the simulator's forms hold them, and the scenario documents (shared/SCENARIOS.md)
 * built from them: the application, connections and users come from the tenant as it is now, the
 * script from the editor, so a run always tests what the admin sees.
 */
import type { Application, Connection, Outcome, Trace, User } from '../api/types.js';

export interface StepAction {
  readonly kind: 'step';
  readonly step: number;
  readonly idp: string;
  readonly authenticator: string;
  /** A local first factor: who signs in (a qualified `STORE/name` is fine). */
  readonly username: string;
  /** A federated step: the IdP's subject and the claims it asserts. */
  readonly subject: string;
  readonly claims: string;
  readonly outcome: Outcome;
}

export interface ProvisioningAction {
  readonly kind: 'provisioning';
  readonly consent: boolean;
  readonly username: string;
  readonly password: string;
}

export type Action = StepAction | ProvisioningAction;

export interface ScenarioForm {
  readonly name: string;
  readonly ip: string;
  /** `name: value` per line. */
  readonly headers: string;
  /** `name=value` per line. */
  readonly cookies: string;
  /** Comma-separated. */
  readonly acrValues: string;
  readonly actions: readonly Action[];
}

/** What a saved scenario must produce: the subset of the trace that `authscript test` checks. */
export interface Expectation {
  outcome: Trace['outcome'];
  steps: { step: number; idp: string }[];
  error?: { code: string };
  subject?: { username: string; idp: string | null };
  provisioned?: { username: string }[];
}

export interface SavedScenario {
  readonly id: string;
  readonly form: ScenarioForm;
  readonly expect: Expectation | null;
}

export interface TenantSnapshot {
  readonly application: Application;
  readonly connections: readonly Connection[];
  readonly users: readonly User[];
}

export function emptyForm(app: Application): ScenarioForm {
  const first = app.steps[0]?.options[0];
  return {
    name: '',
    ip: '203.0.113.7',
    headers: '',
    cookies: '',
    acrValues: '',
    actions: first === undefined ? [] : [stepAction(1, first.idp, first.authenticator)],
  };
}

export function stepAction(step: number, idp: string, authenticator: string, username = ''): StepAction {
  return { kind: 'step', step, idp, authenticator, username, subject: idp === 'LOCAL' ? '' : `${idp.toLowerCase()}-user-1`, claims: '', outcome: 'success' };
}

function lines(text: string, separator: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = separator.exec(line);
    if (m !== null && m[1]!.trim() !== '') out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

export const parseHeaders = (text: string) => lines(text, /^([^:]+):(.*)$/);
export const parseCookies = (text: string) => lines(text, /^([^=]+)=(.*)$/);

/** Claims as typed: a JSON object, or `name=value` per line (values that are JSON stay typed). */
export function parseClaims(text: string): { claims: Record<string, unknown> } | { error: string } {
  const t = text.trim();
  if (t === '') return { claims: {} };
  if (t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return { claims: v as Record<string, unknown> };
      return { error: 'claims must be a JSON object' };
    } catch (e) {
      return { error: `claims are not valid JSON: ${(e as Error).message}` };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(lines(t, /^([^=]+)=(.*)$/))) {
    try {
      out[k] = /^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return { claims: out };
}

/** The scenario connection: the JIT settings and mappings, without the server's own fields. */
function scenarioConnection(c: Connection): Record<string, unknown> {
  return {
    name: c.name,
    jit: c.jit,
    claimMappings: c.claimMappings,
    roleMappings: c.roleMappings,
    ...(c.userIdClaim ? { userIdClaim: c.userIdClaim } : {}),
    ...(c.groupsClaim ? { groupsClaim: c.groupsClaim } : {}),
  };
}

function scenarioUser(u: User): Record<string, unknown> {
  return { username: u.username, userStoreDomain: u.userStoreDomain, roles: u.roles, groups: u.groups, claims: u.claims, totp: u.totpEnrolled, locked: u.locked, disabled: u.disabled };
}

export class ScenarioFormError extends Error {
  override readonly name = 'ScenarioFormError';
}

function interaction(a: Action): Record<string, unknown> {
  if (a.kind === 'provisioning') {
    return { provisioning: { consent: a.consent, ...(a.username ? { username: a.username } : {}), ...(a.password ? { password: a.password } : {}) } };
  }
  const base: Record<string, unknown> = { step: a.step, idp: a.idp, authenticator: a.authenticator, outcome: a.outcome };
  if (a.idp === 'LOCAL') {
    if (a.username.trim() !== '') base.username = a.username.trim();
    return base;
  }
  const claims = parseClaims(a.claims);
  if ('error' in claims) throw new ScenarioFormError(`step ${a.step}: ${claims.error}`);
  if (a.outcome === 'success') {
    if (a.subject.trim() === '') throw new ScenarioFormError(`step ${a.step}: a federated sign-in needs the subject the IdP asserts`);
    base.subject = a.subject.trim();
    base.claims = claims.claims;
  }
  return base;
}

/** The scenario document for `POST /simulate` (inline source) or a file (`script` path). */
export function buildScenario(form: ScenarioForm, tenant: TenantSnapshot, script: { source: string } | { script: string }, expect?: Expectation | null): Record<string, unknown> {
  const app = tenant.application;
  const acr = form.acrValues.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    ...script,
    application: { name: app.name, steps: app.steps, ...(app.subjectStep !== null ? { subjectStep: app.subjectStep } : {}) },
    connections: tenant.connections.map(scenarioConnection),
    users: tenant.users.map(scenarioUser),
    request: { ...(form.ip.trim() ? { ip: form.ip.trim() } : {}), headers: parseHeaders(form.headers), cookies: parseCookies(form.cookies), acrValues: acr },
    interactions: form.actions.map(interaction),
    ...(expect ? { expect } : {}),
  };
}

export function expectationOf(trace: Trace): Expectation {
  return {
    outcome: trace.outcome,
    steps: trace.steps.map((s) => ({ step: s.step, idp: s.idp })),
    ...(trace.error !== null ? { error: { code: trace.error.code } } : {}),
    ...(trace.subject !== null ? { subject: { username: trace.subject.username, idp: trace.subject.idp } } : {}),
    provisioned: trace.provisioned.map((p) => ({ username: p.username })),
  };
}

/** Why a trace does not meet an expectation (empty when it does), with SCENARIOS.md's rules. */
export function mismatches(expect: Expectation, trace: Trace): string[] {
  const out: string[] = [];
  if (trace.outcome !== expect.outcome) out.push(`outcome: expected ${expect.outcome}, got ${trace.outcome}`);
  const got = trace.steps.map((s) => `${s.step}:${s.idp}`).join(' → ');
  const want = expect.steps.map((s) => `${s.step}:${s.idp}`).join(' → ');
  if (got !== want) out.push(`steps: expected ${want || 'none'}, got ${got || 'none'}`);
  if (expect.error !== undefined && trace.error?.code !== expect.error.code) out.push(`error: expected ${expect.error.code}, got ${trace.error?.code ?? 'none'}`);
  if (expect.subject !== undefined) {
    if (trace.subject === null) out.push(`subject: expected ${expect.subject.username}, got none`);
    else if (trace.subject.username !== expect.subject.username || trace.subject.idp !== expect.subject.idp) out.push(`subject: expected ${expect.subject.username} (${expect.subject.idp}), got ${trace.subject.username} (${trace.subject.idp})`);
  }
  if (expect.provisioned !== undefined) {
    const a = expect.provisioned.map((p) => p.username).join(', ');
    const b = trace.provisioned.map((p) => p.username).join(', ');
    if (a !== b) out.push(`provisioned: expected [${a}], got [${b}]`);
  }
  return out;
}

export function fileName(name: string, index: number): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug || `scenario-${index + 1}`}.scenario.json`;
}
