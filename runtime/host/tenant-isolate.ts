/**
 * One tenant's isolate: a long-lived context with the prelude loaded and everything frozen, the
 * tenant's compiled scripts, and the one entry the host calls. Strings cross the boundary, and
 * the script function (a reference inside the same isolate); never an ivm object or a host value.
 * Any timeout, memory breach or fault disposes the isolate; the sandbox builds a new one.
 */
import ivm from 'isolated-vm';
import { HostCallSchema, type HostCall, type HostAnswer, type Limits, type RunError } from '../protocol.js';
import { libraryFilename, preludeSource, SCRIPT_FILENAME, wrapLibrary, wrapScript } from './guest-source.js';
import { sha256Version } from './libraries.js';
import { parseUntrustedJson } from './parse-guest-result.js';

export type HostHandler = (call: HostCall) => HostAnswer;

export type CompiledScript =
  /** `run` is the prelude's entry bound to this script's function: one call per run. */
  | { readonly kind: 'ok'; readonly run: ivm.Reference<(input: string) => string> }
  | { readonly kind: 'syntax'; readonly error: RunError };

export type RawRun =
  | { readonly kind: 'ok'; readonly text: unknown; readonly wallMs: number; readonly cpuMs: number; readonly hostCalls: number }
  | { readonly kind: 'timeout' | 'memory' | 'fault'; readonly message: string; readonly wallMs: number; readonly hostCalls: number };

const PRELUDE_FILENAME = 'authscript:prelude';
const SETUP_TIMEOUT_MS = 5000;
const HEAP_CHECK_AFTER_MS = 0.25;

/** The version of a script on its own: its content hash. With libraries, see libraries.ts flowVersion. */
export function scriptVersion(source: string): string {
  return sha256Version(source);
}

export class TenantIsolate {
  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;
  private readonly takeLast: ivm.Reference<() => string | null>;
  /** The prelude's bindRun(scriptFn, namesJson, ...libraries): one function per version. */
  private readonly bindRun: ivm.Reference<(...args: unknown[]) => unknown>;
  /** The prelude's makeLibrary(name, source, fn, syntaxJson). */
  private readonly makeLibrary: ivm.Reference<(...args: unknown[]) => unknown>;
  private readonly scripts = new Map<string, CompiledScript>();
  /** Compiled libraries (guest records), by name and content hash. */
  private readonly libraries = new Map<string, ivm.Reference<unknown>>();
  private handler: HostHandler | null = null;
  private hostCalls = 0;

