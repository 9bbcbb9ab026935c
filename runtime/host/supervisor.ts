/**
 * Supervises worker processes that run scripts, one level above the isolate: a crash of a worker
 * (isolated-vm 5 can abort the process) costs only that worker's requests in flight, which fail
 * closed. The supervisor restarts the worker, reads its crash beacon to learn which tenant and
 * script version were running, and quarantines a version that has crashed workers
 * `quarantineAfter` times, telling every worker to refuse it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBeaconFile, readBeacon, removeBeacon, type RunningScript } from './crash-beacon.js';
import type { WorkerModule } from './worker-module.js';

export const BEACON_ENV = 'AUTHSCRIPT_BEACON';

export interface SupervisorOptions {
  readonly module: WorkerModule;
  readonly workers: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Crashes of one script version before it is quarantined. */
  readonly quarantineAfter?: number;
  /** First restart delay; doubles while a worker keeps dying within a second of starting. */
  readonly restartDelayMs?: number;
  /**
   * Starts one worker process (default: child_process.fork of `module`, stdout and stderr piped,
   * JSON IPC). The server passes node:cluster's fork, so its workers share one listening port.
   */
  readonly spawn?: (module: WorkerModule, env: NodeJS.ProcessEnv) => ChildProcess;
}

function forkWorker(module: WorkerModule, env: NodeJS.ProcessEnv): ChildProcess {
  return fork(module.path, [], {
    execArgv: [...module.execArgv],
    env,
    // A worker's stdout is not the parent's: `simulate --json` promises one document there.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
}

export interface CrashReport {
  readonly worker: number;
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the worker was running when it died, from its beacon; null if it was idle. */
  readonly running: RunningScript | null;
  readonly quarantined: boolean;
  readonly stderr: string;
}

/** Messages between supervisor and worker. */
export type ToWorker = { readonly type: 'quarantine'; readonly scripts: readonly RunningScript[] };
export type FromWorker = { readonly type: 'ready' };

interface Slot {
  child: ChildProcess | null;
  beacon: string;
  startedAt: number;
  delay: number;
  stderr: string;
  ready: Promise<void>;
}

type Events = {
  crash: [CrashReport];
  quarantine: [RunningScript];
  message: [number, unknown];
  ready: [number];
};

const key = (s: RunningScript) => `${s.tenant}\u0000${s.version}`;
const STDERR_TAIL = 4000;

export class Supervisor extends EventEmitter<Events> {
  private readonly slots: Slot[] = [];
  private readonly crashes = new Map<string, number>();
  private readonly quarantine = new Map<string, RunningScript>();
  private stopping = false;
  private readonly id = randomBytes(6).toString('hex');

  constructor(private readonly options: SupervisorOptions) {
    super();
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer (got ${options.workers})`);
  }

  get size(): number {
    return this.slots.length;
  }

  quarantined(): RunningScript[] {
    return [...this.quarantine.values()];
  }

  /** Starts every worker and resolves once each has said it is ready. */
  async start(): Promise<void> {
    for (let i = 0; i < this.options.workers; i++) {
      const beacon = join(tmpdir(), `authscript-beacon-${this.id}-${i}`);
      createBeaconFile(beacon);
      this.slots.push({ child: null, beacon, startedAt: 0, delay: this.options.restartDelayMs ?? 100, stderr: '', ready: Promise.resolve() });
      this.spawn(i);
    }
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Resolves when worker `i` is up (after a restart, the new process). */
  whenReady(i: number): Promise<void> {
    const slot = this.slots[i];
    if (slot === undefined) throw new RangeError(`no worker ${i}`);
    return slot.ready;
  }

  send(i: number, message: unknown): boolean {
    const child = this.slots[i]?.child;
    if (child === null || child === undefined || !child.connected) return false;
    child.send(message as never);
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const child = slot.child;
            removeBeacon(slot.beacon);
            if (child === null || child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }),
      ),
    );
  }

  private spawn(i: number): void {
    const slot = this.slots[i]!;
    const child = (this.options.spawn ?? forkWorker)(this.options.module, { ...process.env, ...this.options.env, [BEACON_ENV]: slot.beacon });
    slot.child = child;
    slot.startedAt = Date.now();
    slot.stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      slot.stderr = (slot.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    slot.ready = new Promise<void>((resolve) => {
      const onMessage = (m: unknown) => {
        if (isReady(m)) {
          resolve();
          this.emit('ready', i);
          if (this.quarantine.size > 0) this.send(i, { type: 'quarantine', scripts: this.quarantined() } satisfies ToWorker);
          return;
        }
        this.emit('message', i, m);
      };
      child.on('message', onMessage);
      child.once('exit', () => resolve()); // a worker that dies before it is ready: the restart takes over
    });
    child.once('exit', (code, signal) => this.onExit(i, child, code, signal));
  }

  private onExit(i: number, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const slot = this.slots[i]!;
    if (slot.child !== child) return;
    slot.child = null;
    if (this.stopping) return;
    const running = readBeacon(slot.beacon);
    createBeaconFile(slot.beacon);
    let quarantined = false;
    if (running !== null) {
      const k = key(running);
      const n = (this.crashes.get(k) ?? 0) + 1;
      this.crashes.set(k, n);
      if (n >= (this.options.quarantineAfter ?? 2) && !this.quarantine.has(k)) {
        this.quarantine.set(k, running);
        quarantined = true;
        for (let j = 0; j < this.slots.length; j++) {
          if (j !== i) this.send(j, { type: 'quarantine', scripts: this.quarantined() } satisfies ToWorker);
        }
        this.emit('quarantine', running);
      }
    }
    this.emit('crash', { worker: i, pid: child.pid, code, signal, running, quarantined, stderr: slot.stderr });
    // Back off while a worker keeps dying right after it starts.
    const quick = Date.now() - slot.startedAt < 1000;
    slot.delay = quick ? Math.min(slot.delay * 2, 10_000) : (this.options.restartDelayMs ?? 100);
    const restart = setTimeout(() => {
      if (!this.stopping) this.spawn(i);
    }, quick ? slot.delay : 0);
    restart.unref();
    slot.ready = new Promise<void>((resolve) => {
      const check = () => (slot.child !== null ? slot.ready.then(resolve) : setTimeout(check, 5));
      check();
    });
  }
}

function isReady(m: unknown): m is FromWorker {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ready';
}
