/**
 * Timing helpers: a measured loop with per-run latencies from process.hrtime.bigint(), and the
 * order statistics the benchmarks report.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export interface LoopSample {
  readonly runs: number;
  readonly totalNs: number;
  readonly median_us: number;
  readonly p99_us: number;
  readonly runs_per_s: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` for at least `minMs` and at least `minRuns` times, timing each run. */
export function measureLoop(fn: () => unknown, minMs: number, minRuns: number, maxRuns = 2_000_000): LoopSample {
  const minNs = BigInt(Math.round(minMs * 1e6));
  let lat = new Float64Array(Math.max(1024, minRuns));
  let n = 0;
  const start = process.hrtime.bigint();
  let last = start;
  for (;;) {
    fn();
    const now = process.hrtime.bigint();
    if (n === lat.length) {
      const grown = new Float64Array(lat.length * 2);
      grown.set(lat);
      lat = grown;
    }
    lat[n++] = Number(now - last);
    last = now;
    if ((n >= minRuns && now - start >= minNs) || n >= maxRuns) break;
  }
  const totalNs = Number(last - start);
  const sorted = lat.subarray(0, n).sort();
  return {
    runs: n,
    totalNs,
    median_us: percentile(sorted, 50) / 1000,
    p99_us: percentile(sorted, 99) / 1000,
    runs_per_s: n / (totalNs / 1e9),
  };
}

/** Runs `fn` for about `ms` (and at least `minRuns` times) without keeping anything. */
export function warmUp(fn: () => unknown, ms: number, minRuns = 200): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  for (let i = 0; i < minRuns || process.hrtime.bigint() < end; i++) fn();
}

let gcFn: (() => void) | undefined;

/**
 * A full GC of the main heap, between measurements, so one engine's garbage is not collected on
 * the next engine's time. --expose-gc is switched on only long enough to fetch `gc` from a fresh
 * node:vm context and then off again: the flag is process-wide, and an isolated-vm isolate created
 * while it is on would get a `gc` global too.
 */
export function collectGarbage(): void {
  if (gcFn === undefined) {
    v8.setFlagsFromString('--expose-gc');
    try {
      gcFn = vm.runInNewContext('gc') as () => void;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  gcFn();
}

export const fmt = {
  us: (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)),
  ms: (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)),
  int: (v: number) => Math.round(v).toLocaleString('en-US'),
  ratio: (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2)) + '×',
  kib: (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`,
  mib: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`,
};
