/**
 * `authscript` command line. Commands are small modules under src/cli/commands; this file wires
 * them into commander and turns thrown errors into a message and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { lintCommand } from './commands/lint.js';
import { replayCommand } from './commands/replay.js';
import { schemaCommand } from './commands/schema.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { templatesCommand } from './commands/templates.js';
import { testCommand } from './commands/test.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('authscript')
    .description('Sandboxed runtime for conditional-authentication scripts (WSO2 / Asgardeo dialect)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  simulateCommand(program, setExit);
  lintCommand(program, setExit);
  testCommand(program, setExit);
  replayCommand(program, setExit);
  schemaCommand(program);
  templatesCommand(program, setExit);
  serveCommand(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`authscript: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return exitCode;
}
