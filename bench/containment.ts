/**
 * Figure `containment`: the cost of running a script in a supervised child process through
 * SandboxPool instead of in the host's own process.
 *  (a) cold: a new pool with one worker, start(), one run, stop(): process start to first result;
 *  (b) warm: per-run round trip (IPC, input validation in the worker, the run, the answer back)
 *      through a started pool, sequential runs.
 * A pool worker cannot answer host reads synchronously (they suspend the run), so the journal
 * already holds the role read: the worker replays step 1 and the read and waits for step 2, the
 * same work as in the runtime figure. The worker runs from the TypeScript sources through tsx
 * here; a built dist/ worker starts without the transform.
 */
import { execFile } from 'node:child_process';
import type { JournalEventInput } from '../runtime/protocol.js';
import { Sandbox } from '../runtime/host/sandbox.js';
import { SandboxPool, type PoolRunRequest } from '../runtime/host/sandbox-pool.js';
import { scriptVersion } from '../runtime/host/tenant-isolate.js';
import type { RunResult } from '../runtime/host/sandbox.js';
import type { BenchModule, BenchOptions, BenchOutput } from './_support/bench-module.js';
import { APPLICATION, JOURNAL, ROLE_BASED_STEP_UP, RUN_INPUT, userStoreHost } from './_support/fixture.js';
import { fmt, median, percentile } from './_support/stats.js';

const COLD_STARTS = 5;
const REPETITIONS = 3;

/** The journal with the role read recorded, as the flow engine has it after the first run. */
function journalWithRead(): JournalEventInput[] {
  const sandbox = new Sandbox();
  try {
    const r = sandbox.run({ tenant: 'journal', source: ROLE_BASED_STEP_UP, input: RUN_INPUT, host: userStoreHost });
    if (r.newEvents.length !== 1) throw new Error(`containment: expected one recorded read, got ${JSON.stringify(r.newEvents)}`);
    return [...JOURNAL, ...r.newEvents];
  } finally {
    sandbox.dispose();
  }
}

function check(r: RunResult): void {
  const o = r.outcome;
  if (!(o.kind === 'waiting' && o.waiting.kind === 'step' && o.waiting.step === 2)) {
    throw new Error(`containment: the pooled run did not end waiting for step 2: ${JSON.stringify(o)}`);
  }
}

const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

/** A worker that never answers fails the bench instead of hanging it. */
function within<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`containment: ${what} took more than ${limitMs} ms`)), limitMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
const START_LIMIT_MS = 30_000;
const RUN_LIMIT_MS = 10_000;

/** Spawn to exit of a bare `node --no-node-snapshot -e ''`: the floor under any cold start. */
function bareNodeMs(): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--no-node-snapshot', '-e', ''], (error) => {
      if (error) reject(error);
      else resolve(ms(t0, process.hrtime.bigint()));
    });
  });
}

