/**
 * The second fix of a JIT/MFA conflict: run the step that needs a local account only after a local
 * sign-in. It rewrites the script's own `executeStep(N)` call rather than replacing the script:
 *
 * - inside a callback (`onSuccess: function (context) { executeStep(2); }`), the call is wrapped
 *   in `if (context.steps[M].idp == 'LOCAL') { ... }`;
 * - at top level right after `executeStep(M)` with no callbacks (the seed's "always MFA" script),
 *   the call moves into an onSuccess of step M, behind the same check.
 *
 * Anything else returns null and the UI offers the "Skip MFA for external connections" template.
 */
import { parse, type CallExpression, type Node, type Program, type Statement } from 'acorn';
import { ancestor } from 'acorn-walk';

export interface GuardResult {
  readonly source: string;
  /** 1-based line of the guard, to reveal it. */
  readonly line: number;
}

function isStepCall(node: Node | null | undefined, step?: number): node is CallExpression {
  if (node?.type !== 'CallExpression') return false;
  const call = node as CallExpression;
  const first = call.arguments[0];
  return call.callee.type === 'Identifier' && call.callee.name === 'executeStep' && first?.type === 'Literal' && (step === undefined || first.value === step);
}

function indentAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

/** `firstStep` is the step through which the pass-through connection signed the user in. */
export function insertMfaGuard(source: string, mfaStep: number, firstStep: number): GuardResult | null {
  let program: Program;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  } catch {
    return null;
  }
  const check = `context.steps[${firstStep}].idp == 'LOCAL'`;
  let target: { statement: Statement; inCallback: boolean; previous: Statement | undefined } | null = null;
  ancestor(program, {
    ExpressionStatement(node, _state, ancestors) {
      if (target !== null || !isStepCall((node as unknown as { expression: Node }).expression, mfaStep)) return;
      const inCallback = ancestors.some((a) => a.type === 'Property' && isStepCall(ancestors[ancestors.indexOf(a) - 2]));
      const parent = ancestors[ancestors.length - 2] as { body?: Statement[] } | undefined;
      const siblings = Array.isArray(parent?.body) ? parent.body : [];
      const index = siblings.indexOf(node as unknown as Statement);
      target = { statement: node as unknown as Statement, inCallback, previous: index > 0 ? siblings[index - 1] : undefined };
    },
  });
  if (target === null) return null;
  const { statement, inCallback, previous } = target as { statement: Statement; inCallback: boolean; previous: Statement | undefined };
  const indent = indentAt(source, statement.start);
  const text = source.slice(statement.start, statement.end);
  if (inCallback) {
    const guarded = `if (${check}) {\n${indent}    ${text}\n${indent}}`;
    return { source: source.slice(0, statement.start) + guarded + source.slice(statement.end), line: lineOf(source, statement.start) };
  }
  // Top level: the step before must be `executeStep(firstStep)` with nothing but the step id.
  const prevCall = previous?.type === 'ExpressionStatement' ? previous.expression : null;
  if (previous === undefined || !isStepCall(prevCall, firstStep) || (prevCall as CallExpression).arguments.length !== 1) return null;
  const i = indent;
  const replacement =
    `executeStep(${firstStep}, {\n` +
    `${i}    onSuccess: function (context) {\n` +
    `${i}        // Only local sign-ins have a local account for the second factor.\n` +
    `${i}        if (${check}) {\n` +
    `${i}            ${text}\n` +
    `${i}        }\n` +
    `${i}    }\n` +
    `${i}});`;
  return { source: source.slice(0, previous.start) + replacement + source.slice(statement.end), line: lineOf(source, previous.start) };
}

/** The step a conflict's path came through ("step 1 via GitHub" → 1). */
export function passThroughStep(path: readonly string[], connection: string): number {
  for (const p of path) {
    const m = /^step (\d+) via (.+)$/.exec(p);
    if (m !== null && m[2] === connection) return Number(m[1]);
  }
  return 1;
}
