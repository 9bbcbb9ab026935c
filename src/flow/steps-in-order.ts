/**
 * An application without a script runs its configured steps in order, as WSO2 does: the flow of
 * `executeStep(1); executeStep(2); ...` with no callbacks, computed on the host instead of in the
 * sandbox. A step that fails ends the login (with the authenticator's reason); success, fallback
 * and abort go on to the next step; the subject is the subject step's user if it succeeded, else
 * the last successful step's. A flow marks itself as scriptless with an empty source.
 */
import type { JournalEvent, RunError } from '../../runtime/protocol.js';
import type { RunRequest, RunResult } from '../../runtime/host/sandbox.js';
import type { ScriptRunner } from './engine.js';

/** The source of a flow without a script. */
export const NO_SCRIPT = '';
/** The version such flows pin. */
export const STEPS_IN_ORDER_VERSION = 'steps-in-order';

/** Runs scriptless flows on the host and every other flow with `scripts`. */
export class StepsInOrderRunner implements ScriptRunner {
  constructor(private readonly scripts: ScriptRunner) {}

  run(request: RunRequest): RunResult {
    return request.source === NO_SCRIPT ? stepsInOrder(request) : this.scripts.run(request);
  }
}

export function stepsInOrder(request: RunRequest): RunResult {
  const { application, journal } = request.input;
  const started = process.hrtime.bigint();
  const result = (outcome: RunResult['outcome']): RunResult => ({
    outcome,
    newCommands: [],
    newLogs: [],
    newEvents: [],
    queuedNodes: application.steps.length,
    scriptVersion: STEPS_IN_ORDER_VERSION,
    stats: { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: 0, hostCalls: 0 },
  });
  if (request.version !== undefined && request.version !== STEPS_IN_ORDER_VERSION) {
    return result({ kind: 'error', error: nondeterminism(`the flow is pinned to script version ${request.version}, but runs without a script`) });
  }
  if (request.input.hook !== undefined) return result({ kind: 'hook', defined: false, denied: null, user: null });
  const steps = journal.filter((e): e is Extract<JournalEvent, { kind: 'step' }> => e.kind !== 'started');
  const succeeded: number[] = [];
  for (let step = 1; step <= application.steps.length; step++) {
    const event = steps[step - 1];
    if (event === undefined) {
      const options = application.steps[step - 1]!.options;
      return result({ kind: 'waiting', waiting: { kind: 'step', step, options, authenticatorParams: {}, stepOptions: { forceAuth: false, skipPrompt: false } } });
    }
    if (event.kind !== 'step' || event.step !== step) {
      return result({ kind: 'error', error: nondeterminism(`journal event #${step} holds a ${event.kind} event, but a flow without a script waits for step ${step}`) });
    }
    if (event.outcome === 'fail') {
      const reason = event.reason ?? { code: 'STEP_FAILED', message: `step ${step} failed` };
      return result({ kind: 'fail', code: reason.code, message: reason.message, redirect: null, params: null });
    }
    if (event.outcome === 'success') succeeded.push(step);
  }
  if (steps.length > application.steps.length) {
    return result({ kind: 'error', error: nondeterminism(`the journal holds ${steps.length} events, but the application has ${application.steps.length} steps`) });
  }
  const last = succeeded.length > 0 ? succeeded[succeeded.length - 1]! : null;
  const pick = (flagged: number | null) => (flagged !== null && succeeded.includes(flagged) ? flagged : last);
  return result({ kind: 'success', subjectStep: pick(application.subjectStep), attributeStep: pick(application.attributeStep) });
}

function nondeterminism(message: string): RunError {
  return { code: 'NONDETERMINISM', message, line: null, column: null };
}
