/**
 * `authscript simulate FILE [--json]` (shared/SCENARIOS.md): prints the scenario's trace. With
 * --json, exactly one JSON document on stdout, also when the outcome is an error; the exit code is
 * 0 whenever a trace was produced, and 1 only when the scenario file cannot be read or is invalid
 * (a message on stderr, and a trace with SCENARIO_INVALID on stdout). The scenario runs in a
 * supervised child process, so a script that kills its process still yields a trace.
 */
import type { Command } from 'commander';
import { loadScenarioFile, ScenarioInvalidError } from '../../simulate/simulate.js';
import { simulationPool } from '../../simulate/simulation-pool.js';
import type { Trace } from '../../simulate/scenario-schema.js';
import { errorTrace } from '../../simulate/trace.js';
import { describeTrace } from '../describe-trace.js';

export function simulateCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('simulate')
    .description('run one scenario file and print its trace')
    .argument('<file>', 'a scenario file (*.scenario.json)')
    .option('--json', 'print the trace as one JSON document')
    .action(async (file: string, options: { json?: boolean }) => {
      const print = (trace: Trace) => process.stdout.write(options.json ? JSON.stringify(trace) + '\n' : describeTrace(trace));
      try {
        await loadScenarioFile(file);
      } catch (e) {
        if (!(e instanceof ScenarioInvalidError)) throw e;
        process.stderr.write(`authscript: ${file} is not a valid scenario:\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`);
        print(errorTrace('SCENARIO_INVALID', e.problems.join('; ')));
        setExit(1);
        return;
      }
      const pool = simulationPool(1);
      await pool.start();
      try {
        const response = await pool.request({ path: file });
        if (response.kind === 'invalid') {
          process.stderr.write(`authscript: ${file} is not a valid scenario:\n${response.problems.map((p) => `  ${p}`).join('\n')}\n`);
          print(errorTrace('SCENARIO_INVALID', response.problems.join('; ')));
          setExit(1);
          return;
        }
        print(response.trace);
      } finally {
        await pool.stop();
      }
    });
}
