/**
 * The WSO2 compatibility suite. Every `*.scenario.json` under ./scenarios pins one rule of
 * shared/REFERENCE.md (§1.3–1.9, §5.4), the JIT story of shared/DESIGN.md, or the scenario format
 * of shared/SCENARIOS.md. For each scenario:
 *
 * 1. simulated in process, its trace meets the scenario's `expect`;
 * 2. simulated again with the engine and the sandbox rebuilt before every interaction (as after a
 *    restart: the flow lives only in the store), the trace is identical;
 * 3. the trace matches the public TraceSchema.
 *
 * Then: a flow whose stored script was swapped for one that takes another path ends in
 * NONDETERMINISM instead of doing something unexpected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../runtime/host/sandbox.js';
import { SimulatedAuthenticator } from '../../src/authenticators/simulated.js';
import { FlowEngine, type FlowInteraction } from '../../src/flow/engine.js';
import { checkExpectations, type Mismatch } from '../../src/simulate/expectations.js';
import { TraceSchema, type Trace } from '../../src/simulate/scenario-schema.js';
import { parseScenario, simulate } from '../../src/simulate/simulate.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCENARIOS = join(HERE, 'scenarios');

function findScenarios(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...findScenarios(path));
    else if (e.name.endsWith('.scenario.json')) out.push(path);
  }
  return out;
}

const files = findScenarios(SCENARIOS);

interface Loaded {
  readonly raw: unknown;
  readonly baseDir: string;
}

function load(file: string): Loaded {
  return { raw: JSON.parse(readFileSync(file, 'utf8')) as unknown, baseDir: dirname(file) };
}

/** One in-process simulation per scenario, shared by the checks that read it. */
const traces = new Map<string, Promise<Trace>>();
function traceOf(file: string): Promise<Trace> {
  let t = traces.get(file);
  if (t === undefined) {
    const { raw, baseDir } = load(file);
    t = simulate(raw, { baseDir });
    traces.set(file, t);
  }
  return t;
}

