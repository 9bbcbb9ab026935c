/**
 * The sandbox's host API: run a script version against a flow's journal, get back the outcome
 * (what the flow waits for, or how it ended), the new commands, logs and journal events. One
 * isolate per tenant; a run that breaks a limit disposes it and the next run gets a new one.
 */
import {
  LimitsSchema,
  type GuestResult,
  type Limits,
  type LimitsInput,
  type RunError,
  type RunInput,
} from '../protocol.js';
import { GuestProtocolError, parseGuestResult } from './parse-guest-result.js';
import { combinedVersion, libraryNameProblem, MAX_LIBRARIES, sortedLibraries, type LibrarySources } from './libraries.js';
import { scriptVersion, TenantIsolate, type CompiledScript, type HostHandler, type RawRun } from './tenant-isolate.js';

export interface RunRequest {
  readonly tenant: string;
  readonly source: string;
  /**
   * The tenant's script libraries (name -> source) that `require` and `loadLocalLibrary` can
   * load. They are part of the version: a changed library is a different version.
   */
  readonly libraries?: LibrarySources;
  /**
   * Content hash of the source (and of the libraries, when there are any); computed when absent.
   * Flows pin the version they started with.
   */
  readonly version?: string;
  /** Already validated (RunInputSchema.parse) by whoever built it. */
  readonly input: RunInput;
  /** Script time the flow has used in earlier runs, against limits.scriptMsPerFlow. */
  readonly usedScriptMs?: number;
  /**
   * Answers the script's reads (user store and the like) that the journal does not hold yet. When
   * absent (or answering `pending`), a read suspends the run: the outcome waits for a `read`, and
   * the caller appends the answer to the journal and runs again.
   */
  readonly host?: HostHandler;
}

export interface RunStats {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly hostCalls: number;
}

export interface RunResult extends GuestResult {
  readonly scriptVersion: string;
  readonly stats: RunStats;
}

/**
 * Hooks for process-level containment (runtime/host/supervisor.ts): `before` stamps the crash
 * beacon, `after` clears it, and a quarantined script is refused before it can crash another
 * worker.
 */
export interface RunGuard {
  isQuarantined(tenant: string, version: string): boolean;
  before(tenant: string, version: string): void;
  after(): void;
}

export interface SandboxOptions {
  readonly guard?: RunGuard;
  /** Defaults for every tenant. */
  readonly limits?: LimitsInput;
  /** Per-tenant overrides, merged over `limits`. */
  readonly limitsFor?: (tenant: string) => LimitsInput | undefined;
  /** Compiled script versions kept per tenant isolate. */
  readonly scriptsPerTenant?: number;
}

export class Sandbox {
  private readonly tenants = new Map<string, TenantIsolate>();
  private readonly limitCache = new Map<string, Limits>();

  constructor(private readonly options: SandboxOptions = {}) {
    LimitsSchema.parse(options.limits ?? {}); // fail at construction, naming the bad limit
  }

  limitsOf(tenant: string): Limits {
    let limits = this.limitCache.get(tenant);
    if (limits === undefined) {
      limits = LimitsSchema.parse({ ...this.options.limits, ...this.options.limitsFor?.(tenant) });
      this.limitCache.set(tenant, limits);
    }
    return limits;
  }

  /** Forget a tenant's isolate and limits (after its limits changed, or to free memory). */
  resetTenant(tenant: string): void {
    this.tenants.get(tenant)?.dispose();
    this.tenants.delete(tenant);
    this.limitCache.delete(tenant);
  }

  dispose(): void {
    for (const t of this.tenants.values()) t.dispose();
    this.tenants.clear();
  }

