/**
 * `authscript test [paths...]`: finds *.scenario.json files (the paths, or the files in the
 * folders given; the current folder by default), simulates each in supervised child processes,
 * checks its `expect`, prints one line per scenario and a closing line `N passed, N failed` on
 * stdout (what failed, and why, on stderr), and exits 1 when any failed.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { checkExpectations } from '../../simulate/expectations.js';
import { loadScenarioFile, ScenarioInvalidError } from '../../simulate/simulate.js';
import { simulationPool } from '../../simulate/simulation-pool.js';

const SUFFIX = '.scenario.json';

export async function findScenarios(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string, explicit: boolean): Promise<void> => {
    const s = await stat(path).catch(() => null);
    if (s === null) throw new Error(`${path}: no such file or folder`);
    if (s.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        if (e.isDirectory() || e.name.endsWith(SUFFIX)) await walk(join(path, e.name), false);
      }
    } else if (explicit || path.endsWith(SUFFIX)) {
      found.push(path);
    }
  };
  for (const p of paths.length > 0 ? paths : ['.']) await walk(p, true);
  return found;
}

export function testCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('test')
    .description('run scenario files and check their expectations')
    .argument('[paths...]', 'scenario files or folders of them (default: the current folder)')
    .option('--workers <n>', 'child processes to run scenarios in', '2')
    .action(async (paths: string[], options: { workers: string }) => {
      const files = await findScenarios(paths);
      const workers = Math.max(1, Math.min(Number.parseInt(options.workers, 10) || 1, files.length || 1));
      const pool = simulationPool(workers);
      await pool.start();
      let passed = 0;
      let failed = 0;
      try {
        const results = await Promise.all(files.map((file) => runOne(file, pool)));
        for (const r of results) {
          if (r.ok) passed++;
          else failed++;
          // stdout: exactly one line per scenario and the closing line; the why goes to stderr.
          const label = `${relative(process.cwd(), r.file) || r.file}${r.name ? ` (${r.name})` : ''}`;
          process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'} ${label}\n`);
          if (r.details.length > 0) process.stderr.write(`${r.ok ? 'PASS' : 'FAIL'} ${label}\n${r.details.map((l) => `     ${l}\n`).join('')}`);
        }
      } finally {
        await pool.stop();
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      setExit(failed > 0 || files.length === 0 ? 1 : 0);
    });
}

interface Result {
  readonly file: string;
  readonly name: string | null;
  readonly ok: boolean;
  readonly details: string[];
}

async function runOne(file: string, pool: ReturnType<typeof simulationPool>): Promise<Result> {
  let expect;
  let name: string | null = null;
  try {
    const loaded = await loadScenarioFile(file);
    expect = loaded.scenario.expect;
    name = loaded.scenario.name ?? null;
  } catch (e) {
    if (e instanceof ScenarioInvalidError) return { file, name, ok: false, details: ['SCENARIO_INVALID', ...e.problems] };
    throw e;
  }
  const response = await pool.request({ path: file });
  if (response.kind === 'invalid') return { file, name, ok: false, details: ['SCENARIO_INVALID', ...response.problems] };
  const trace = response.trace;
  if (expect === undefined) return { file, name, ok: true, details: [`no expectations; outcome ${trace.outcome}`] };
  const mismatches = checkExpectations(expect, trace);
  if (mismatches.length === 0) return { file, name, ok: true, details: [] };
  const details = mismatches.map((m) => `${m.path}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
  if (trace.error !== null) details.push(`(the flow ended with ${trace.error.code}: ${trace.error.message})`);
  return { file, name, ok: false, details };
}
