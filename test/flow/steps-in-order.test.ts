/**
 * An application without a script runs its steps in order, on the host: it must decide exactly
 * what the sandbox decides for `executeStep(1); executeStep(2); executeStep(3);`.
 */
import { describe, expect, it } from 'vitest';
import { RunInputSchema, type JournalEventInput } from '../../runtime/protocol.js';
import { NO_SCRIPT, stepsInOrder, STEPS_IN_ORDER_VERSION, StepsInOrderRunner } from '../../src/flow/steps-in-order.js';
import { APP, runScript, started, stepOutcome } from '../_support/sandbox.js';

const ALL_STEPS = 'var onLoginRequest = function (context) { executeStep(1); executeStep(2); executeStep(3); };';
const OUTCOMES = ['success', 'fail', 'fallback', 'abort'] as const;

function hostRun(journal: JournalEventInput[]) {
  return stepsInOrder({ tenant: 't', source: NO_SCRIPT, input: RunInputSchema.parse({ application: APP, journal }) });
}

/** Every journal of up to three step outcomes. */
function journals(): JournalEventInput[][] {
  const out: JournalEventInput[][] = [[started()]];
  let frontier: JournalEventInput[][] = [[started()]];
  for (let step = 1; step <= 3; step++) {
    const next: JournalEventInput[][] = [];
    for (const j of frontier) for (const o of OUTCOMES) next.push([...j, stepOutcome(step, o)]);
    out.push(...next);
    frontier = next.filter((j) => (j[j.length - 1] as { outcome: string }).outcome !== 'fail');
  }
  return out;
}

describe('a flow without a script', () => {
  it('decides what the sandbox decides for the all-steps script, for every journal of step outcomes', () => {
    for (const journal of journals()) {
      expect(hostRun(journal).outcome, JSON.stringify(journal.map((e) => ('outcome' in e ? e.outcome : e.kind)))).toEqual(runScript(ALL_STEPS, { journal }).outcome);
    }
  });

  it('pins its own version and refuses a flow pinned to a script', () => {
    expect(hostRun([started()]).scriptVersion).toBe(STEPS_IN_ORDER_VERSION);
    const pinned = stepsInOrder({ tenant: 't', source: NO_SCRIPT, version: 'sha256:abc', input: RunInputSchema.parse({ application: APP, journal: [started()] }) });
    expect(pinned.outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
  });

  it('reports a journal that does not follow the steps in order as nondeterminism', () => {
    expect(hostRun([started(), stepOutcome(2)]).outcome).toMatchObject({ kind: 'error', error: { code: 'NONDETERMINISM' } });
  });

  it('ends with the step failure reason the authenticator gave', () => {
    const journal = [started(), stepOutcome(1, 'fail', { reason: { code: 'ACCOUNT_LOCKED', message: 'the account alice is locked' } })];
    expect(hostRun(journal).outcome).toEqual({ kind: 'fail', code: 'ACCOUNT_LOCKED', message: 'the account alice is locked', redirect: null, params: null });
  });

  it('is run on the host only when the flow has no script', () => {
    let scripted = 0;
    const runner = new StepsInOrderRunner({
      run: (request) => {
        scripted++;
        return hostRun(request.input.journal as JournalEventInput[]);
      },
    });
    runner.run({ tenant: 't', source: NO_SCRIPT, input: RunInputSchema.parse({ application: APP, journal: [started()] }) });
    expect(scripted).toBe(0);
    runner.run({ tenant: 't', source: ALL_STEPS, input: RunInputSchema.parse({ application: APP, journal: [started()] }) });
    expect(scripted).toBe(1);
  });
});
