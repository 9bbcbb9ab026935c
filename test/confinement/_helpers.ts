/**
 * Shared pieces of the hostile-script corpus: the outcome a well-behaved script gives, builders for
 * scripts, and the check every file ends with (the process still answers, in the shared sandbox
 * and in a fresh one).
 */
import { expect } from 'vitest';
import type { LimitsInput, Outcome } from '../../runtime/protocol.js';
import { Sandbox, type RunResult } from '../../runtime/host/sandbox.js';
import { runScript, sharedSandbox, started, stepOutcome, type RunOptions } from '../_support/sandbox.js';

/** A script that behaves: two steps, nothing else. */
export const NORMAL = 'var onLoginRequest = function (context) { executeStep(1); executeStep(2); };';

/** What NORMAL (or any script that queues step 1 first) waits for on a fresh flow. */
export const WAITING_STEP_1: Outcome = {
  kind: 'waiting',
  waiting: {
    kind: 'step',
    step: 1,
    options: [
      { idp: 'LOCAL', authenticator: 'BasicAuthenticator' },
      { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' },
      { idp: 'GitHub', authenticator: 'GithubAuthenticator' },
    ],
    authenticatorParams: {},
    stepOptions: { forceAuth: false, skipPrompt: false },
  },
};

export const WAITING_STEP_2: Outcome = {
  kind: 'waiting',
  waiting: {
    kind: 'step',
    step: 2,
    options: [{ idp: 'LOCAL', authenticator: 'totp' }],
    authenticatorParams: {},
    stepOptions: { forceAuth: false, skipPrompt: false },
  },
};

/** A flow whose first step succeeded (alice): callbacks of step 1 run. */
export const AFTER_STEP_1 = () => [started(), stepOutcome(1)];

/** onLoginRequest with this body. */
export function onLogin(body: string): string {
  return `var onLoginRequest = function (context) {\n${body}\n};`;
}

/** onLoginRequest that runs `body` in the onSuccess callback of step 1 (run it with AFTER_STEP_1). */
export function inStep1Success(body: string): string {
  return `var onLoginRequest = function (context) {\n  executeStep(1, { onSuccess: function (context) {\n${body}\n  } });\n};`;
}

/** The error outcome of a broken sandbox limit: the code, and a message naming the limit. */
export function limitBreach(code: 'TIMEOUT' | 'MEMORY_LIMIT' | 'LIMIT_EXCEEDED', limit: string) {
  return {
    kind: 'error',
    error: { code, message: expect.stringContaining(limit), line: null, column: null },
  };
}

/** The error outcome of a script error (an exception the script did not catch). */
export function scriptError(message: string | ReturnType<typeof expect.stringContaining>) {
  return { kind: 'error', error: { code: 'SCRIPT_RUNTIME', message } };
}

export function messages(r: RunResult): string[] {
  return r.newLogs.map((l) => l.message);
}

/** A sandbox of its own, disposed after `body`. */
export function withSandbox<T>(limits: LimitsInput | undefined, body: (sandbox: Sandbox) => T): T {
  const sandbox = new Sandbox(limits === undefined ? {} : { limits });
  try {
    return body(sandbox);
  } finally {
    sandbox.dispose();
  }
}

/** Runs a script on a given sandbox and tenant. */
export function runOn(sandbox: Sandbox, tenant: string, source: string, options: Omit<RunOptions, 'sandbox' | 'tenant' | 'limits'> = {}): RunResult {
  return runScript(source, { ...options, sandbox, tenant });
}

/** Everything of a result but the timings: what must be identical between two runs of one journal. */
export function deterministicPart(r: RunResult) {
  return JSON.stringify({
    outcome: r.outcome,
    newCommands: r.newCommands,
    newLogs: r.newLogs,
    newEvents: r.newEvents,
    queuedNodes: r.queuedNodes,
    scriptVersion: r.scriptVersion,
  });
}

/**
 * The same process still answers after a file's hostile scripts, and a normal script still gets the
 * right outcomes: on a fresh flow, and at the end of a finished one. In the shared sandbox (every
 * tenant the file used) and in a brand-new Sandbox.
 */
export function expectHostStillHealthy(tenants: string[] = ['tenant-a']): void {
  const finished = [started(), stepOutcome(1), stepOutcome(2)];
  for (const tenant of tenants) {
    const fresh = runScript(NORMAL, { sandbox: sharedSandbox(), tenant });
    expect(fresh.outcome).toEqual(WAITING_STEP_1);
    expect(fresh.newLogs).toEqual([]);
    const done = runScript(NORMAL, { sandbox: sharedSandbox(), tenant, journal: finished });
    expect(done.outcome).toEqual({ kind: 'success', subjectStep: 2, attributeStep: 2 });
  }
  withSandbox(undefined, (sandbox) => {
    expect(runScript(NORMAL, { sandbox }).outcome).toEqual(WAITING_STEP_1);
    expect(runScript(NORMAL, { sandbox, journal: finished }).outcome).toEqual({ kind: 'success', subjectStep: 2, attributeStep: 2 });
  });
}