  constructor(
    readonly tenant: string,
    readonly limits: Limits,
    private readonly maxScripts = 64,
    private readonly maxLibraries = 256,
  ) {
    this.isolate = new ivm.Isolate({ memoryLimit: limits.heapMb });
    try {
      this.context = this.isolate.createContextSync();
      const factory = this.isolate
        .compileScriptSync(preludeSource(), { filename: PRELUDE_FILENAME })
        .runSync(this.context, { reference: true, timeout: SETUP_TIMEOUT_MS });
      const channel = new ivm.Callback((request: unknown) => this.answerHostCall(request));
      const entries = factory.applySync(undefined, [channel, JSON.stringify(limits)], {
        result: { reference: true },
        timeout: SETUP_TIMEOUT_MS,
      }) as unknown as ivm.Reference<unknown[]>;
      this.takeLast = entries.getSync(1, { reference: true }) as ivm.Reference<() => string | null>;
      // Passing the script function (and its libraries) on every call (derefInto) costs more than
      // a third of a run; the prelude binds them to the entry once per version instead.
      this.bindRun = entries.getSync(2, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
      this.makeLibrary = entries.getSync(3, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
      entries.release();
      factory.release();
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  dispose(): void {
    for (const s of this.scripts.values()) if (s.kind === 'ok') s.run.release();
    this.scripts.clear();
    for (const l of this.libraries.values()) l.release();
    this.libraries.clear();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  heapBytes(): number {
    const h = this.isolate.getHeapStatisticsSync();
    return h.used_heap_size + h.externally_allocated_size;
  }

  /**
   * Compiles a script version once, with the libraries of that version ([name, source] pairs);
   * syntax errors are kept too, so a broken version is not re-parsed. A library that does not
   * compile is not an error of the version: a run that requires it ends in SCRIPT_SYNTAX.
   */
  compile(source: string, version: string, libraries: readonly (readonly [string, string])[] = []): CompiledScript {
    const hit = this.scripts.get(version);
    if (hit !== undefined) {
      this.scripts.delete(version);
      this.scripts.set(version, hit);
      return hit;
    }
    const compiled = this.compileFresh(source, libraries);
    this.scripts.set(version, compiled);
    if (this.scripts.size > this.maxScripts) {
      const [oldest, old] = this.scripts.entries().next().value as [string, CompiledScript];
      this.scripts.delete(oldest);
      if (old.kind === 'ok') old.run.release();
    }
    return compiled;
  }

  private compileFresh(source: string, libraries: readonly (readonly [string, string])[]): CompiledScript {
    let fn: ivm.Reference<() => unknown>;
    try {
      fn = this.compileFunction(source, SCRIPT_FILENAME, wrapScript(source));
    } catch (e) {
      // Only the script's own syntax is its fault; anything else (a disposed isolate) is ours.
      if (e instanceof SyntaxError) return { kind: 'syntax', error: syntaxError(e, SCRIPT_FILENAME) };
      throw e;
    }
    try {
      const records = libraries.map(([name, text]) => this.library(name, text));
      const run = this.bindRun.applySync(undefined, [fn.derefInto(), JSON.stringify(libraries.map(([name]) => name)), ...records.map((r) => r.derefInto())], {
        result: { reference: true },
        timeout: SETUP_TIMEOUT_MS,
      }) as unknown as ivm.Reference<(input: string) => string>;
      return { kind: 'ok', run };
    } finally {
      fn.release();
    }
  }

  /**
   * Compiles `source` on its own first, as WSO2 evaluates it: positions are the admin's, and a
   * source that would close the wrapper function early (or return at top level) fails here. Then
   * compiles the wrapper and returns the function it evaluates to.
   */
  private compileFunction(source: string, filename: string, wrapped: string): ivm.Reference<() => unknown> {
    this.isolate.compileScriptSync(source, { filename }).release();
    const script = this.isolate.compileScriptSync(wrapped, { filename, lineOffset: -1 });
    try {
      return script.runSync(this.context, { reference: true, timeout: SETUP_TIMEOUT_MS }) as ivm.Reference<() => unknown>;
    } finally {
      script.release();
    }
  }

  /** A library compiled into the guest's record for it, once per name and content. */
  private library(name: string, source: string): ivm.Reference<unknown> {
    const key = `${name}\n${sha256Version(source)}`;
    const hit = this.libraries.get(key);
    if (hit !== undefined) {
      this.libraries.delete(key);
      this.libraries.set(key, hit);
      return hit;
    }
    const filename = libraryFilename(name);
    let fn: ivm.Reference<() => unknown> | null = null;
    let syntax: string | null = null;
    try {
      fn = this.compileFunction(source, filename, wrapLibrary(source));
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      const error = syntaxError(e, filename);
      syntax = JSON.stringify({ message: error.message.replace(/^SyntaxError: /, ''), file: filename, line: error.line, column: error.column });
    }
    try {
      const record = this.makeLibrary.applySync(undefined, [name, source, fn === null ? null : fn.derefInto(), syntax], {
        result: { reference: true },
        timeout: SETUP_TIMEOUT_MS,
      }) as unknown as ivm.Reference<unknown>;
      this.libraries.set(key, record);
      if (this.libraries.size > this.maxLibraries) {
        const [oldest, old] = this.libraries.entries().next().value as [string, ivm.Reference<unknown>];
        this.libraries.delete(oldest);
        old.release();
      }
      return record;
    } finally {
      fn?.release();
    }
  }

  run(script: Extract<CompiledScript, { kind: 'ok' }>, inputJson: string, handler: HostHandler | null, timeoutMs: number): RawRun {
    this.handler = handler;
    this.hostCalls = 0;
    const cpu0 = this.isolate.cpuTime;
    const t0 = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e6;
    try {
      const text = script.run.applySync(undefined, [inputJson], { timeout: timeoutMs });
      const cpuMs = Number(this.isolate.cpuTime - cpu0) / 1e6;
      // isolated-vm notices some breaches only at the next entry into the isolate: a heap past
      // the limit after the run is this run's breach, not the next one's. Allocating past even
      // the smallest limit (8 MiB) in one go takes milliseconds of memory writes, so only runs
      // that took that long need the (microseconds-long) heap statistics.
      const wallMs = elapsed();
      if (this.isolate.isDisposed || (wallMs >= HEAP_CHECK_AFTER_MS && this.overHeapLimit())) {
        this.dispose();
        return { kind: 'memory', message: 'the heap was over its limit when the run returned', wallMs: elapsed(), hostCalls: this.hostCalls };
      }
      return { kind: 'ok', text, wallMs, cpuMs, hostCalls: this.hostCalls };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const kind = /timed out/i.test(message) ? 'timeout' : /memory limit/i.test(message) || this.isolate.isDisposed ? 'memory' : 'fault';
      if (kind === 'fault') {
        // A rejection no one handled surfaces after the entry returned: the run itself finished.
        const finished = this.finishedResult();
        if (finished !== null) return { kind: 'ok', text: finished, wallMs: elapsed(), cpuMs: Number(this.isolate.cpuTime - cpu0) / 1e6, hostCalls: this.hostCalls };
      }
      this.dispose();
      return { kind, message, wallMs: elapsed(), hostCalls: this.hostCalls };
    } finally {
      this.handler = null;
    }
  }

  private overHeapLimit(): boolean {
    if (this.isolate.isDisposed) return true;
    const h = this.isolate.getHeapStatisticsSync();
    return h.used_heap_size + h.externally_allocated_size > this.limits.heapMb * 1024 * 1024;
  }

  private finishedResult(): string | null {
    try {
      const text = this.takeLast.applySync(undefined, [], { timeout: SETUP_TIMEOUT_MS });
      return typeof text === 'string' ? text : null;
    } catch {
      return null;
    }
  }

  /** The script's one way out. Host failures reach the script as a message, never a host stack. */
  private answerHostCall(request: unknown): string {
    this.hostCalls++;
    try {
      // Without a host the read suspends the run: the caller answers it through the journal.
      if (this.handler === null) return '{"kind":"pending"}';
      if (typeof request !== 'string') return JSON.stringify({ kind: 'error', message: 'malformed host call' });
      const call = HostCallSchema.parse(parseUntrustedJson(request));
      const answer = this.handler(call);
      return answer.kind === 'pending' ? '{"kind":"pending"}' : JSON.stringify({ kind: 'value', value: answer.value });
    } catch (e) {
      return JSON.stringify({ kind: 'error', message: e instanceof Error ? e.message : 'the host could not answer' });
    }
  }
}

function syntaxError(e: unknown, filename: string): RunError {
  const raw = e instanceof Error ? e.message : String(e);
  const name = e instanceof Error ? e.name : 'SyntaxError';
  const file = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = new RegExp(`\\s*\\[${file}:(\\d+):(\\d+)\\]\\s*$`).exec(raw);
  const message = at ? raw.slice(0, at.index) : raw;
  return {
    code: 'SCRIPT_SYNTAX',
    message: `${name}: ${message}`,
    line: at ? Number(at[1]) : null,
    column: at ? Number(at[2]) : null,
  };
}
