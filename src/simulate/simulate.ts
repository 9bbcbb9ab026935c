/**
 * Runs a scenario (shared/SCENARIOS.md) through the real flow engine, with an in-memory store
 * seeded from the scenario and the simulator's authenticators, and returns its trace. The same
 * engine runs real flows, so a scenario that passes predicts a real login.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Json } from '../../runtime/protocol.js';
import { Sandbox } from '../../runtime/host/sandbox.js';
import { hashPassword } from '../authenticators/passwords.js';
import { SimulatedAuthenticator } from '../authenticators/simulated.js';
import { describeWaiting, FlowEngine, type FlowInteraction, type ScriptRunner } from '../flow/engine.js';
import { FlowError } from '../flow/flow-error.js';
import { userStoreAsyncCalls } from '../flow/user-async-calls.js';
import { PRIMARY_STORE, type UserStore } from '../provisioning/user-stores.js';
import { MemoryStore } from '../store/memory-store.js';
import type { FlowRecord, FlowWaiting } from '../store/types.js';
import type { z } from 'zod';
import {
  HttpInteractionSchema,
  PromptInteractionSchema,
  ProvisioningInteractionSchema,
  ScenarioSchema,
  StepInteractionSchema,
  type Interaction,
  type Scenario,
  type Trace,
} from './scenario-schema.js';
import { traceOf } from './trace.js';

const SIMULATOR_PASSWORD_COST = 1024;

export class ScenarioInvalidError extends Error {
  override readonly name = 'ScenarioInvalidError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid scenario:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export interface SimulateOptions {
  /** Folder that a scenario's `script` path is relative to. */
  readonly baseDir?: string;
  /** The script runner; a fresh Sandbox by default. */
  readonly runner?: ScriptRunner;
  /** Rebuild the engine and the runner before every interaction, as after a restart. */
  readonly restartBetweenInteractions?: boolean;
  readonly tenant?: string;
}

/** Validates a parsed scenario document; every problem is reported with its JSON path. */
export function parseScenario(raw: unknown): Scenario {
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioInvalidError(parsed.error.issues.flatMap((i) => explainIssue(raw, i)));
  }
  return parsed.data;
}

const INTERACTION_KINDS = [
  ['step', StepInteractionSchema],
  ['prompt', PromptInteractionSchema],
  ['http', HttpInteractionSchema],
  ['provisioning', ProvisioningInteractionSchema],
] as const;

/**
 * "Invalid input" for an interaction says nothing: check it again against the one kind its keys
 * select (a `step` key means a step interaction, ...) and report that kind's problems.
 */
function explainIssue(raw: unknown, issue: z.core.$ZodIssue): string[] {
  const where = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : '(root)');
  const path = issue.path;
  if (issue.code === 'invalid_union' && path.length === 2 && path[0] === 'interactions' && typeof path[1] === 'number') {
    const value = (raw as { interactions?: unknown[] }).interactions?.[path[1]];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where(path)}: an interaction must be an object`];
    const kind = INTERACTION_KINDS.find(([key]) => key in value);
    if (kind === undefined) return [`${where(path)}: an interaction needs one of "step", "prompt", "http" or "provisioning"`];
    const again = kind[1].safeParse(value);
    if (!again.success) return again.error.issues.map((i) => `${where([...path, ...i.path])}: ${i.message}`);
  }
  return [`${where(path)}: ${issue.message}`];
}

export async function loadScenarioFile(path: string): Promise<{ scenario: Scenario; source: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ScenarioInvalidError([`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioInvalidError([`${path}: not valid JSON: ${(e as Error).message}`]);
  }
  const scenario = parseScenario(raw);
  return { scenario, source: await scriptSource(scenario, dirname(resolve(path))) };
}

export async function scriptSource(scenario: Scenario, baseDir: string): Promise<string> {
  if (scenario.source !== undefined) return scenario.source;
  const path = resolve(baseDir, scenario.script!);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new ScenarioInvalidError([`script: cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`]);
  }
}

/** Simulates a scenario document (already parsed JSON, or a Scenario). */
export async function simulate(raw: unknown, options: SimulateOptions = {}): Promise<Trace> {
  const scenario = parseScenario(raw);
  const source = await scriptSource(scenario, options.baseDir ?? process.cwd());
  return simulateScenario(scenario, source, options);
}

