/**
 * A worker process of the SandboxPool: serves Sandbox.run over IPC. Host reads cannot be answered
 * synchronously across processes, so they suspend the run (waiting for a `read`); the caller
 * answers by appending a `read` event to the journal and running again.
 */
import { LimitsSchema, RunInputSchema } from '../protocol.js';
import { Sandbox } from './sandbox.js';
import { connectToSupervisor } from './worker-link.js';
import { LIMITS_ENV } from './sandbox-worker-env.js';
import type { PoolRequest, PoolResponse } from './sandbox-pool.js';

const link = connectToSupervisor();
const sandbox = new Sandbox({
  limits: LimitsSchema.parse(JSON.parse(process.env[LIMITS_ENV] ?? '{}')),
  guard: link.guard,
});

process.on('message', (m: unknown) => {
  const msg = m as Partial<PoolRequest>;
  if (msg?.type !== 'run' || typeof msg.id !== 'number' || msg.request === undefined) return;
  const { tenant, source, version, input, usedScriptMs } = msg.request;
  const parsed = RunInputSchema.safeParse(input);
  const reply: PoolResponse = parsed.success
    ? {
        type: 'result',
        id: msg.id,
        result: sandbox.run({
          tenant,
          source,
          input: parsed.data,
          host: () => ({ kind: 'pending' }),
          ...(version === undefined ? {} : { version }),
          ...(usedScriptMs === undefined ? {} : { usedScriptMs }),
        }),
      }
    : { type: 'invalid', id: msg.id, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  process.send?.(reply);
});

process.on('SIGTERM', () => {
  sandbox.dispose();
  process.exit(0);
});

link.ready();
