/**
 * Everything the analyzer says about a script for an application: the diagnostics, and, when the
 * application is known, the JIT/MFA conflicts its flows reach and the flow graph.
 */
import type * as acorn from 'acorn';
import type { ApplicationSnapshotInput } from '../../runtime/protocol.js';
import type { Sandbox } from '../../runtime/host/sandbox.js';
import type { ConnectionInput } from '../provisioning/connection.js';
import { analyze } from './analyze.js';
import { diagnostic, type Diagnostic } from './diagnostic.js';
import { explore, type Conflict, type FlowGraph } from './explore.js';
import { calleeName, parseScript } from './script-model.js';

export interface LintOptions {
  readonly application?: ApplicationSnapshotInput | undefined;
  readonly connections?: readonly ConnectionInput[] | undefined;
  readonly loopsAsErrors?: boolean | undefined;
  readonly sandbox?: Sandbox | undefined;
}

export interface LintResult {
  readonly diagnostics: Diagnostic[];
  /** The exploration (graph, conflicts): present when the application was given and the script parses. */
  readonly graph?: FlowGraph;
  readonly conflicts?: Conflict[];
  /** The exploration hit its bound. */
  readonly truncated?: boolean;
}

export function lint(source: string, options: LintOptions = {}): LintResult {
  const diagnostics = analyze(source, { application: options.application, loopsAsErrors: options.loopsAsErrors });
  if (options.application === undefined || diagnostics.some((d) => d.code === 'SYNTAX' || d.code === 'NO_ENTRY_POINT' || d.code === 'LEGACY_ENTRY_POINT')) {
    return { diagnostics };
  }
  const exploration = explore(source, { application: options.application, connections: options.connections, sandbox: options.sandbox });
  const steps = stepCalls(source);
  for (const c of exploration.conflicts) {
    const at = steps.get(c.step) ?? { loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } } };
    diagnostics.push(
      diagnostic(
        'warning',
        'JIT_MFA_CONFLICT',
        `${c.connection} has JIT provisioning off, and after a login through it this script can run step ${c.step} (${c.authenticator}), which needs a local account: that login fails with LOCAL_ACCOUNT_REQUIRED. Path: ${c.path.join(' → ')}. Enable JIT provisioning on ${c.connection}, or run step ${c.step} only for local logins (if (context.steps[1].idp == 'LOCAL')).`,
        at,
      ),
    );
  }
  if (exploration.truncated) {
    diagnostics.push(diagnostic('info', 'EXPLORATION_BOUND', `the flow explorer stopped after ${exploration.runs} runs: paths past the bound were not checked for JIT/MFA conflicts`, { loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } } }));
  }
  return { diagnostics, graph: exploration.graph, conflicts: exploration.conflicts, truncated: exploration.truncated };
}

/** The first executeStep(n) call for each literal step number, to point a conflict at. */
function stepCalls(source: string): Map<number, acorn.CallExpression> {
  const out = new Map<number, acorn.CallExpression>();
  for (const { node } of parseScript(source).calls) {
    const first = node.arguments[0];
    if (calleeName(node) === 'executeStep' && first?.type === 'Literal' && typeof first.value === 'number' && !out.has(first.value)) out.set(first.value, node);
  }
  return out;
}