  /** Heap in use per live tenant isolate, in bytes. */
  memory(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [tenant, iso] of this.tenants) if (!iso.disposed) out[tenant] = iso.heapBytes();
    return out;
  }

  run(request: RunRequest): RunResult {
    const limits = this.limitsOf(request.tenant);
    const libraries = sortedLibraries(request.libraries);
    const refuse = (error: RunError) => errorResult(request.version ?? this.versionOf(request.source), error, NO_STATS);
    if (libraries.length > MAX_LIBRARIES) {
      return refuse(limitError(`the tenant has ${libraries.length} script libraries, over the sandbox limit of ${MAX_LIBRARIES} libraries`));
    }
    for (const [name] of libraries) {
      const problem = libraryNameProblem(name);
      if (problem !== null) return refuse({ code: 'INVALID_INPUT', message: `script library ${problem}`, line: null, column: null });
    }
    const actual = combinedVersion(this.versionOf(request.source), libraries.map(([name, text]) => [name, this.versionOf(text)] as const));
    const version = request.version ?? actual;
    const fail = (error: RunError, stats: RunStats = NO_STATS): RunResult => errorResult(version, error, stats);
    if (version !== actual) {
      // A flow is pinned to the script (and libraries) it started with; a different source under
      // its version (edited storage, a mix-up, a library changed) must not run as if it were that version.
      const what = libraries.length === 0 ? 'the script given is' : `the script and ${libraries.length} librar${libraries.length === 1 ? 'y' : 'ies'} given are`;
      return fail({ code: 'NONDETERMINISM', message: `the flow is pinned to script version ${version}, but ${what} version ${actual}`, line: null, column: null });
    }

    let bytes = Buffer.byteLength(request.source, 'utf8');
    for (const [, text] of libraries) bytes += Buffer.byteLength(text, 'utf8');
    if (bytes > limits.scriptBytes) {
      const what = libraries.length === 0 ? 'the script is' : `the script and its ${libraries.length} librar${libraries.length === 1 ? 'y' : 'ies'} are`;
      return fail(limitError(`${what} ${bytes} bytes, over the sandbox limit scriptBytes (${limits.scriptBytes})`));
    }
    if (request.input.journal.length > limits.journalEvents) {
      return fail(limitError(`the journal has ${request.input.journal.length} events, over the sandbox limit journalEvents (${limits.journalEvents})`));
    }
    const used = request.usedScriptMs ?? 0;
    const remaining = limits.scriptMsPerFlow - used;
    if (remaining <= 0) {
      return fail({ code: 'TIMEOUT', message: `the flow has used its script time (sandbox limit scriptMsPerFlow, ${limits.scriptMsPerFlow} ms)`, line: null, column: null });
    }
    const flowBound = remaining < limits.wallMsPerRun;
    const timeoutMs = Math.max(1, Math.ceil(flowBound ? remaining : limits.wallMsPerRun));

    const guard = this.options.guard;
    if (guard?.isQuarantined(request.tenant, version)) {
      return fail({
        code: 'SCRIPT_QUARANTINED',
        message: 'this script version crashed sandbox worker processes and is quarantined; publish a corrected version',
        line: null,
        column: null,
      });
    }
    guard?.before(request.tenant, version);
    let compiled: CompiledScript;
    let raw: RawRun;
    try {
      let isolate = this.isolateFor(request.tenant, limits);
      try {
        compiled = isolate.compile(request.source, version, libraries);
      } catch {
        // The isolate broke between runs (a breach isolated-vm noticed late): start afresh once.
        this.tenants.delete(request.tenant);
        isolate.dispose();
        isolate = this.isolateFor(request.tenant, limits);
        compiled = isolate.compile(request.source, version, libraries);
      }
      if (compiled.kind === 'syntax') return fail(compiled.error);
      raw = isolate.run(compiled, JSON.stringify(request.input), request.host ?? null, timeoutMs);
    } finally {
      guard?.after();
    }
    if (raw.kind !== 'ok') {
      this.tenants.delete(request.tenant);
      const stats = { wallMs: raw.wallMs, cpuMs: raw.wallMs, hostCalls: raw.hostCalls };
      if (raw.kind === 'timeout') {
        const limit = flowBound ? `scriptMsPerFlow, ${limits.scriptMsPerFlow} ms over the whole flow` : `wallMsPerRun, ${limits.wallMsPerRun} ms`;
        return fail({ code: 'TIMEOUT', message: `the script ran out of time (sandbox limit ${limit})`, line: null, column: null }, stats);
      }
      if (raw.kind === 'memory') {
        return fail({ code: 'MEMORY_LIMIT', message: `the script used more memory than its isolate may (sandbox limit heapMb, ${limits.heapMb} MiB)`, line: null, column: null }, stats);
      }
      return fail({ code: 'SANDBOX_FAULT', message: `the sandbox failed: ${raw.message}`, line: null, column: null }, stats);
    }
    const stats = { wallMs: raw.wallMs, cpuMs: raw.cpuMs, hostCalls: raw.hostCalls };
    if (raw.cpuMs > limits.cpuMsPerRun) {
      return fail({ code: 'TIMEOUT', message: `the script used ${raw.cpuMs.toFixed(1)} ms of CPU in one run (sandbox limit cpuMsPerRun, ${limits.cpuMsPerRun} ms)`, line: null, column: null }, stats);
    }
    let result: GuestResult;
    try {
      result = parseGuestResult(raw.text, limits.resultBytes);
    } catch (e) {
      // The prelude is what answers; if its answer is malformed, trust nothing else in this isolate.
      this.resetTenant(request.tenant);
      const message = e instanceof GuestProtocolError ? e.message : String(e);
      return fail({ code: 'SANDBOX_FAULT', message, line: null, column: null }, stats);
    }
    return { ...result, scriptVersion: version, stats };
  }

  private readonly versions = new Map<string, string>();

  /** Hashing a source (script or library) costs more than a run; V8 caches a string's own hash, so look it up instead. */
  private versionOf(source: string): string {
    let v = this.versions.get(source);
    if (v === undefined) {
      if (this.versions.size >= 1024) this.versions.clear();
      v = scriptVersion(source);
      this.versions.set(source, v);
    }
    return v;
  }

  private isolateFor(tenant: string, limits: Limits): TenantIsolate {
    const existing = this.tenants.get(tenant);
    if (existing !== undefined && !existing.disposed) return existing;
    const created = new TenantIsolate(tenant, limits, this.options.scriptsPerTenant);
    this.tenants.set(tenant, created);
    return created;
  }
}

const NO_STATS: RunStats = { wallMs: 0, cpuMs: 0, hostCalls: 0 };

function limitError(message: string): RunError {
  return { code: 'LIMIT_EXCEEDED', message, line: null, column: null };
}

function errorResult(scriptVersion: string, error: RunError, stats: RunStats): RunResult {
  return {
    outcome: { kind: 'error', error },
    newCommands: [],
    newLogs: [],
    newEvents: [],
    queuedNodes: 0,
    scriptVersion,
    stats,
  };
}
