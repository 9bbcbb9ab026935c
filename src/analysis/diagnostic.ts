/**
 * A diagnostic of the analyzer: severity, a stable code, a message, the range it is about
 * (1-based lines, 0-based columns, as acorn and monaco count), and a suggested fix where one
 * exists. One definition, for `authscript lint --json`, the server and the editor.
 */
import { z } from 'zod';

export const DIAGNOSTIC_CODES = [
  'SYNTAX',
  'NO_ENTRY_POINT',
  'LEGACY_ENTRY_POINT',
  'UNKNOWN_FUNCTION',
  'NOT_AVAILABLE',
  'RESTRICTED_FUNCTION',
  'WRONG_ARITY',
  'WRONG_ARGUMENT',
  'UNKNOWN_STEP',
  'OPTIONS_AS_CALLBACKS',
  'UNKNOWN_EVENT',
  'LOOP',
  'IMPLICIT_GLOBAL',
  'UNREACHABLE_AFTER_END',
  'REQUIRE_PATH',
  'WSO2_PORTABILITY',
  'CLOSURE_ACROSS_STEPS',
  'JIT_MFA_CONFLICT',
  'EXPLORATION_BOUND',
] as const;

export const DiagnosticSchema = z
  .object({
    severity: z.enum(['error', 'warning', 'info']),
    code: z.enum(DIAGNOSTIC_CODES),
    message: z.string(),
    line: z.number().int().positive(),
    column: z.number().int().nonnegative(),
    endLine: z.number().int().positive(),
    endColumn: z.number().int().nonnegative(),
    /** A suggested fix: replace the text between the positions (same counting as above). */
    fix: z
      .object({
        title: z.string(),
        edits: z.array(z.object({ line: z.number().int(), column: z.number().int(), endLine: z.number().int(), endColumn: z.number().int(), text: z.string() }).strict()),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Diagnostic = z.infer<typeof DiagnosticSchema>;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export interface Located {
  readonly loc?: { readonly start: { line: number; column: number }; readonly end: { line: number; column: number } } | null | undefined;
}

export function diagnostic(
  severity: Diagnostic['severity'],
  code: DiagnosticCode,
  message: string,
  node: Located,
  fix?: Diagnostic['fix'],
): Diagnostic {
  const loc = node.loc ?? { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
  return {
    severity,
    code,
    message,
    line: loc.start.line,
    column: loc.start.column,
    endLine: loc.end.line,
    endColumn: loc.end.column,
    ...(fix === undefined ? {} : { fix }),
  };
}
