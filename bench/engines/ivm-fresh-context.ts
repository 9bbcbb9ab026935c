/**
 * Baseline: isolated-vm with a new context per run, in one long-lived isolate with the same heap
 * limit as a tenant isolate. Per run: create the context, install the input and two ivm.Callbacks
 * (the role read and the log), evaluate the (once-compiled) script with the run time limit, which
 * calls onLoginRequest and the onSuccess callback, take the answer, release the context.
 */
import ivm from 'isolated-vm';
import { DEFAULT_LIMITS } from '../../runtime/protocol.js';
import { ROLE_BASED_STEP_UP, RUN_INPUT, rolesOf } from '../_support/fixture.js';
import type { Engine } from './engine.js';
import { contextScript, waitingStep } from './mini-runtime.js';

export function ivmFreshContextEngine(): Engine {
  const isolate = new ivm.Isolate({ memoryLimit: DEFAULT_LIMITS.heapMb });
  const script = isolate.compileScriptSync(contextScript(ROLE_BASED_STEP_UP), { filename: 'script.js' });
  let logs: string[] = [];
  let hostCalls = 0;
  const getRolesOfUser = new ivm.Callback((username: unknown) => {
    hostCalls++;
    return rolesOf(String(username));
  });
  const log = new ivm.Callback((_level: unknown, message: unknown) => {
    logs.push(String(message));
  });

  const once = (): unknown => {
    logs = [];
    hostCalls = 0;
    const context = isolate.createContextSync();
    try {
      const global = context.global;
      global.setSync('__input', JSON.stringify(RUN_INPUT));
      global.setSync('__host_getRolesOfUser', getRolesOfUser);
      global.setSync('__host_log', log);
      return script.runSync(context, { timeout: DEFAULT_LIMITS.wallMsPerRun });
    } finally {
      context.release();
    }
  };

  return {
    key: 'ivm_fresh_context',
    label: 'new context per run',
    run: () => waitingStep(once()) === 2,
    summary: () => {
      const step = waitingStep(once());
      return { waitingForStep: step, logs, hostCalls };
    },
    dispose: () => {
      script.release();
      isolate.dispose();
    },
  };
}