export async function simulateScenario(scenario: Scenario, source: string, options: SimulateOptions = {}): Promise<Trace> {
  const tenant = options.tenant ?? 'simulator';
  const store = await seededStore(scenario, tenant);
  let clock = scenario.now !== undefined ? Date.parse(scenario.now) : Date.now();
  const ownRunner = options.runner === undefined;
  let runner: ScriptRunner = options.runner ?? new Sandbox();
  const userStores = declaredUserStores(scenario);
  const libraries = scenario.libraries;
  // A fresh server key per run: cookies a scenario's script signs or encrypts verify within the run only.
  const cookieKey = randomBytes(32);
  const engineFor = () =>
    new FlowEngine({
      runner,
      store,
      authenticator: new SimulatedAuthenticator(),
      clock: () => clock,
      cookieKey,
      // Calls on the user store are performed; HTTP calls wait for the scenario's answer.
      asyncCalls: userStoreAsyncCalls(store),
      ...(userStores ? { userStores: () => userStores } : {}),
      ...(libraries ? { libraries: () => libraries } : {}),
    });
  let engine = engineFor();
  try {
    let flow = await engine.start({ tenant, application: scenario.application, connections: scenario.connections, source, request: requestOf(scenario) });
    const interactions = scenario.interactions;
    for (let i = 0; i < interactions.length; i++) {
      if (flow.status !== 'waiting' || flow.waiting === null) return traceOf(await afterQueue(engine, flow, store), { unusedInteractions: interactions.length - i });
      const interaction = interactions[i]!;
      clock += Math.round((interaction.after ?? 0) * 1000);
      const converted = toFlowInteraction(flow.waiting, interaction, i);
      if (typeof converted === 'string') return traceOf(flow, { mismatch: converted, unusedInteractions: interactions.length - i - 1 });
      if (options.restartBetweenInteractions) {
        if (ownRunner && runner instanceof Sandbox) runner.dispose();
        runner = options.runner ?? new Sandbox();
        engine = engineFor();
      }
      try {
        flow = await engine.advance(flow.id, converted);
      } catch (e) {
        if (e instanceof FlowError) return traceOf(flow, { mismatch: `interaction ${i + 1}: ${e.message}`, unusedInteractions: interactions.length - i - 1 });
        throw e;
      }
    }
    return traceOf(await afterQueue(engine, flow, store), { unusedInteractions: 0 });
  } finally {
    if (ownRunner && runner instanceof Sandbox) runner.dispose();
  }
}

/**
 * The user stores a scenario declares (with their policies), plus PRIMARY and every store its
 * users or connections name, with default policies; undefined when it declares none, so that any
 * store is accepted, as SCENARIOS.md's format has no list of stores.
 */
function declaredUserStores(scenario: Scenario): UserStore[] | undefined {
  if (scenario.userStores.length === 0) return undefined;
  const stores = new Map(scenario.userStores.map((s) => [s.name.toUpperCase(), s]));
  const named = ['PRIMARY', ...scenario.users.map((u) => u.userStoreDomain), ...scenario.connections.map((c) => c.jit.userStore).filter((n) => n !== 'AS_IN_USERNAME')];
  for (const name of named) if (!stores.has(name.toUpperCase())) stores.set(name.toUpperCase(), { ...PRIMARY_STORE, name: name.toUpperCase() });
  return [...stores.values()];
}

/** Non-blocking JIT provisions after the login: process the queue, then read the flow again. */
async function afterQueue(engine: FlowEngine, flow: FlowRecord, store: MemoryStore): Promise<FlowRecord> {
  return (await engine.processProvisioningQueue()) > 0 ? ((await store.getFlow(flow.id)) ?? flow) : flow;
}

async function seededStore(scenario: Scenario, tenant: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const u of scenario.users) {
    const user = await store.createUser(tenant, {
      username: u.username,
      userStoreDomain: u.userStoreDomain.toUpperCase(),
      passwordHash: u.password === undefined ? null : hashPassword(u.password, SIMULATOR_PASSWORD_COST),
      roles: u.roles,
      groups: u.groups,
      claims: u.claims,
      totpSecret: u.totp ? 'simulated-device' : null,
      locked: u.locked,
      disabled: u.disabled,
      provisionedBy: null,
    });
    for (const a of u.associations) await store.associate({ tenant, idp: a.idp, subject: a.subject, userId: user.id, locked: a.locked });
  }
  return store;
}

