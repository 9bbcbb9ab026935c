/**
 * Figure `runtime`: per-run latency and throughput of the same 20-line role-based step-up script
 * in authscript and in three baselines (isolated-vm with a new context per run, node:vm with a new
 * context per run, a plain function call), with the goals of the issue checked against them.
 *
 * Method: every engine is warmed up, then measured in three repetitions, interleaved (A B C D,
 * A B C D, A B C D) so that slow phases of a noisy machine hit all engines alike. A measurement
 * lasts at least `minMs` and `minRuns` runs; latency is per run (process.hrtime.bigint), runs_per_s
 * is runs over the loop's total time. Each figure reported is the median of the three repetitions.
 * The main heap is collected before each measurement so no engine pays for another's garbage.
 */
import type { BenchModule, BenchOptions, BenchOutput, JsonValue, Table } from './_support/bench-module.js';
import { checkSummary } from './_support/fixture.js';
import { collectGarbage, fmt, measureLoop, median, warmUp, type LoopSample } from './_support/stats.js';
import { authscriptEngine } from './engines/authscript.js';
import type { Engine } from './engines/engine.js';
import { ivmFreshContextEngine } from './engines/ivm-fresh-context.js';
import { nodeVmFreshContextEngine } from './engines/node-vm-fresh-context.js';
import { plainCallEngine } from './engines/plain-call.js';

const ENGINES: readonly (() => Engine)[] = [authscriptEngine, ivmFreshContextEngine, nodeVmFreshContextEngine, plainCallEngine];

const REPETITIONS = 3;

/** The goals of the issue. */
const GOALS = {
  speedup_vs_ivm_fresh_context: { target: 15, text: 'authscript median ≥ 15× faster than ivm fresh context' },
  slowdown_vs_plain_call: { target: 5, text: 'authscript median within 5× of a plain call' },
  p99_us: { target: 150, text: 'authscript p99 < 150 µs' },
  runs_per_s: { target: 40_000, text: 'authscript ≥ 40,000 runs/s' },
} as const;

