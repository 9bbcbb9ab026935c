/**
 * The analyzer's exploration and the simulator run admins' drafts: scripts nobody has published,
 * and which may be hostile or simply broken. They run in supervised worker processes
 * (runtime/host/request-pool.ts), so a script that kills its process (isolated-vm 5 aborts on
 * some huge allocations) costs a worker restart and an error answer, never the server. The fast
 * diagnostics (acorn only, no script run) stay in the server's process.
 */
import { describeCrash, RequestPool } from '../../runtime/host/request-pool.js';
import { workerModule } from '../../runtime/host/worker-module.js';
import { analyze } from '../analysis/analyze.js';
import type { Trace } from '../simulate/scenario-schema.js';
import { errorTrace } from '../simulate/trace.js';
import { ApiError } from './api-error.js';
import type { AnalyzeOptions, ScriptAnalysis, ScriptLab } from './server-context.js';

export type LabRequest =
  | { readonly kind: 'simulate'; readonly tenant: string; readonly scenario: unknown }
  | { readonly kind: 'lint'; readonly tenant: string; readonly source: string; readonly options: Omit<AnalyzeOptions, 'explore'> };

export type LabResponse =
  | { readonly kind: 'trace'; readonly trace: Trace }
  | { readonly kind: 'invalid'; readonly problems: string[] }
  | { readonly kind: 'analysis'; readonly analysis: ScriptAnalysis }
  | { readonly kind: 'crashed'; readonly message: string };

export class PooledScriptLab implements ScriptLab {
  private readonly pool: RequestPool<LabRequest, LabResponse>;

  constructor(workers: number) {
    this.pool = new RequestPool<LabRequest, LabResponse>({
      module: workerModule(import.meta.url, 'script-lab-worker'),
      workers,
      // Drafts change with every keystroke: each request stands on its own, none is quarantined.
      quarantineAfter: Number.MAX_SAFE_INTEGER,
      keyOf: (r) => r.tenant,
      onCrash: (r, report) => (r.kind === 'simulate' ? { kind: 'trace', trace: errorTrace('MEMORY_LIMIT', describeCrash(report)) } : { kind: 'crashed', message: describeCrash(report) }),
    });
  }

  start(): Promise<void> {
    return this.pool.start();
  }

  async analyze(source: string, options: AnalyzeOptions & { readonly tenant?: string }): Promise<ScriptAnalysis> {
    const loopsAsErrors = options.loopsAsErrors ?? false;
    if (!options.explore || options.application === undefined) {
      // The fast part: acorn only, no script run, in this process.
      return { diagnostics: analyze(source, { application: options.application, loopsAsErrors }), graph: { nodes: [], edges: [] }, conflicts: [], truncated: false };
    }
    const answer = await this.pool.request({
      kind: 'lint',
      tenant: options.tenant ?? 'lab',
      source,
      options: { application: options.application, loopsAsErrors, ...(options.connections === undefined ? {} : { connections: options.connections }) },
    });
    if (answer.kind === 'analysis') return answer.analysis;
    const diagnostics = analyze(source, { application: options.application, loopsAsErrors });
    const why = answer.kind === 'crashed' ? answer.message : 'the explorer failed';
    diagnostics.push({ severity: 'warning', code: 'EXPLORATION_BOUND', message: `the flow could not be explored, so JIT/MFA conflicts were not checked: ${why}`, line: 1, column: 0, endLine: 1, endColumn: 0 });
    return { diagnostics, graph: { nodes: [], edges: [] }, conflicts: [], truncated: true };
  }

  async simulate(scenario: unknown, tenant = 'lab'): Promise<Trace> {
    const answer = await this.pool.request({ kind: 'simulate', tenant, scenario });
    if (answer.kind === 'trace') return answer.trace;
    if (answer.kind === 'invalid') throw new ApiError('SCENARIO_INVALID', `invalid scenario: ${answer.problems[0] ?? ''}${answer.problems.length > 1 ? ` (and ${answer.problems.length - 1} more)` : ''}`, { problems: answer.problems });
    throw new ApiError('INTERNAL', 'the simulator answered with something else than a trace');
  }

  close(): Promise<void> {
    return this.pool.stop();
  }
}
