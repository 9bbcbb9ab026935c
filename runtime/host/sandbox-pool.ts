/**
 * Sandbox runs in supervised worker processes: what the CLI uses so that a script that kills its
 * process (isolated-vm 5 aborts on some huge allocations) still yields a result, and what a host
 * can use to keep such scripts away from its own process. Each tenant is routed to one worker, so
 * its isolate stays warm there.
 */
import type { LimitsInput, RunInputInput } from '../protocol.js';
import type { RunResult } from './sandbox.js';
import { Supervisor, type CrashReport } from './supervisor.js';
import { workerModule } from './worker-module.js';
import { LIMITS_ENV } from './sandbox-worker-env.js';

export interface PoolRunRequest {
  readonly tenant: string;
  readonly source: string;
  readonly version?: string;
  readonly input: RunInputInput;
  readonly usedScriptMs?: number;
}

export type PoolRequest = { readonly type: 'run'; readonly id: number; readonly request: PoolRunRequest };
export type PoolResponse =
  | { readonly type: 'result'; readonly id: number; readonly result: RunResult }
  | { readonly type: 'invalid'; readonly id: number; readonly message: string };

export interface SandboxPoolOptions {
  readonly workers?: number;
  readonly limits?: LimitsInput;
  readonly quarantineAfter?: number;
}

interface InFlight {
  readonly worker: number;
  readonly resolve: (r: RunResult) => void;
  readonly reject: (e: Error) => void;
}

export class SandboxPool {
  readonly supervisor: Supervisor;
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;

  constructor(options: SandboxPoolOptions = {}) {
    this.supervisor = new Supervisor({
      module: workerModule(import.meta.url, 'sandbox-worker'),
      workers: options.workers ?? 1,
      env: { [LIMITS_ENV]: JSON.stringify(options.limits ?? {}) },
      ...(options.quarantineAfter === undefined ? {} : { quarantineAfter: options.quarantineAfter }),
    });
    this.supervisor.on('message', (_worker, m) => this.onResponse(m as PoolResponse));
    this.supervisor.on('crash', (report) => this.onCrash(report));
  }

  start(): Promise<void> {
    return this.supervisor.start();
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
    for (const f of this.inFlight.values()) f.reject(new Error('the sandbox pool stopped'));
    this.inFlight.clear();
  }

  async run(request: PoolRunRequest): Promise<RunResult> {
    const worker = workerFor(request.tenant, this.supervisor.size);
    await this.supervisor.whenReady(worker);
    const id = this.nextId++;
    return new Promise<RunResult>((resolve, reject) => {
      this.inFlight.set(id, { worker, resolve, reject });
      if (!this.supervisor.send(worker, { type: 'run', id, request } satisfies PoolRequest)) {
        this.inFlight.delete(id);
        reject(new Error(`sandbox worker ${worker} is not running`));
      }
    });
  }

  private onResponse(m: PoolResponse): void {
    const f = this.inFlight.get(m.id);
    if (f === undefined) return;
    this.inFlight.delete(m.id);
    if (m.type === 'result') f.resolve(m.result);
    else f.reject(new TypeError(`invalid run input: ${m.message}`));
  }

  /** Requests in flight on a worker that died fail closed, with the reason. */
  private onCrash(report: CrashReport): void {
    for (const [id, f] of this.inFlight) {
      if (f.worker !== report.worker) continue;
      this.inFlight.delete(id);
      const how = report.signal !== null ? `signal ${report.signal}` : `exit code ${report.code}`;
      const oom = /out of memory|allocation failed/i.test(report.stderr);
      f.resolve({
        outcome: {
          kind: 'error',
          error: {
            code: 'MEMORY_LIMIT',
            message:
              `the sandbox process running this script died (${how}${oom ? ', V8 heap out of memory' : ''}); ` +
              'isolated-vm aborts the whole process on some huge allocations, so the script was stopped there' +
              (report.quarantined ? '; this script version is now quarantined' : ''),
            line: null,
            column: null,
          },
        },
        newCommands: [],
        newLogs: [],
        newEvents: [],
        queuedNodes: 0,
        scriptVersion: report.running?.version ?? '',
        stats: { wallMs: 0, cpuMs: 0, hostCalls: 0 },
      });
    }
  }
}

function workerFor(tenant: string, size: number): number {
  let h = 2166136261;
  for (let i = 0; i < tenant.length; i++) h = Math.imul(h ^ tenant.charCodeAt(i), 16777619);
  return (h >>> 0) % size;
}