function requestOf(scenario: Scenario) {
  const r = scenario.request;
  return {
    ip: r.ip ?? null,
    headers: r.headers,
    cookies: Object.fromEntries(Object.entries(r.cookies).map(([k, v]) => [k, { value: v }])),
    params: r.params,
    acrValues: r.acrValues,
  };
}

/** The scenario's interaction as the flow API's, or why it does not fit what the flow waits for. */
function toFlowInteraction(waiting: FlowWaiting, interaction: Interaction, index: number): FlowInteraction | string {
  const n = index + 1;
  const awaited = `the flow waits for ${describeWaiting(waiting)}`;
  if ('step' in interaction) {
    if (waiting.kind !== 'step') return `interaction ${n} is a step, but ${awaited}`;
    if (interaction.step !== waiting.step) return `interaction ${n} is for step ${interaction.step}, but ${awaited}`;
    const forIdp = waiting.options.filter((o) => o.idp === interaction.idp);
    if (forIdp.length === 0) return `interaction ${n} chooses ${interaction.idp}, but ${awaited}`;
    let authenticator = interaction.authenticator;
    if (authenticator === undefined) {
      if (forIdp.length > 1) return `interaction ${n} must name the authenticator: step ${waiting.step} offers ${forIdp.map((o) => o.authenticator).join(', ')} for ${interaction.idp}`;
      authenticator = forIdp[0]!.authenticator;
    } else if (!forIdp.some((o) => o.authenticator === authenticator)) {
      return `interaction ${n} chooses ${interaction.idp}/${authenticator}, but ${awaited}`;
    }
    if (interaction.idp !== 'LOCAL' && interaction.outcome === 'success' && interaction.subject === undefined) {
      return `interaction ${n}: a federated success needs "subject" (the IdP's user id)`;
    }
    return {
      kind: 'step',
      step: interaction.step,
      idp: interaction.idp,
      authenticator,
      outcome: interaction.outcome,
      username: interaction.username,
      password: interaction.password,
      subject: interaction.subject,
      claims: interaction.claims,
    };
  }
  if ('prompt' in interaction) {
    if (waiting.kind !== 'prompt') return `interaction ${n} answers a prompt, but ${awaited}`;
    if (interaction.prompt !== waiting.templateId) return `interaction ${n} answers prompt "${interaction.prompt}", but ${awaited}`;
    return { kind: 'prompt', action: interaction.action, data: interaction.data };
  }
  if ('http' in interaction) {
    if (waiting.kind !== 'async') return `interaction ${n} answers an HTTP call, but ${awaited}`;
    const url = typeof waiting.args === 'object' && waiting.args !== null && !Array.isArray(waiting.args) ? waiting.args.url : undefined;
    if (url !== interaction.http) return `interaction ${n} answers ${interaction.http}, but ${awaited}`;
    return httpResult(interaction);
  }
  if (waiting.kind !== 'provisioning') return `interaction ${n} answers a JIT prompt, but ${awaited}`;
  return { kind: 'provisioning', answers: interaction.provisioning };
}

/** An HTTP answer as the script's callbacks see it (REFERENCE §3.4). */
function httpResult(h: Extract<Interaction, { http: string }>): FlowInteraction {
  if (h.timeout === true) return { kind: 'async', outcome: 'onTimeout', data: {} };
  const status = h.status!;
  if (status < 200 || status >= 300) return { kind: 'async', outcome: 'onFail', data: {} };
  const body: Json | undefined = h.body;
  const contentType = Object.entries(h.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (typeof body === 'string' && contentType.includes('text/plain')) return { kind: 'async', outcome: 'onSuccess', data: { response: body } };
  if (body === undefined || body === null || body === '') return { kind: 'async', outcome: 'onSuccess', data: {} };
  if (typeof body !== 'object' || Array.isArray(body)) return { kind: 'async', outcome: 'onFail', data: {} };
  return { kind: 'async', outcome: 'onSuccess', data: body };
}

export type { FlowRecord };