function describeMismatches(mismatches: readonly Mismatch[], trace: Trace): string {
  const lines = mismatches.map((m) => `  ${m.path}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
  if (trace.error !== null) lines.push(`  (the flow ended with ${trace.error.code}: ${trace.error.message})`);
  if (trace.pending !== null) lines.push(`  (the flow waits for ${JSON.stringify(trace.pending)})`);
  return `the trace does not meet the scenario's expect:\n${lines.join('\n')}`;
}

describe('WSO2 compatibility scenarios', () => {
  it('finds the scenarios', () => {
    expect(files.length).toBeGreaterThanOrEqual(90);
  });

  describe.each(files.map((f) => [relative(SCENARIOS, f), f] as const))('%s', (_name, file) => {
    it('is valid, has a name and an expect', () => {
      const scenario = parseScenario(load(file).raw);
      expect(scenario.name, 'a compat scenario says which rule it pins').toBeTruthy();
      expect(scenario.expect, 'a compat scenario pins its behaviour with an expect').toBeDefined();
    });

    it('meets its expect', async () => {
      const scenario = parseScenario(load(file).raw);
      const trace = await traceOf(file);
      const mismatches = checkExpectations(scenario.expect ?? {}, trace);
      expect(mismatches, describeMismatches(mismatches, trace)).toEqual([]);
    });

    it('gives the same trace when the engine restarts between interactions', async () => {
      const { raw, baseDir } = load(file);
      const restarted = await simulate(raw, { baseDir, restartBetweenInteractions: true });
      expect(restarted).toEqual(await traceOf(file));
    });

    it('produces a trace that matches TraceSchema', async () => {
      const parsed = TraceSchema.safeParse(await traceOf(file));
      const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      expect(issues).toEqual([]);
    });
  });
});

/** Log levels: the expect format checks messages only, so these are pinned here. */
describe('log levels of the compat scenarios', () => {
  const cases: readonly [string, readonly { level: string; message: string }[]][] = [
    [
      'log-levels.scenario.json',
      [
        { level: 'info', message: 'an info line' },
        { level: 'debug', message: 'a debug line' },
        { level: 'error', message: 'an error line' },
        { level: 'info', message: 'a log line' },
        { level: 'warn', message: 'a warn line' },
      ],
    ],
    ['execute-step-unknown-step-ignored.scenario.json', [{ level: 'error', message: 'Given Authentication Step :9 is not in Environment' }]],
    ['execute-step-options-only-trap.scenario.json', [{ level: 'error', message: 'Event handler : authenticationOptions is not a function' }]],
    [
      'execute-step-last-argument-is-callbacks.scenario.json',
      [{ level: 'error', message: 'Invalid argument and hence ignored. Last argument should be a Map of event listeners.' }],
    ],
    ['options-empty-filter-ignored.scenario.json', [{ level: 'warn', message: 'The filtered authenticator list is empty, hence proceeding without filtering' }]],
  ];
  it.each(cases)('%s', async (name, lines) => {
    const trace = await traceOf(join(SCENARIOS, name));
    expect(trace.logs).toEqual(lines);
  });
});

describe('a tampered flow', () => {
  const TENANT = 'compat';
  const T0 = Date.parse('2026-11-23T10:00:00Z');
  const APPLICATION = {
    name: 'Thrift',
    steps: [
      { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] },
      { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
      { options: [{ idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] },
    ],
  };
  const ORIGINAL = `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { executeStep(2); } });
};`;
  /** Takes another path after step 1: email OTP instead of TOTP. */
  const TAMPERED = `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { executeStep(3); } });
};`;
  const sandboxes: Sandbox[] = [];
  afterAll(() => sandboxes.forEach((s) => s.dispose()));

  function engineOn(store: MemoryStore): FlowEngine {
    const runner = new Sandbox();
    sandboxes.push(runner);
    return new FlowEngine({ runner, store, authenticator: new SimulatedAuthenticator(), clock: () => T0 });
  }

  async function seeded(): Promise<MemoryStore> {
    const store = new MemoryStore();
    await store.createUser(TENANT, {
      username: 'alice',
      userStoreDomain: 'PRIMARY',
      passwordHash: null,
      roles: [],
      groups: [],
      claims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' },
      totpSecret: 'device',
      locked: false,
      disabled: false,
      provisionedBy: null,
    });
    return store;
  }

  const step = (n: number, authenticator: string, username?: string): FlowInteraction => ({
    kind: 'step',
    step: n,
    idp: 'LOCAL',
    authenticator,
    outcome: 'success',
    username,
  });

  it('is caught: a stored script that takes another path than the journal ends in NONDETERMINISM', async () => {
    const store = await seeded();
    const engine = engineOn(store);
    let flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: ORIGINAL });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', 'alice'));
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    flow = await engine.advance(flow.id, step(2, 'totp'));
    expect(flow.status).toBe('success');

    // A flow with the same journal, whose stored script is swapped before its last step.
    flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: ORIGINAL });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', 'alice'));
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    const pinned = flow.scriptVersion;
    expect(pinned).not.toBe('');

    const stored = (await store.getFlow(flow.id))!;
    stored.scriptSource = TAMPERED;
    stored.revision++;
    await store.saveFlow(stored);

    // Another process resumes the flow (the pinned version is not in its compile cache).
    const resumed = await engineOn(store).advance(flow.id, step(2, 'totp'));
    expect(resumed.status).toBe('error');
    expect(resumed.result?.error?.code).toBe('NONDETERMINISM');
    expect(resumed.result?.error?.message).toContain(`pinned to script version ${pinned}`);
  });

  it('is caught by replay when both the stored script and its pinned version were swapped', async () => {
    const store = await seeded();
    const engine = engineOn(store);
    let flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: ORIGINAL });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', 'alice'));
    const stored = (await store.getFlow(flow.id))!;
    stored.scriptSource = TAMPERED;
    stored.scriptVersion = '';
    stored.revision++;
    await store.saveFlow(stored);
    const resumed = await engineOn(store).advance(flow.id, step(2, 'totp'));
    expect(resumed.result?.error?.code).toBe('NONDETERMINISM');
    expect(resumed.result?.error?.message).toContain('step 3');
  });

  it('is caught when the swapped script produces different effects for the steps already run', async () => {
    const store = await seeded();
    const engine = engineOn(store);
    const withClaim = (value: string) => `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { context.steps[1].subject.claims['http://wso2.org/claims/risk'] = '${value}'; executeStep(2); } });
};`;
    let flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: withClaim('low') });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', 'alice'));
    expect(flow.effects).toContainEqual({ kind: 'setRuntimeClaim', claim: 'http://wso2.org/claims/risk', value: 'low' });

    const stored = (await store.getFlow(flow.id))!;
    stored.scriptSource = withClaim('high');
    stored.revision++;
    await store.saveFlow(stored);

    const resumed = await engineOn(store).advance(flow.id, step(2, 'totp'));
    expect(resumed.status).toBe('error');
    expect(resumed.result?.error?.code).toBe('NONDETERMINISM');
  });
});
