/**
 * Scenarios simulated in supervised child processes (the CLI's containment): when a script kills
 * its process, its scenario still gets a trace, with MEMORY_LIMIT.
 */
import { describeCrash, RequestPool } from '../../runtime/host/request-pool.js';
import { workerModule } from '../../runtime/host/worker-module.js';
import type { Trace } from './scenario-schema.js';
import { errorTrace } from './trace.js';

export interface SimulationRequest {
  readonly path: string;
}

export type SimulationResponse = { readonly kind: 'trace'; readonly trace: Trace } | { readonly kind: 'invalid'; readonly problems: string[] };

export function simulationPool(workers: number): RequestPool<SimulationRequest, SimulationResponse> {
  return new RequestPool<SimulationRequest, SimulationResponse>({
    module: workerModule(import.meta.url, 'simulation-worker'),
    workers,
    // A scenario is its own test: keep re-running a crashing script so each gets its trace.
    quarantineAfter: Number.MAX_SAFE_INTEGER,
    keyOf: (r) => r.path,
    onCrash: (_r, report) => ({ kind: 'trace', trace: errorTrace('MEMORY_LIMIT', describeCrash(report)) }),
  });
}
