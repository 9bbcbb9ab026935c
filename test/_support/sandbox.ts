/**
 * Test helpers for the sandbox: a two-step application (password, then TOTP), journal builders,
 * and `runScript` which runs a script the way the flow engine does.
 */
import {
  RunInputSchema,
  type ApplicationSnapshotInput,
  type JournalEventInput,
  type LimitsInput,
  type RunInputInput,
  type UserSnapshotInput,
} from '../../runtime/protocol.js';
import { Sandbox, type RunResult } from '../../runtime/host/sandbox.js';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';

export const T0 = Date.parse('2026-11-23T10:00:00Z');

export const APP: ApplicationSnapshotInput = {
  name: 'Thrift',
  steps: [
    {
      options: [
        { idp: 'LOCAL', authenticator: 'BasicAuthenticator' },
        { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' },
        { idp: 'GitHub', authenticator: 'GithubAuthenticator' },
      ],
    },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] },
  ],
};

export const ALICE: UserSnapshotInput = {
  username: 'alice',
  userStoreDomain: 'PRIMARY',
  roles: ['admin'],
  groups: ['managers'],
  localClaims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' },
};

export function started(at = T0, seed = 7): JournalEventInput {
  return { kind: 'started', at, seed };
}

export function stepOutcome(
  step: number,
  outcome: 'success' | 'fail' | 'fallback' | 'abort' = 'success',
  extra: Partial<Extract<JournalEventInput, { kind: 'step' }>> = {},
): JournalEventInput {
  const local = step !== 1 || extra.idp === undefined || extra.idp === 'LOCAL';
  return {
    kind: 'step',
    at: T0 + step * 1000,
    step,
    outcome,
    idp: 'LOCAL',
    authenticator: step === 1 ? 'BasicAuthenticator' : step === 2 ? 'totp' : 'email-otp-authenticator',
    subject: outcome === 'success' && local ? ALICE : null,
    ...extra,
  };
}

/** A host that answers every read the way a small user store would. */
export const userStoreHost: HostHandler = (call) => {
  switch (call.call) {
    case 'getRolesOfUser':
      return { kind: 'value', value: ['admin'] };
    case 'getGroupsOfUser':
      return { kind: 'value', value: ['managers'] };
    default:
      return { kind: 'value', value: null };
  }
};

export interface RunOptions {
  readonly journal?: JournalEventInput[];
  readonly tenant?: string;
  readonly sandbox?: Sandbox;
  readonly limits?: LimitsInput;
  readonly host?: HostHandler;
  readonly input?: Partial<RunInputInput>;
  readonly usedScriptMs?: number;
}

let shared: Sandbox | undefined;

/** The sandbox most tests share, as the server does: one process, many runs. */
export function sharedSandbox(): Sandbox {
  shared ??= new Sandbox();
  return shared;
}

export function runScript(source: string, options: RunOptions = {}): RunResult {
  const sandbox = options.sandbox ?? (options.limits ? new Sandbox({ limits: options.limits }) : sharedSandbox());
  const input = RunInputSchema.parse({
    application: APP,
    journal: options.journal ?? [started()],
    ...options.input,
  });
  try {
    return sandbox.run({
      tenant: options.tenant ?? 'tenant-a',
      source,
      input,
      host: options.host ?? userStoreHost,
      ...(options.usedScriptMs === undefined ? {} : { usedScriptMs: options.usedScriptMs }),
    });
  } finally {
    if (options.limits && !options.sandbox) sandbox.dispose();
  }
}

/** Runs a script that reports a value through Log.info and returns the logged messages. */
export function logsOf(result: RunResult): string[] {
  return result.newLogs.map((l) => l.message);
}

export const TWO_STEP = `var onLoginRequest = function (context) { executeStep(1); executeStep(2); };`;
