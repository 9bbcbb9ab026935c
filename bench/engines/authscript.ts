/**
 * authscript itself: Sandbox.run on a warm tenant isolate, default limits, the flow's version
 * pinned (as the flow engine does), the host answering the role read synchronously. Every run
 * replays step 1 from the journal, calls the host once, logs once and suspends waiting for step 2;
 * the host side includes serialising the input and parsing and validating the guest's answer.
 */
import { Sandbox, type RunRequest, type RunResult } from '../../runtime/host/sandbox.js';
import { scriptVersion } from '../../runtime/host/tenant-isolate.js';
import { ROLE_BASED_STEP_UP, RUN_INPUT, userStoreHost, type RunSummary } from '../_support/fixture.js';
import type { Engine } from './engine.js';

export function summarise(r: RunResult): RunSummary {
  const o = r.outcome;
  return {
    waitingForStep: o.kind === 'waiting' && o.waiting.kind === 'step' ? o.waiting.step : null,
    logs: r.newLogs.map((l) => l.message),
    hostCalls: r.stats.hostCalls,
  };
}

export function authscriptEngine(): Engine {
  const sandbox = new Sandbox();
  const request: RunRequest = {
    tenant: 'bench-tenant',
    source: ROLE_BASED_STEP_UP,
    version: scriptVersion(ROLE_BASED_STEP_UP),
    input: RUN_INPUT,
    host: userStoreHost,
  };
  return {
    key: 'authscript',
    label: 'Sandbox.run, warm tenant isolate',
    run: () => sandbox.run(request).outcome.kind === 'waiting',
    summary: () => summarise(sandbox.run(request)),
    dispose: () => sandbox.dispose(),
  };
}
