/**
 * Runs the benchmarks in one process and prints a table per figure, or with `--json` exactly one
 * JSON object on stdout (progress and everything else on stderr), one member per benchmark module.
 *
 *   npm run bench                      tables
 *   npm run bench --silent -- --json   one JSON object
 *   npm run bench -- --only=runtime    some modules only (comma-separated keys)
 *   npm run bench -- --quick           short measurements, for trying the bench out
 *
 * A new benchmark is a module (bench/_support/bench-module.ts) added to BENCHMARKS.
 */
import os from 'node:os';
import type { BenchModule, JsonValue, Table } from './_support/bench-module.js';
import { analysisBench } from './analysis.js';
import { containmentBench } from './containment.js';
import { httpBench } from './http.js';
import { loginBench } from './login.js';
import { memoryBench } from './memory.js';
import { runtimeBench } from './runtime.js';

const BENCHMARKS: readonly BenchModule[] = [runtimeBench, memoryBench, containmentBench, loginBench, analysisBench, httpBench];

interface Args {
  readonly json: boolean;
  readonly quick: boolean;
  readonly only: ReadonlySet<string> | null;
}

function parseArgs(argv: readonly string[]): Args {
  let json = false;
  let quick = false;
  let only: Set<string> | null = null;
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) only = new Set(arg.slice('--only='.length).split(',').filter((s) => s !== ''));
    else throw new Error(`unknown argument ${arg} (expected --json, --quick, --only=key,key)`);
  }
  if (only !== null) {
    for (const k of only) if (!BENCHMARKS.some((b) => b.key === k)) throw new Error(`no benchmark named ${k} (have ${BENCHMARKS.map((b) => b.key).join(', ')})`);
  }
  return { json, quick, only };
}

function environment(): { [key: string]: JsonValue } {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    date: new Date().toISOString(),
    /** 1-minute load average when the bench started: other work on the machine skews every figure. */
    load_at_start: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

function renderTable(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)];
  for (const n of t.notes ?? []) out.push(`  · ${n}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.json) {
    // Stdout carries the JSON object and nothing else.
    console.log = console.error;
    console.info = console.error;
    console.debug = console.error;
  }
  const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const env = environment();
  progress(`node ${env['node']}, ${env['cores']} × ${env['cpu']}${args.quick ? ' (quick: rough figures)' : ''}`);

  const result: { [key: string]: JsonValue } = {};
  const tables: Table[] = [];
  const started = process.hrtime.bigint();
  for (const bench of BENCHMARKS) {
    if (args.only !== null && !args.only.has(bench.key)) continue;
    progress(`${bench.key}: ${bench.title}`);
    const t0 = process.hrtime.bigint();
    const out = await bench.run({ quick: args.quick, progress });
    progress(`${bench.key}: done in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
    result[bench.key] = out.json;
    tables.push(...out.tables);
  }
  const loadAtEnd = Number(os.loadavg()[0]!.toFixed(2));
  result['environment'] = { ...env, load_at_end: loadAtEnd, quick: args.quick, total_s: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)) };

  if (args.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write(`authscript benchmarks — node ${env['node']}, ${env['platform']}, ${env['cores']} × ${env['cpu']}\n\n`);
    process.stdout.write(tables.map(renderTable).join('\n\n') + '\n');
    process.stdout.write(`\n1-minute load average: ${env['load_at_start']} at the start, ${loadAtEnd} at the end (${env['cores']} cores); the bench itself accounts for about 1; more means other work shared the CPUs and the figures are slower and noisier.\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
