/**
 * A worker process of the SandboxPool: serves Sandbox.run. Host reads cannot be answered
 * synchronously across processes, so they suspend the run (waiting for a `read`); the caller
 * answers by appending a `read` event to the journal and running again.
 */
import { LimitsSchema, RunInputSchema } from '../protocol.js';
import { serveRequests } from './request-pool.js';
import { Sandbox } from './sandbox.js';
import type { PoolRunRequest, PoolRunResponse } from './sandbox-pool.js';
import { LIMITS_ENV } from './sandbox-worker-env.js';
import { connectToSupervisor } from './worker-link.js';

const link = connectToSupervisor();
const sandbox = new Sandbox({
  limits: LimitsSchema.parse(JSON.parse(process.env[LIMITS_ENV] ?? '{}')),
  guard: link.guard,
});

serveRequests<PoolRunRequest, PoolRunResponse>(({ tenant, source, libraries, version, input, usedScriptMs }) => {
  const parsed = RunInputSchema.safeParse(input);
  if (!parsed.success) {
    return { kind: 'invalid', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return {
    kind: 'result',
    result: sandbox.run({
      tenant,
      source,
      input: parsed.data,
      host: () => ({ kind: 'pending' }),
      ...(libraries === undefined ? {} : { libraries }),
      ...(version === undefined ? {} : { version }),
      ...(usedScriptMs === undefined ? {} : { usedScriptMs }),
    }),
  };
});

process.on('SIGTERM', () => {
  sandbox.dispose();
  process.exit(0);
});

link.ready();
