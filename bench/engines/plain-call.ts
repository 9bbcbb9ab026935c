/**
 * The physical limit: the same mini runtime and script as an ordinary function in the host's own
 * realm, compiled once; each call builds fresh API closures and fresh script locals. No sandbox,
 * no limits.
 */
import { ROLE_BASED_STEP_UP, RUN_INPUT, rolesOf } from '../_support/fixture.js';
import type { Engine } from './engine.js';
import { functionBody, waitingStep } from './mini-runtime.js';

type RunFn = (inputJson: string, getRolesOfUser: (username: unknown) => string[], log: (level: unknown, message: unknown) => void) => string;

export function plainCallEngine(): Engine {
  const fn = new Function('inputJson', 'getRolesOfUser', 'log', functionBody(ROLE_BASED_STEP_UP)) as RunFn;
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
    return fn(JSON.stringify(RUN_INPUT), getRolesOfUser, log);
  };

  return {
    key: 'plain_call',
    label: 'ordinary function, no sandbox',
    run: () => waitingStep(once()) === 2,
    summary: () => {
      const step = waitingStep(once());
      return { waitingForStep: step, logs, hostCalls };
    },
    dispose: () => {},
  };
}
