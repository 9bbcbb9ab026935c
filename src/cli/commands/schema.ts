/** `authscript schema scenario|trace`: prints the JSON Schema of a public format. */
import type { Command } from 'commander';
import { scenarioJsonSchema, traceJsonSchema } from '../../simulate/json-schema.js';

export function schemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the scenario or the trace format')
    .argument('<format>', 'scenario | trace')
    .action((format: string) => {
      if (format !== 'scenario' && format !== 'trace') throw new Error(`unknown format "${format}" (scenario or trace)`);
      process.stdout.write(JSON.stringify(format === 'scenario' ? scenarioJsonSchema() : traceJsonSchema(), null, 2) + '\n');
    });
}
