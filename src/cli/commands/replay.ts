/**
 * `authscript replay SCRIPT INPUT`: runs a script against a flow input (application, request,
 * journal) once, in a contained child process, and prints what the flow waits for or how it
 * ended, with the new commands, logs and journal events. The sandbox's one call, for debugging
 * journals and measuring the runtime.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { RunInputSchema } from '../../../runtime/protocol.js';
import { SandboxPool } from '../../../runtime/host/sandbox-pool.js';
import type { RunResult } from '../../../runtime/host/sandbox.js';

export function replayCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description('run a script against a journal (application + request + journal JSON) and print the result')
    .argument('<script>', 'the login script (.js)')
    .argument('<input>', 'JSON file: { application, request?, journal, appliedCommands?, emittedLogs? }')
    .option('--json', 'print the result as JSON')
    .option('--tenant <name>', 'tenant to run as', 'default')
    .action(async (scriptPath: string, inputPath: string, options: { json?: boolean; tenant: string }) => {
      const source = await readFile(scriptPath, 'utf8');
      const raw = await readJson(inputPath);
      const parsed = RunInputSchema.safeParse(raw);
      if (!parsed.success) {
        const lines = parsed.error.issues.map((i) => `  ${inputPath}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
        process.stderr.write(`authscript: invalid input\n${lines.join('\n')}\n`);
        setExit(2);
        return;
      }
      const pool = new SandboxPool({ workers: 1, quarantineAfter: Number.MAX_SAFE_INTEGER });
      await pool.start();
      try {
        const result = await pool.run({ tenant: options.tenant, source, input: parsed.data });
        process.stdout.write(options.json ? JSON.stringify(result) + '\n' : describeResult(result));
        setExit(result.outcome.kind === 'error' ? 1 : 0);
      } finally {
        await pool.stop();
      }
    });
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

function describeResult(r: RunResult): string {
  const lines: string[] = [];
  for (const l of r.newLogs) lines.push(`log ${l.level.padEnd(5)} ${l.message}`);
  for (const c of r.newCommands) lines.push(`command ${JSON.stringify(c)}`);
  for (const e of r.newEvents) lines.push(`journal + ${JSON.stringify(e)}`);
  const o = r.outcome;
  switch (o.kind) {
    case 'waiting':
      lines.push(`waiting for ${JSON.stringify(o.waiting)}`);
      break;
    case 'success':
      lines.push(`success: subject step ${o.subjectStep ?? '-'}, attribute step ${o.attributeStep ?? '-'}`);
      break;
    case 'fail':
      lines.push(`fail ${o.code}: ${o.message}${o.redirect ? ` -> ${o.redirect.url ?? '(default error page)'}` : ''}`);
      break;
    case 'error': {
      const at = o.error.line !== null ? ` at line ${o.error.line}:${o.error.column ?? 0}` : '';
      lines.push(`error ${o.error.code}${at}: ${o.error.message}`);
      break;
    }
  }
  lines.push(`(${r.stats.wallMs.toFixed(2)} ms, ${r.queuedNodes} node(s) queued in the flow)`);
  return lines.join('\n') + '\n';
}