interface EngineFigures {
  readonly median_us: number;
  readonly p99_us: number;
  readonly runs_per_s: number;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

export const runtimeBench: BenchModule = {
  key: 'runtime',
  title: 'Per-run cost of the role-based step-up script',
  async run(options: BenchOptions): Promise<BenchOutput> {
    const minMs = options.quick ? 300 : 2000;
    const minRuns = options.quick ? 300 : 3000;
    const warmMs = options.quick ? 200 : 1000;

    const engines = ENGINES.map((make) => make());
    const samples = new Map<string, LoopSample[]>(engines.map((e) => [e.key, []]));
    const failures = new Map<string, number>(engines.map((e) => [e.key, 0]));
    try {
      for (const e of engines) {
        checkSummary(e.key, e.summary());
        options.progress(`runtime: warming up ${e.key}`);
        warmUp(() => e.run(), warmMs);
      }
      for (let rep = 1; rep <= REPETITIONS; rep++) {
        for (const e of engines) {
          collectGarbage();
          warmUp(() => e.run(), Math.min(200, warmMs));
          let failed = 0;
          const s = measureLoop(() => {
            if (!e.run()) failed++;
          }, minMs, minRuns);
          failures.set(e.key, failures.get(e.key)! + failed);
          samples.get(e.key)!.push(s);
          options.progress(
            `runtime: rep ${rep}/${REPETITIONS} ${e.key.padEnd(22)} median ${fmt.us(s.median_us)} µs, p99 ${fmt.us(s.p99_us)} µs, ${fmt.int(s.runs_per_s)} runs/s (${s.runs} runs)`,
          );
        }
      }
      for (const e of engines) checkSummary(e.key, e.summary());
    } finally {
      for (const e of engines) e.dispose();
    }
    for (const [key, n] of failures) if (n > 0) throw new Error(`runtime: ${n} runs of ${key} did not end waiting for step 2`);

    const figures: Record<string, EngineFigures> = {};
    for (const [key, list] of samples) {
      figures[key] = {
        median_us: median(list.map((s) => s.median_us)),
        p99_us: median(list.map((s) => s.p99_us)),
        runs_per_s: median(list.map((s) => s.runs_per_s)),
      };
    }
    const a = figures['authscript']!;
    const ivm = figures['ivm_fresh_context']!;
    const nodeVm = figures['node_vm_fresh_context']!;
    const plain = figures['plain_call']!;
    const ratios = {
      /** ivm_fresh_context median / authscript median: how many times faster authscript is. */
      speedup_vs_ivm_fresh_context: ivm.median_us / a.median_us,
      /** node_vm_fresh_context median / authscript median. */
      speedup_vs_node_vm_fresh_context: nodeVm.median_us / a.median_us,
      /** authscript median / plain_call median: how many times slower than the physical limit. */
      slowdown_vs_plain_call: a.median_us / plain.median_us,
    };
    const goals = {
      speedup_vs_ivm_fresh_context: { ...GOALS.speedup_vs_ivm_fresh_context, measured: ratios.speedup_vs_ivm_fresh_context, pass: ratios.speedup_vs_ivm_fresh_context >= 15 },
      slowdown_vs_plain_call: { ...GOALS.slowdown_vs_plain_call, measured: ratios.slowdown_vs_plain_call, pass: ratios.slowdown_vs_plain_call <= 5 },
      p99_us: { ...GOALS.p99_us, measured: a.p99_us, pass: a.p99_us < 150 },
      runs_per_s: { ...GOALS.runs_per_s, measured: a.runs_per_s, pass: a.runs_per_s >= 40_000 },
    };

    const json: { [key: string]: JsonValue } = {};
    for (const [key, f] of Object.entries(figures)) {
      json[key] = { median_us: round(f.median_us), p99_us: round(f.p99_us), runs_per_s: round(f.runs_per_s, 0) };
    }
    json['ratios'] = {
      speedup_vs_ivm_fresh_context: round(ratios.speedup_vs_ivm_fresh_context),
      speedup_vs_node_vm_fresh_context: round(ratios.speedup_vs_node_vm_fresh_context),
      slowdown_vs_plain_call: round(ratios.slowdown_vs_plain_call),
    };
    json['goals'] = Object.fromEntries(
      Object.entries(goals).map(([k, g]) => [k, { goal: g.text, target: g.target, measured: round(g.measured), pass: g.pass }]),
    );
    json['method'] = {
      repetitions: REPETITIONS,
      figure: 'median of the repetitions',
      min_ms_per_measurement: minMs,
      min_runs_per_measurement: minRuns,
      runs_per_repetition: Object.fromEntries([...samples].map(([k, list]) => [k, list.map((s) => s.runs)])),
      median_us_per_repetition: Object.fromEntries([...samples].map(([k, list]) => [k, list.map((s) => round(s.median_us))])),
    };

    const labels = new Map(engines.map((e) => [e.key, e.label]));
    const engineTable: Table = {
      title: 'runtime — one run of the 20-line role-based step-up script (replay step 1, 1 host read, 1 log line, wait for step 2)',
      columns: ['engine', 'median µs', 'p99 µs', 'runs/s', 'median µs per rep'],
      rows: [...samples].map(([key, list]) => {
        const f = figures[key]!;
        return [
          `${key} (${labels.get(key)})`,
          fmt.us(f.median_us),
          fmt.us(f.p99_us),
          fmt.int(f.runs_per_s),
          list.map((s) => fmt.us(s.median_us)).join(' / '),
        ];
      }),
      notes: [
        `Median of ${REPETITIONS} interleaved repetitions, each ≥ ${minMs / 1000} s and ≥ ${minRuns} runs after warm-up; sequential runs in one process, per-run latency from process.hrtime.bigint.`,
        'Limits on: authscript default limits; ivm 64 MiB isolate + 250 ms timeout; node:vm 250 ms timeout (no heap limit, not a security boundary); plain_call none.',
      ],
    };
    const ratioTable: Table = {
      title: 'runtime — ratios (from medians)',
      columns: ['ratio', 'value'],
      rows: [
        ['authscript speed-up vs ivm_fresh_context (ivm median / authscript median)', fmt.ratio(ratios.speedup_vs_ivm_fresh_context)],
        ['authscript speed-up vs node_vm_fresh_context', fmt.ratio(ratios.speedup_vs_node_vm_fresh_context)],
        ['authscript vs plain_call (authscript median / plain median)', fmt.ratio(ratios.slowdown_vs_plain_call)],
      ],
    };
    const goalTable: Table = {
      title: 'runtime — goals',
      columns: ['goal', 'measured', 'result'],
      rows: [
        [goals.speedup_vs_ivm_fresh_context.text, fmt.ratio(goals.speedup_vs_ivm_fresh_context.measured), passFail(goals.speedup_vs_ivm_fresh_context.pass)],
        [goals.slowdown_vs_plain_call.text, fmt.ratio(goals.slowdown_vs_plain_call.measured), passFail(goals.slowdown_vs_plain_call.pass)],
        [goals.p99_us.text, `${fmt.us(goals.p99_us.measured)} µs`, passFail(goals.p99_us.pass)],
        [goals.runs_per_s.text, `${fmt.int(goals.runs_per_s.measured)} runs/s`, passFail(goals.runs_per_s.pass)],
      ],
    };
    return { json, tables: [engineTable, ratioTable, goalTable] };
  },
};

function passFail(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}
