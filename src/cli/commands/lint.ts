/**
 * `authscript lint FILE [--app FILE] [--json] [--graph] [--loops-as-errors]`: diagnostics like a
 * compiler (`file:line:col severity code message`), or JSON (`{"diagnostics": [...], "graph"?}`);
 * exit 1 when there is an error. `--app` takes a JSON file with `application` and `connections`
 * in the scenario format (a scenario file itself works): then step ids are checked and the flows
 * explored for JIT/MFA conflicts.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { ApplicationSnapshotSchema } from '../../../runtime/protocol.js';
import { lint } from '../../analysis/lint.js';
import { ConnectionSchema } from '../../provisioning/connection.js';

const AppFileSchema = z.object({ application: ApplicationSnapshotSchema, connections: z.array(ConnectionSchema).default([]) }).loose();

export function lintCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('lint')
    .description('check a script: syntax, API use, WSO2 traps, and JIT/MFA conflicts with --app')
    .argument('<file>', 'the login script (.js)')
    .option('--app <file>', 'JSON with application and connections (a scenario file works)')
    .option('--json', 'print {"diagnostics": [...]} as JSON')
    .option('--graph', 'include the flow graph (needs --app)')
    .option('--loops-as-errors', 'report loops as errors, as hosts that forbid loops do')
    .action(async (file: string, options: { app?: string; json?: boolean; graph?: boolean; loopsAsErrors?: boolean }) => {
      const source = await readFile(file, 'utf8');
      let app: z.infer<typeof AppFileSchema> | undefined;
      if (options.app !== undefined) {
        const text = await readFile(options.app, 'utf8');
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch (e) {
          throw new Error(`${options.app} is not valid JSON: ${(e as Error).message}`);
        }
        const parsed = AppFileSchema.safeParse(raw);
        if (!parsed.success) {
          process.stderr.write(`authscript: ${options.app}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}\n`);
          setExit(2);
          return;
        }
        app = parsed.data;
      }
      const result = lint(source, { application: app?.application, connections: app?.connections, loopsAsErrors: options.loopsAsErrors });
      if (options.json) {
        process.stdout.write(JSON.stringify({ diagnostics: result.diagnostics, ...(options.graph && result.graph ? { graph: result.graph } : {}) }) + '\n');
      } else {
        for (const d of result.diagnostics) process.stdout.write(`${file}:${d.line}:${d.column + 1}: ${d.severity} ${d.code}: ${d.message}\n`);
        if (options.graph && result.graph) process.stdout.write(JSON.stringify(result.graph, null, 2) + '\n');
        const count = (s: string) => result.diagnostics.filter((d) => d.severity === s).length;
        process.stdout.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} note(s)\n`);
      }
      setExit(result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
    });
}
