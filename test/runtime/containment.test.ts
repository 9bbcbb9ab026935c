import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../../runtime/host/sandbox-pool.js';
import type { CrashReport } from '../../runtime/host/supervisor.js';
import { APP, started } from '../_support/sandbox.js';

// A real host-killer for isolated-vm 5: a dictionary-mode object grows until one backing-store
// allocation makes V8 abort the whole process (exit 134) before the isolate's memory limit fires.
const HOST_KILLER = "var o = {}; for (var i = 0; i < 1e8; i++) o['k' + i] = i; var onLoginRequest = function (c) { executeStep(1); };";
const NORMAL = 'var onLoginRequest = function (c) { executeStep(1); };';
const input = { application: APP, journal: [started()] };

describe('process-level containment (the sandbox pool)', () => {
  const pool = new SandboxPool({ workers: 2, limits: { heapMb: 64, wallMsPerRun: 10_000, cpuMsPerRun: 10_000, scriptMsPerFlow: 30_000 }, quarantineAfter: 2 });
  const crashes: CrashReport[] = [];
  pool.supervisor.on('crash', (r) => crashes.push(r));

  beforeAll(() => pool.start(), 30_000);
  afterAll(() => pool.stop());

  it('runs a normal script in a worker process', async () => {
    const r = await pool.run({ tenant: 'acme', source: NORMAL, input });
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 1 } });
  });

  it('turns a script that kills its worker process into a MEMORY_LIMIT result', async () => {
    const r = await pool.run({ tenant: 'evil', source: HOST_KILLER, input });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'MEMORY_LIMIT' } });
  }, 60_000);

  it('attributes the crash to the tenant and script version that were running', () => {
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatchObject({ running: { tenant: 'evil' }, quarantined: false, signal: 'SIGABRT' });
    expect(crashes[0]!.running!.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('restarts the worker, which then serves the next run', async () => {
    const r = await pool.run({ tenant: 'evil', source: NORMAL, input });
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { step: 1 } });
  });

  it('quarantines a script version that crashes workers again', async () => {
    const r = await pool.run({ tenant: 'evil', source: HOST_KILLER, input });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'MEMORY_LIMIT' } });
    expect(crashes[1]).toMatchObject({ running: { tenant: 'evil' }, quarantined: true });
    expect(pool.supervisor.quarantined()).toEqual([crashes[1]!.running]);
  }, 60_000);

  it('refuses a quarantined script without running it, also in the restarted worker', async () => {
    const r = await pool.run({ tenant: 'evil', source: HOST_KILLER, input });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_QUARANTINED' } });
    expect(crashes).toHaveLength(2);
  });

  it('keeps serving other tenants while one tenant crashes workers', async () => {
    const r = await pool.run({ tenant: 'acme', source: NORMAL, input });
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { step: 1 } });
  });
});
