/**
 * Sandbox runs in supervised worker processes: a script that kills its process (isolated-vm 5
 * aborts on some huge allocations) still yields a result, and a host keeps such scripts away from
 * its own process. Each tenant is routed to one worker, so its isolate stays warm there.
 */
import type { LimitsInput, RunInputInput } from '../protocol.js';
import { describeCrash, RequestPool } from './request-pool.js';
import type { RunResult } from './sandbox.js';
import { LIMITS_ENV } from './sandbox-worker-env.js';
import type { Supervisor } from './supervisor.js';
import { workerModule } from './worker-module.js';

export interface PoolRunRequest {
  readonly tenant: string;
  readonly source: string;
  /** The tenant's script libraries (name -> source); see RunRequest. */
  readonly libraries?: Readonly<Record<string, string>>;
  readonly version?: string;
  readonly input: RunInputInput;
  readonly usedScriptMs?: number;
}

export type PoolRunResponse = { readonly kind: 'result'; readonly result: RunResult } | { readonly kind: 'invalid'; readonly message: string };

export interface SandboxPoolOptions {
  readonly workers?: number;
  readonly limits?: LimitsInput;
  readonly quarantineAfter?: number;
}

export class SandboxPool {
  private readonly pool: RequestPool<PoolRunRequest, PoolRunResponse>;

  constructor(options: SandboxPoolOptions = {}) {
    this.pool = new RequestPool<PoolRunRequest, PoolRunResponse>({
      module: workerModule(import.meta.url, 'sandbox-worker'),
      workers: options.workers ?? 1,
      env: { [LIMITS_ENV]: JSON.stringify(options.limits ?? {}) },
      ...(options.quarantineAfter === undefined ? {} : { quarantineAfter: options.quarantineAfter }),
      keyOf: (r) => r.tenant,
      onCrash: (_r, report) => ({
        kind: 'result',
        result: {
          outcome: { kind: 'error', error: { code: 'MEMORY_LIMIT', message: describeCrash(report), line: null, column: null } },
          newCommands: [],
          newLogs: [],
          newEvents: [],
          queuedNodes: 0,
          scriptVersion: report.running?.version ?? '',
          stats: { wallMs: 0, cpuMs: 0, hostCalls: 0 },
        },
      }),
    });
  }

  get supervisor(): Supervisor {
    return this.pool.supervisor;
  }

  start(): Promise<void> {
    return this.pool.start();
  }

  stop(): Promise<void> {
    return this.pool.stop();
  }

  async run(request: PoolRunRequest): Promise<RunResult> {
    const response = await this.pool.request(request);
    if (response.kind === 'invalid') throw new TypeError(`invalid run input: ${response.message}`);
    return response.result;
  }
}
