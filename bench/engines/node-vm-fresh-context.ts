/**
 * Baseline: node:vm with a new context per run (a speed reference only: node:vm is not a security
 * boundary, and it has no heap limit). Per run: createContext with the input and the two host
 * functions, evaluate the (once-compiled) script with the run time limit, which calls
 * onLoginRequest and the onSuccess callback.
 */
import vm from 'node:vm';
import { DEFAULT_LIMITS } from '../../runtime/protocol.js';
import { ROLE_BASED_STEP_UP, RUN_INPUT, rolesOf } from '../_support/fixture.js';
import type { Engine } from './engine.js';
import { contextScript, waitingStep } from './mini-runtime.js';

export function nodeVmFreshContextEngine(): Engine {
  const script = new vm.Script(contextScript(ROLE_BASED_STEP_UP), { filename: 'script.js' });
  let logs: string[] = [];
  let hostCalls = 0;
  const getRolesOfUser = (username: unknown): string[] => {
    hostCalls++;
    return rolesOf(String(username));
  };
  const log = (_level: unknown, message: unknown): void => {
    logs.push(String(message));
  };

  const once = (): unknown => {
    logs = [];
    hostCalls = 0;
    const context = vm.createContext({
      __input: JSON.stringify(RUN_INPUT),
      __host_getRolesOfUser: getRolesOfUser,
      __host_log: log,
    });
    return script.runInContext(context, { timeout: DEFAULT_LIMITS.wallMsPerRun });
  };

  return {
    key: 'node_vm_fresh_context',
    label: 'new context per run',
    run: () => waitingStep(once()) === 2,
    summary: () => {
      const step = waitingStep(once());
      return { waitingForStep: step, logs, hostCalls };
    },
    dispose: () => {},
  };
}
