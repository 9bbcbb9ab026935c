/**
 * Requests served by supervised worker processes: each request goes to one worker (chosen by a
 * key, so a tenant's isolate stays warm in one process) and comes back as its response; the
 * requests in flight on a worker that dies are answered by `onCrash`, so they fail closed with
 * a reason instead of hanging.
 */
import { Supervisor, type CrashReport, type SupervisorOptions } from './supervisor.js';

export type PoolMessage<T> = { readonly type: 'request'; readonly id: number; readonly payload: T };
export type PoolReply<T> = { readonly type: 'response'; readonly id: number; readonly payload: T };

export interface RequestPoolOptions<Req, Res> extends SupervisorOptions {
  /** Which worker serves a request with this key. */
  readonly keyOf: (request: Req) => string;
  /** The answer for a request whose worker died while serving it. */
  readonly onCrash: (request: Req, report: CrashReport) => Res;
}

interface InFlight<Req, Res> {
  readonly worker: number;
  readonly request: Req;
  readonly resolve: (r: Res) => void;
  readonly reject: (e: Error) => void;
}

export class RequestPool<Req, Res> {
  readonly supervisor: Supervisor;
  private readonly inFlight = new Map<number, InFlight<Req, Res>>();
  private nextId = 1;

  constructor(private readonly options: RequestPoolOptions<Req, Res>) {
    this.supervisor = new Supervisor(options);
    this.supervisor.on('message', (_worker, m) => this.onReply(m as PoolReply<Res>));
    this.supervisor.on('crash', (report) => this.onCrash(report));
  }

  start(): Promise<void> {
    return this.supervisor.start();
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
    for (const f of this.inFlight.values()) f.reject(new Error('the worker pool stopped'));
    this.inFlight.clear();
  }

  async request(request: Req): Promise<Res> {
    const worker = workerFor(this.options.keyOf(request), this.supervisor.size);
    await this.supervisor.whenReady(worker);
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      this.inFlight.set(id, { worker, request, resolve, reject });
      if (!this.supervisor.send(worker, { type: 'request', id, payload: request } satisfies PoolMessage<Req>)) {
        this.inFlight.delete(id);
        reject(new Error(`worker ${worker} is not running`));
      }
    });
  }

  private onReply(m: PoolReply<Res>): void {
    if (m?.type !== 'response') return;
    const f = this.inFlight.get(m.id);
    if (f === undefined) return;
    this.inFlight.delete(m.id);
    f.resolve(m.payload);
  }

  private onCrash(report: CrashReport): void {
    for (const [id, f] of this.inFlight) {
      if (f.worker !== report.worker) continue;
      this.inFlight.delete(id);
      f.resolve(this.options.onCrash(f.request, report));
    }
  }
}

/** Serves the pool's requests inside a worker process. */
export function serveRequests<Req, Res>(handle: (request: Req) => Promise<Res> | Res): void {
  process.on('message', (m: unknown) => {
    const msg = m as Partial<PoolMessage<Req>>;
    if (msg?.type !== 'request' || typeof msg.id !== 'number') return;
    const id = msg.id;
    Promise.resolve()
      .then(() => handle(msg.payload as Req))
      .then((payload) => process.send?.({ type: 'response', id, payload } satisfies PoolReply<Res>));
  });
}

function workerFor(key: string, size: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % size;
}

/** How a crash reads in a result: the signal or exit code, and whether V8 ran out of heap. */
export function describeCrash(report: CrashReport): string {
  const how = report.signal !== null ? `signal ${report.signal}` : `exit code ${report.code}`;
  const oom = /out of memory|allocation failed/i.test(report.stderr);
  return (
    `the sandbox process running this script died (${how}${oom ? ', V8 heap out of memory' : ''}); ` +
    'isolated-vm aborts the whole process on some huge allocations, so the script was stopped there' +
    (report.quarantined ? '; this script version is now quarantined' : '')
  );
}
