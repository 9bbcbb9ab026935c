/**
 * Figure `login`: a whole simulated three-step login through the flow engine (start + 3 advances,
 * each a full replay of the journal in the sandbox, host reads and commands included) against
 * one bare script run of the same script measured in the same process. The ratio shows what
 * replay and journal bookkeeping cost on top of the sandbox; four runs are the floor (ratio 4).
 *
 * Method: the in-memory store, the simulator's authenticators and the in-process Sandbox, as the
 * simulator uses them; each login is a new flow for the same user. Three repetitions, each at
 * least `minMs`; figures are the medians of the repetitions.
 */
import { RunInputSchema } from '../runtime/protocol.js';
import { Sandbox } from '../runtime/host/sandbox.js';
import { SimulatedAuthenticator } from '../src/authenticators/simulated.js';
import { FlowEngine } from '../src/flow/engine.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { BenchModule, BenchOptions, BenchOutput } from './_support/bench-module.js';
import { collectGarbage, fmt, measureLoop, median, percentile } from './_support/stats.js';

const SCRIPT = `var rolesToStepUp = ['admin'];
var onLoginRequest = function (context) {
  executeStep(1, {
    onSuccess: function (context) {
      var user = context.currentKnownSubject;
      if (hasAnyOfTheRoles(user, rolesToStepUp)) {
        Log.info(user.username + ' steps up');
        context.selectedAcr = 'acr2';
        executeStep(2, { onSuccess: function (context) { executeStep(3); } });
      }
    }
  });
};`;

const APPLICATION = {
  name: 'Thrift',
  steps: [
    { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'totp' }] },
    { options: [{ idp: 'LOCAL', authenticator: 'email-otp-authenticator' }] },
  ],
};

const REPETITIONS = 3;

async function measureAsync(fn: () => Promise<unknown>, minMs: number, minRuns: number) {
  const lat: number[] = [];
  const start = process.hrtime.bigint();
  const minNs = BigInt(Math.round(minMs * 1e6));
  let last = start;
  for (;;) {
    await fn();
    const now = process.hrtime.bigint();
    lat.push(Number(now - last));
    last = now;
    if (lat.length >= minRuns && now - start >= minNs) break;
  }
  const sorted = Float64Array.from(lat).sort();
  const totalNs = Number(last - start);
  return { median_us: percentile(sorted, 50) / 1000, p99_us: percentile(sorted, 99) / 1000, logins_per_s: lat.length / (totalNs / 1e9) };
}

export const loginBench: BenchModule = {
  key: 'login',
  title: 'A whole three-step login through the flow engine',
  async run(options: BenchOptions): Promise<BenchOutput> {
    const minMs = options.quick ? 300 : 2000;
    const minRuns = options.quick ? 100 : 1000;
    const sandbox = new Sandbox();
    const store = new MemoryStore();
    await store.createUser('bench', {
      username: 'alice', userStoreDomain: 'PRIMARY', passwordHash: null, roles: ['admin'], groups: [],
      claims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' }, totpSecret: 'device', locked: false, disabled: false, provisionedBy: null,
    });
    const engine = new FlowEngine({ runner: sandbox, store, authenticator: new SimulatedAuthenticator() });
    const login = async () => {
      const flow = await engine.start({ tenant: 'bench', application: APPLICATION, source: SCRIPT });
      await engine.advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success', username: 'alice' });
      await engine.advance(flow.id, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', outcome: 'success' });
      const done = await engine.advance(flow.id, { kind: 'step', step: 3, idp: 'LOCAL', authenticator: 'email-otp-authenticator', outcome: 'success' });
      if (done.status !== 'success') throw new Error(`the benchmark login ended ${done.status}: ${JSON.stringify(done.result)}`);
    };
    const bareInput = RunInputSchema.parse({ application: APPLICATION, journal: [{ kind: 'started', at: Date.now(), seed: 1 }] });
    const bare = () => {
      const r = sandbox.run({ tenant: 'bench', source: SCRIPT, input: bareInput });
      if (r.outcome.kind !== 'waiting') throw new Error('the bare run did not wait for step 1');
    };
    try {
      options.progress('login: warming up');
      for (let i = 0; i < (options.quick ? 50 : 300); i++) await login();
      const logins = [];
      const bares = [];
      for (let rep = 0; rep < REPETITIONS; rep++) {
        collectGarbage();
        options.progress(`login: repetition ${rep + 1}, whole logins`);
        logins.push(await measureAsync(login, minMs, minRuns));
        collectGarbage();
        options.progress(`login: repetition ${rep + 1}, bare runs`);
        bares.push(measureLoop(bare, minMs, minRuns * 4));
      }
      const figures = {
        median_us: median(logins.map((l) => l.median_us)),
        p99_us: median(logins.map((l) => l.p99_us)),
        logins_per_s: median(logins.map((l) => l.logins_per_s)),
      };
      const bareMedian = median(bares.map((b) => b.median_us));
      const ratio = figures.median_us / bareMedian;
      const round = (v: number) => Number(v.toFixed(2));
      return {
        json: {
          login: { median_us: round(figures.median_us), p99_us: round(figures.p99_us), logins_per_s: round(figures.logins_per_s) },
          bare_run: { median_us: round(bareMedian) },
          ratio_login_to_bare_run: round(ratio),
          goals: { ratio_at_most_5: ratio <= 5, logins_per_s_at_least_5000: figures.logins_per_s >= 5000 },
        },
        tables: [
          {
            title: 'Three-step login (start + 3 advances, each a replay) vs one bare script run',
            columns: ['measure', 'median µs', 'p99 µs', 'per s'],
            rows: [
              ['whole login', fmt.us(figures.median_us), fmt.us(figures.p99_us), fmt.int(figures.logins_per_s)],
              ['bare script run', fmt.us(bareMedian), '', ''],
              ['ratio login / bare run', fmt.ratio(ratio), '', ratio <= 5 ? 'goal ≤ 5×: met' : 'goal ≤ 5×: not met'],
              ['goal ≥ 5,000 logins/s', '', '', figures.logins_per_s >= 5000 ? 'met' : 'not met'],
            ],
            notes: ['In-memory store, simulator authenticators, in-process Sandbox; medians of 3 repetitions.'],
          },
        ],
      };
    } finally {
      sandbox.dispose();
    }
  },
};
