/**
 * `authscript/testing`: simulate scenarios from your own tests (vitest, jest, node:test), with
 * the same engine and the same types as `authscript simulate` and `authscript test`.
 *
 * @example
 * import { simulate, checkExpectations } from 'authscript/testing';
 * const trace = await simulate({ source, application, interactions: [{ step: 1, username: 'alice' }] });
 * expect(trace.outcome).toBe('pending');
 */
export { simulate, simulateScenario, loadScenarioFile, parseScenario, ScenarioInvalidError, type SimulateOptions } from './simulate/simulate.js';
export { checkExpectations, type Mismatch } from './simulate/expectations.js';
export { scenarioJsonSchema, traceJsonSchema } from './simulate/json-schema.js';
export {
  ScenarioSchema,
  TraceSchema,
  ExpectSchema,
  InteractionSchema,
  type Scenario,
  type ScenarioInput,
  type Trace,
  type Expect,
  type Interaction,
} from './simulate/scenario-schema.js';