export const containmentBench: BenchModule = {
  key: 'containment',
  title: 'Running in a child process through SandboxPool',
  async run(options: BenchOptions): Promise<BenchOutput> {
    const request: PoolRunRequest = {
      tenant: 'bench-tenant',
      source: ROLE_BASED_STEP_UP,
      version: scriptVersion(ROLE_BASED_STEP_UP),
      input: { application: APPLICATION, journal: journalWithRead() },
    };

    // (a) Cold start. One untimed round first: it fills tsx's transform cache and the OS page cache.
    const toFirst: number[] = [];
    const stops: number[] = [];
    const coldRounds = options.quick ? 2 : COLD_STARTS;
    for (let i = 0; i <= coldRounds; i++) {
      const t0 = process.hrtime.bigint();
      const pool = new SandboxPool({ workers: 1 });
      let t1: bigint;
      try {
        await within(pool.start(), START_LIMIT_MS, 'starting a pool worker');
        check(await within(pool.run(request), RUN_LIMIT_MS, 'the first run in a new pool'));
        t1 = process.hrtime.bigint();
      } finally {
        await pool.stop();
      }
      const t2 = process.hrtime.bigint();
      if (i === 0) continue;
      toFirst.push(ms(t0, t1));
      stops.push(ms(t1, t2));
      options.progress(`containment: cold start ${i}/${coldRounds}: first result after ${fmt.ms(ms(t0, t1))} ms, stop ${fmt.ms(ms(t1, t2))} ms`);
    }

    const bare: number[] = [];
    for (let i = 0; i < coldRounds; i++) bare.push(await bareNodeMs());

    // (b) Warm round trips.
    const warmRuns = options.quick ? 100 : 300;
    const pool = new SandboxPool({ workers: 1 });
    const reps: { median: number; p99: number; perS: number }[] = [];
    try {
      await within(pool.start(), START_LIMIT_MS, 'starting a pool worker');
      for (let i = 0; i < 100; i++) check(await within(pool.run(request), RUN_LIMIT_MS, 'a warm-up run'));
      for (let rep = 1; rep <= REPETITIONS; rep++) {
        const lat = new Float64Array(warmRuns);
        const start = process.hrtime.bigint();
        let last = start;
        for (let i = 0; i < warmRuns; i++) {
          check(await within(pool.run(request), RUN_LIMIT_MS, 'a pooled run'));
          const now = process.hrtime.bigint();
          lat[i] = ms(last, now);
          last = now;
        }
        lat.sort();
        const r = { median: percentile(lat, 50), p99: percentile(lat, 99), perS: warmRuns / (ms(start, last) / 1000) };
        reps.push(r);
        options.progress(`containment: warm rep ${rep}/${REPETITIONS}: median ${fmt.ms(r.median)} ms, p99 ${fmt.ms(r.p99)} ms, ${fmt.int(r.perS)} runs/s`);
      }
    } finally {
      await pool.stop();
    }

    const cold = { median: median(toFirst), min: Math.min(...toFirst), max: Math.max(...toFirst) };
    const warm = {
      median: median(reps.map((r) => r.median)),
      p99: median(reps.map((r) => r.p99)),
      perS: median(reps.map((r) => r.perS)),
    };
    const round = (v: number) => Number(v.toFixed(3));
    return {
      json: {
        cold_start_to_first_result_ms: round(cold.median),
        cold_start_to_first_result_ms_min: round(cold.min),
        cold_start_to_first_result_ms_max: round(cold.max),
        cold_starts: toFirst.length,
        stop_ms: round(median(stops)),
        bare_node_start_exit_ms: round(median(bare)),
        warm_round_trip_median_ms: round(warm.median),
        warm_round_trip_p99_ms: round(warm.p99),
        warm_runs_per_s: Math.round(warm.perS),
        warm_runs_per_repetition: warmRuns,
        repetitions: REPETITIONS,
      },
      tables: [
        {
          title: 'containment — one script run in a child process through SandboxPool (1 worker)',
          columns: ['figure', 'value'],
          rows: [
            [`(a) new pool → start() → first result, median of ${toFirst.length} (min–max)`, `${fmt.ms(cold.median)} ms (${fmt.ms(cold.min)}–${fmt.ms(cold.max)})`],
            ['    then stop(), median', `${fmt.ms(median(stops))} ms`],
            ['    for reference: bare `node -e \'\'` spawn → exit, median', `${fmt.ms(median(bare))} ms`],
            [`(b) warm round trip, median (of ${REPETITIONS} reps × ${warmRuns} runs)`, `${fmt.ms(warm.median)} ms`],
            ['    warm round trip, p99', `${fmt.ms(warm.p99)} ms`],
            ['    warm sequential throughput', `${fmt.int(warm.perS)} runs/s`],
          ],
          notes: [
            'The worker is started from the TypeScript sources through tsx (as `npm run bench` runs); a built dist/ worker skips the transform.',
            'Round trip = JSON IPC both ways + zod validation of the input in the worker + Sandbox.run there + the parent resolving the promise.',
          ],
        },
      ],
    };
  },
};
