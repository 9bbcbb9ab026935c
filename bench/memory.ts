/**
 * Figure `memory`: what an idle tenant costs. N tenants get their own isolate in one Sandbox, each
 * runs the template once (prelude loaded and frozen, script compiled, one run done), and then:
 * the average of Sandbox.memory() (used heap + external bytes of each tenant isolate) and the
 * process RSS growth divided by N. One tenant is created and dropped first so that one-time costs
 * (loading isolated-vm's code paths, building the prelude source) are not charged to the N.
 */
import { Sandbox } from '../runtime/host/sandbox.js';
import { scriptVersion } from '../runtime/host/tenant-isolate.js';
import { summarise } from './engines/authscript.js';
import type { BenchModule, BenchOptions, BenchOutput } from './_support/bench-module.js';
import { checkSummary, ROLE_BASED_STEP_UP, RUN_INPUT, userStoreHost } from './_support/fixture.js';
import { collectGarbage, fmt, median } from './_support/stats.js';

const TENANTS = 20;

function runIn(sandbox: Sandbox, tenant: string, version: string): void {
  const result = sandbox.run({ tenant, source: ROLE_BASED_STEP_UP, version, input: RUN_INPUT, host: userStoreHost });
  checkSummary(`authscript (${tenant})`, summarise(result));
}

export const memoryBench: BenchModule = {
  key: 'memory',
  title: 'Memory per idle tenant isolate',
  async run(options: BenchOptions): Promise<BenchOutput> {
    const version = scriptVersion(ROLE_BASED_STEP_UP);
    const warm = new Sandbox();
    runIn(warm, 'warm-up', version);
    warm.dispose();

    collectGarbage();
    await settle();
    const rss0 = process.memoryUsage().rss;
    const sandbox = new Sandbox();
    try {
      options.progress(`memory: creating ${TENANTS} tenants`);
      for (let i = 0; i < TENANTS; i++) runIn(sandbox, `tenant-${i}`, version);
      collectGarbage();
      await settle();
      const rss1 = process.memoryUsage().rss;
      const heaps = Object.values(sandbox.memory());
      if (heaps.length !== TENANTS) throw new Error(`memory: expected ${TENANTS} live tenant isolates, found ${heaps.length}`);
      const avg = heaps.reduce((a, b) => a + b, 0) / heaps.length;
      const rssPer = (rss1 - rss0) / TENANTS;
      return {
        json: {
          tenants: TENANTS,
          heap_bytes_per_tenant: Math.round(avg),
          heap_bytes_per_tenant_min: Math.min(...heaps),
          heap_bytes_per_tenant_max: Math.max(...heaps),
          heap_bytes_per_tenant_median: Math.round(median(heaps)),
          rss_bytes_per_tenant: Math.round(rssPer),
        },
        tables: [
          {
            title: `memory — ${TENANTS} idle tenant isolates in one Sandbox, one run each`,
            columns: ['figure', 'per tenant'],
            rows: [
              ['isolate heap, Sandbox.memory() (used + external), average', `${fmt.kib(avg)} (${fmt.int(avg)} B)`],
              ['isolate heap, min / median / max', `${fmt.kib(Math.min(...heaps))} / ${fmt.kib(median(heaps))} / ${fmt.kib(Math.max(...heaps))}`],
              ['process RSS growth / tenants', `${fmt.kib(rssPer)} (${fmt.int(rssPer)} B)`],
            ],
            notes: [
              'Used heap is measured as it stands after the run: isolated-vm cannot trigger a GC inside an isolate, so some of it is garbage of the run.',
              'RSS growth includes each isolate\'s committed (not only used) heap pages, its compiled code and isolated-vm\'s per-isolate thread and bookkeeping.',
            ],
          },
        ],
      };
    } finally {
      sandbox.dispose();
    }
  },
};

/** Lets finalizers and freed pages settle before reading RSS. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}
