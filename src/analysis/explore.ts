/**
 * Explores a script's flows: runs it in the real sandbox over every IdP choice of every step and
 * every step outcome (success, fail), every prompt answer and async result, and both answers to
 * role and group reads, up to a bound. It yields
 *
 * - the JIT/MFA conflicts, reading the script rather than the step table: each connection with JIT
 *   provisioning off after which a step that needs a local account (TOTP, email OTP, SMS OTP,
 *   FIDO, ...) can run, with the path that leads there ("step 1 via GitHub → step 2 totp");
 * - the flow graph: steps with their allowed options, prompts, async calls and the ends, with
 *   edges labelled by what was taken.
 *
 * No warning when the script guards MFA with `context.steps[1].idp == 'LOCAL'`: that path is never
 * explored, because the script never takes it.
 */
import { RunInputSchema, type ApplicationSnapshotInput, type JournalEventInput, type StepOption, type UserSnapshotInput, type Waiting } from '../../runtime/protocol.js';
import { Sandbox, type RunResult } from '../../runtime/host/sandbox.js';
import { ConnectionSchema, type ConnectionInput } from '../provisioning/connection.js';
import { LOCAL_ACCOUNT_AUTHENTICATORS } from './api-catalog.js';

export interface GraphNode {
  readonly id: string;
  readonly kind: 'start' | 'step' | 'prompt' | 'async' | 'success' | 'fail' | 'error';
  readonly label: string;
  readonly step?: number;
  readonly options?: readonly StepOption[];
  readonly code?: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface FlowGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

export interface Conflict {
  /** The connection with JIT provisioning off. */
  readonly connection: string;
  /** The step that needs a local account, and its authenticator. */
  readonly step: number;
  readonly authenticator: string;
  /** What leads there, e.g. ["step 1 via GitHub", "step 2 totp"]. */
  readonly path: readonly string[];
}

export interface Exploration {
  readonly graph: FlowGraph;
  readonly conflicts: Conflict[];
  readonly runs: number;
  /** The bound was hit: some paths were not explored. */
  readonly truncated: boolean;
}

export interface ExploreOptions {
  readonly application: ApplicationSnapshotInput;
  readonly connections?: readonly ConnectionInput[];
  /** Runs of the script at most (each path prefix is one run). */
  readonly maxRuns?: number;
  /** Step outcomes on one path at most (retry loops end here). */
  readonly maxDepth?: number;
  readonly sandbox?: Sandbox;
}

interface Pending {
  readonly journal: JournalEventInput[];
  readonly path: string[];
  readonly from: string;
  readonly label: string;
  /** The connection with JIT off the path came through, if any. */
  readonly passthrough: string | null;
}

const T0 = Date.UTC(2026, 0, 1, 12);

export function explore(source: string, options: ExploreOptions): Exploration {
  const sandbox = options.sandbox ?? new Sandbox();
  const maxRuns = options.maxRuns ?? 400;
  const maxDepth = options.maxDepth ?? 6;
  const connections = new Map((options.connections ?? []).map((c) => { const p = ConnectionSchema.parse(c); return [p.name, p] as const; }));
  const literals = stringLiterals(source);
  const nodes = new Map<string, GraphNode>([['start', { id: 'start', kind: 'start', label: 'start' }]]);
  const edges = new Map<string, GraphEdge>();
  const conflicts = new Map<string, Conflict>();
  const stack: Pending[] = [{ journal: [{ kind: 'started', at: T0, seed: 1 }], path: [], from: 'start', label: '', passthrough: null }];
  let runs = 0;
  let truncated = false;
  const edge = (from: string, to: string, label: string) => edges.set(`${from}\u0000${to}\u0000${label}`, { from, to, label });

  try {
    while (stack.length > 0) {
      if (runs >= maxRuns) {
        truncated = true;
        break;
      }
      const item = stack.pop()!;
      runs++;
      const input = RunInputSchema.parse({ application: options.application, journal: item.journal });
      const result: RunResult = sandbox.run({ tenant: 'analysis', source, input });
      const o = result.outcome;
      const at = T0 + item.journal.length * 1000;
      if (o.kind === 'waiting') {
        const w = o.waiting;
        if (w.kind === 'read') {
          // Both answers to a role or group check; other reads answer "nothing found".
          const answers = w.call === 'getRolesOfUser' || w.call === 'getGroupsOfUser' ? [[], literals] : [null];
          for (const value of answers) {
            stack.push({ ...item, journal: [...item.journal, ...result.newEvents.map(asInput), { kind: 'read', at, call: w.call, args: w.args, result: value }] });
          }
          continue;
        }
        const id = nodeId(w);
        if (!nodes.has(id)) nodes.set(id, nodeFor(id, w));
        edge(item.from, id, item.label);
        const depth = item.journal.filter((e) => e.kind !== 'read' && e.kind !== 'started').length;
        if (depth >= maxDepth) {
          truncated = true;
          continue;
        }
        const base = [...item.journal, ...result.newEvents.map(asInput)];
        for (const next of branches(w, item, at, connections, literals)) {
          if (next.conflict !== null) {
            const key = `${next.conflict.connection}\u0000${next.conflict.step}\u0000${next.conflict.authenticator}`;
            if (!conflicts.has(key)) conflicts.set(key, next.conflict);
          }
          stack.push({ journal: [...base, next.event], path: [...item.path, next.step], from: id, label: next.label, passthrough: next.passthrough });
        }
        continue;
      }
      const end = o.kind === 'success' ? { id: 'success', kind: 'success' as const, label: 'login succeeds' } : o.kind === 'fail' ? { id: `fail:${o.code}`, kind: 'fail' as const, label: `fails: ${o.code}`, code: o.code } : o.kind === 'error' ? { id: `error:${o.error.code}`, kind: 'error' as const, label: `error: ${o.error.code}`, code: o.error.code } : null;
      if (end === null) continue;
      if (!nodes.has(end.id)) nodes.set(end.id, end);
      edge(item.from, end.id, item.label);
    }
  } finally {
    if (options.sandbox === undefined) sandbox.dispose();
  }
  return { graph: { nodes: [...nodes.values()], edges: [...edges.values()] }, conflicts: [...conflicts.values()], runs, truncated };
}

function asInput(e: RunResult['newEvents'][number]): JournalEventInput {
  return e;
}

function nodeId(w: Exclude<Waiting, { kind: 'read' }>): string {
  switch (w.kind) {
    case 'step':
      return `step:${w.step}:${w.options.map((o) => `${o.idp}/${o.authenticator}`).join(',')}`;
    case 'prompt':
      return `prompt:${w.templateId}`;
    case 'async':
      return `async:${w.call}:${typeof w.args === 'object' && w.args !== null && !Array.isArray(w.args) ? String(w.args.url ?? '') : ''}`;
  }
}

function nodeFor(id: string, w: Exclude<Waiting, { kind: 'read' }>): GraphNode {
  switch (w.kind) {
    case 'step':
      return { id, kind: 'step', label: `step ${w.step}: ${w.options.map((o) => (o.idp === 'LOCAL' ? o.authenticator : o.idp)).join(' | ')}`, step: w.step, options: w.options };
    case 'prompt':
      return { id, kind: 'prompt', label: `prompt ${w.templateId}` };
    case 'async':
      return { id, kind: 'async', label: `${w.call} ${id.split(':').slice(2).join(':')}`.trim() };
  }
}

interface Branch {
  readonly event: JournalEventInput;
  readonly label: string;
  readonly step: string;
  readonly passthrough: string | null;
  readonly conflict: Conflict | null;
}

const LOCAL_USER: UserSnapshotInput = { username: 'local-user', userStoreDomain: 'PRIMARY', federated: false, idp: 'LOCAL' };

function branches(
  w: Exclude<Waiting, { kind: 'read' }>,
  item: Pending,
  at: number,
  connections: ReadonlyMap<string, ReturnType<typeof ConnectionSchema.parse>>,
  literals: string[],
): Branch[] {
  if (w.kind === 'prompt') {
    return [{ event: { kind: 'prompt', at, action: 'success', data: {} }, label: `${w.templateId} answered`, step: `prompt ${w.templateId}`, passthrough: item.passthrough, conflict: null }];
  }
  if (w.kind === 'async') {
    return (['onSuccess', 'onFail', 'onTimeout'] as const).map((outcome) => ({
      event: { kind: 'async', at, outcome, data: {} },
      label: `${w.call} ${outcome}`,
      step: `${w.call} ${outcome}`,
      passthrough: item.passthrough,
      conflict: null,
    }));
  }
  const out: Branch[] = [];
  for (const option of w.options) {
    const stepLabel = option.idp === 'LOCAL' ? `step ${w.step} ${option.authenticator}` : `step ${w.step} via ${option.idp}`;
    const base = { kind: 'step' as const, at, step: w.step, idp: option.idp, authenticator: option.authenticator };
    if (option.idp !== 'LOCAL') {
      const connection = connections.get(option.idp) ?? ConnectionSchema.parse({ name: option.idp });
      const jit = connection.jit.enabled;
      const subjects: UserSnapshotInput[] = jit
        ? [{ username: `${option.idp.toLowerCase()}-user`, userStoreDomain: 'PRIMARY', federated: false, idp: option.idp }]
        : [
            { username: `${option.idp.toLowerCase()}-subject`, userStoreDomain: null, federated: true, idp: option.idp },
            // The same user in every group the script names: group checks take their other branch.
            { username: `${option.idp.toLowerCase()}-subject`, userStoreDomain: null, federated: true, idp: option.idp, groups: literals, remoteClaims: { groups: literals.join(',') } },
          ];
      for (const subject of subjects) {
        out.push({ event: { ...base, outcome: 'success', subject }, label: `via ${option.idp}`, step: stepLabel, passthrough: jit ? null : option.idp, conflict: null });
      }
      out.push({ event: { ...base, outcome: 'fail' }, label: `${option.idp} fails`, step: stepLabel, passthrough: item.passthrough, conflict: null });
      continue;
    }
    if (LOCAL_ACCOUNT_AUTHENTICATORS.has(option.authenticator) && item.passthrough !== null) {
      // The real authenticator fails here: there is no local account after a pass-through login.
      const conflict = { connection: item.passthrough, step: w.step, authenticator: option.authenticator, path: [...item.path, `step ${w.step} ${option.authenticator}`] };
      out.push({
        event: { ...base, outcome: 'fail', reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: 'no local account' } },
        label: `${option.authenticator}: LOCAL_ACCOUNT_REQUIRED`,
        step: stepLabel,
        passthrough: item.passthrough,
        conflict,
      });
      continue;
    }
    // A second factor keeps who the flow knows; a first factor signs a local user in.
    const second = LOCAL_ACCOUNT_AUTHENTICATORS.has(option.authenticator);
    out.push({ event: { ...base, outcome: 'success', subject: LOCAL_USER }, label: `${option.authenticator} succeeds`, step: stepLabel, passthrough: second ? item.passthrough : null, conflict: null });
    out.push({ event: { ...base, outcome: 'fail' }, label: `${option.authenticator} fails`, step: stepLabel, passthrough: item.passthrough, conflict: null });
  }
  return out;
}

/** The string literals of a script: the role and group names its checks may ask for. */
function stringLiterals(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/'((?:[^'\\\n]|\\.){1,100})'|"((?:[^"\\\n]|\\.){1,100})"/g)) found.add(m[1] ?? m[2] ?? '');
  return [...found].slice(0, 200);
}
