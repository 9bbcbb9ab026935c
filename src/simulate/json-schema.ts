/**
 * JSON Schema of the public formats, generated from the zod schemas (the one definition), for
 * editors and for people who keep scenario files in their own repositories. `docs/` holds the
 * generated files; a test fails when they no longer match.
 */
import { z } from 'zod';
import { ScenarioSchema, TraceSchema } from './scenario-schema.js';

export function scenarioJsonSchema(): object {
  return { title: 'authscript scenario', ...z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' }) };
}

export function traceJsonSchema(): object {
  return { title: 'authscript trace', ...z.toJSONSchema(TraceSchema, { io: 'output', unrepresentable: 'any' }) };
}
