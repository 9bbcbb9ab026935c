/**
 * `authscript` command line. Commands are small modules under src/cli/commands; this file wires
 * them into commander and turns thrown errors into a message and an exit code.
 */
import { Command, CommanderError } from 'commander';
import { replayCommand } from './commands/replay.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('authscript')
    .description('Sandboxed runtime for conditional-authentication scripts (WSO2 / Asgardeo dialect)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  let exitCode = 0;
  replayCommand(program, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`authscript: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return exitCode;
}
