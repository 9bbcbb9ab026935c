/**
 * Figure `http`: complete logins over HTTP on loopback — start, step 1 username/password
 * (BasicAuthenticator: scrypt), step 2 TOTP (otplib, replay-checked, sealed device) — through a
 * real server process, on SQLite and on PostgreSQL. Each store runs the same login twice, in
 * alternating repetitions: the "Thrift" application with the "skip MFA for external connections"
 * script, and a copy with the script disabled (steps in order, computed on the host, no sandbox).
 * The ratio of their times is what the script costs; the goal is at most 1.2×.
 *
 * Method: the server is a child process (as in production); this process is the load generator,
 * with `concurrency` logins in flight on keep-alive connections. Users are inserted directly into
 * the database before the server starts (one password hash shared, TOTP devices sealed with the
 * server key), enough that each TOTP code is used once (a user logs in at most twice per 30 s:
 * with the codes of the current and the next time-step, in that order).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateSecret, generateSync } from 'otplib';
import { hashPassword } from '../src/authenticators/passwords.js';
import { sealTotpDevice } from '../src/authenticators/totp.js';
import { spawnServer, type ServerProcess } from '../src/server/server-process.js';
import { deriveKey } from '../src/server/server.js';
import { openPostgresStore } from '../src/store/sql/postgres.js';
import { openSqliteStore } from '../src/store/sql/sqlite.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import type { BenchModule, BenchOptions, BenchOutput, JsonValue, Table } from './_support/bench-module.js';
import { fmt, median, percentile } from './_support/stats.js';

const PG_SERVER = process.env['AUTHSCRIPT_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'demo';
const PASSWORD = 'bench-password-1';
const REPETITIONS = 3;

interface BenchUser {
  readonly username: string;
  readonly secret: string;
  /** The TOTP time-step of its last code: the next must be later (replays are refused). */
  lastStep: number;
}

interface Sample {
  readonly logins: number;
  readonly seconds: number;
  readonly requestMs: number[];
}

async function prepare(store: SqlStore, key: Buffer, count: number): Promise<BenchUser[]> {
  const hash = hashPassword(PASSWORD);
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const username = `bench-${i}`;
    const user = await store.createUser(TENANT, {
      username,
      userStoreDomain: 'PRIMARY',
      passwordHash: hash,
      roles: [],
      groups: [],
      claims: { 'http://wso2.org/claims/emailaddress': `${username}@bench.example` },
      totpSecret: null,
      locked: false,
      disabled: false,
      provisionedBy: null,
    });
    const secret = generateSecret();
    await store.updateUser(TENANT, user.id, { totpSecret: sealTotpDevice(key, user, { secret, lastTimeStep: null }) });
    users.push({ username, secret, lastStep: 0 });
  }
  return users;
}

class Client {
  constructor(
    private readonly url: string,
    private readonly auth: string,
  ) {}

  async post(path: string, body: unknown, timings: number[]): Promise<{ status: string; waiting?: unknown; id: string }> {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${this.url}/api/v1${path}`, { method: 'POST', headers: { authorization: this.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { status: string; id: string; error?: unknown };
    timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  }
}

/**
 * A user with a TOTP code left, and that code: of the current time-step or the next (both still
 * accepted if the request crosses a step boundary), later than the user's last one.
 */
function nextCode(users: BenchUser[], cursor: { i: number }): { user: BenchUser; code: string } {
  const current = Math.floor(Date.now() / 1000 / 30);
  for (let tries = 0; tries < users.length; tries++) {
    const user = users[cursor.i++ % users.length]!;
    const step = Math.max(current, user.lastStep + 1);
    if (step > current + 1) continue;
    user.lastStep = step;
    return { user, code: generateSync({ secret: user.secret, epoch: step * 30 }) };
  }
  throw new Error('every benchmark user has used its TOTP codes of this window: add users');
}

async function measure(client: Client, appId: string, users: BenchUser[], cursor: { i: number }, ms: number, concurrency: number): Promise<Sample> {
  const requestMs: number[] = [];
  let logins = 0;
  const end = Date.now() + ms;
  const t0 = process.hrtime.bigint();
  const loop = async () => {
    while (Date.now() < end) {
      const { user, code } = nextCode(users, cursor);
      const flow = await client.post('/flows', { application: appId }, requestMs);
      await client.post(`/flows/${flow.id}/interactions`, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username: user.username, password: PASSWORD } }, requestMs);
      const done = await client.post(`/flows/${flow.id}/interactions`, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', credentials: { code } }, requestMs);
      if (done.status !== 'success') throw new Error(`a benchmark login ended ${done.status}: ${JSON.stringify(done)}`);
      logins++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { logins, seconds: Number(process.hrtime.bigint() - t0) / 1e9, requestMs };
}

async function benchStore(kind: 'sqlite' | 'postgres', options: BenchOptions): Promise<{ json: { [k: string]: JsonValue }; rows: string[][] }> {
  const master = randomBytes(32);
  const env: Record<string, string> = { AUTHSCRIPT_SECRET_KEY: master.toString('base64'), AUTHSCRIPT_DEMO: 'true' };
  let cleanup: () => Promise<void>;
  let dataDir: string | undefined;
  let dbName: string | undefined;
  const admin = new pg.Client({ connectionString: PG_SERVER });
  if (kind === 'sqlite') {
    dataDir = mkdtempSync(join(tmpdir(), 'authscript-bench-'));
    env['AUTHSCRIPT_DATA'] = dataDir;
    cleanup = async () => rmSync(dataDir!, { recursive: true, force: true });
  } else {
    dbName = `authscript_bench_${randomBytes(4).toString('hex')}`;
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    const url = new URL(PG_SERVER);
    url.pathname = `/${dbName}`;
    env['DATABASE_URL'] = url.toString();
    cleanup = async () => {
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    };
  }
  let server: ServerProcess | undefined;
  try {
    // First start: migrate and seed the demo tenant; then add the users while it is down.
    const first = await spawnServer(env);
    const demo = first.demo!;
    await first.stop();
    const store = kind === 'sqlite' ? await openSqliteStore(join(dataDir!, 'authscript.db')) : await openPostgresStore(env['DATABASE_URL']!);
    const userCount = options.quick ? 300 : 1500;
    options.progress(`http/${kind}: creating ${userCount} users`);
    const users = await prepare(store, deriveKey(master, 'totp secrets'), userCount);
    const thrift = (await store.admin.getApplication(TENANT, demo.applicationId))!;
    const noScript = await store.admin.createApplication(
      TENANT,
      { name: 'Thrift (no script)', steps: thrift.steps, subjectStep: thrift.subjectStep, attributeStep: thrift.attributeStep, scriptEnabled: false, draft: '' },
      Date.now(),
      { actor: 'bench', action: 'application.create', target: '', details: {} },
    );
    await store.close();

    server = await spawnServer(env);
    const client = new Client(server.url, `Basic ${Buffer.from(`${demo.client.id}:${demo.client.secret}`).toString('base64')}`);
    const cursor = { i: 0 };
    const concurrency = 8;
    const ms = options.quick ? 1500 : 5000;
    options.progress(`http/${kind}: warming up`);
    await measure(client, thrift.id, users, cursor, options.quick ? 500 : 1500, concurrency);
    await measure(client, noScript.id, users, cursor, options.quick ? 500 : 1500, concurrency);
    const scripted: Sample[] = [];
    const plain: Sample[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      options.progress(`http/${kind}: repetition ${rep + 1}, with the script`);
      scripted.push(await measure(client, thrift.id, users, cursor, ms, concurrency));
      options.progress(`http/${kind}: repetition ${rep + 1}, without a script`);
      plain.push(await measure(client, noScript.id, users, cursor, ms, concurrency));
    }
    const summarize = (samples: Sample[]) => {
      const all = Float64Array.from(samples.flatMap((s) => s.requestMs)).sort();
      return { logins_per_s: median(samples.map((s) => s.logins / s.seconds)), request_p50_ms: percentile(all, 50), request_p99_ms: percentile(all, 99), logins: samples.reduce((n, s) => n + s.logins, 0) };
    };
    const a = summarize(scripted);
    const b = summarize(plain);
    const ratio = b.logins_per_s / a.logins_per_s;
    const round = (v: number) => Number(v.toFixed(2));
    return {
      json: {
        with_script: { logins_per_s: round(a.logins_per_s), request_p50_ms: round(a.request_p50_ms), request_p99_ms: round(a.request_p99_ms), logins: a.logins },
        without_script: { logins_per_s: round(b.logins_per_s), request_p50_ms: round(b.request_p50_ms), request_p99_ms: round(b.request_p99_ms), logins: b.logins },
        script_cost_ratio: round(ratio),
        goal_ratio_at_most_1_2: ratio <= 1.2,
      },
      rows: [
        [`${kind}, skip-MFA script`, fmt.int(a.logins_per_s), a.request_p50_ms.toFixed(1), a.request_p99_ms.toFixed(1), ''],
        [`${kind}, no script`, fmt.int(b.logins_per_s), b.request_p50_ms.toFixed(1), b.request_p99_ms.toFixed(1), ''],
        [`${kind}, script cost`, '', '', '', `${fmt.ratio(ratio)} ${ratio <= 1.2 ? '(goal ≤ 1.2×: met)' : '(goal ≤ 1.2×: not met)'}`],
      ],
    };
  } finally {
    await server?.stop();
    await cleanup();
  }
}

export const httpBench: BenchModule = {
  key: 'http',
  title: 'Complete logins over HTTP (password + TOTP), with and without the script',
  async run(options: BenchOptions): Promise<BenchOutput> {
    const json: { [k: string]: JsonValue } = {};
    const rows: string[][] = [];
    for (const kind of ['sqlite', 'postgres'] as const) {
      const r = await benchStore(kind, options);
      json[kind] = r.json;
      rows.push(...r.rows);
    }
    const table: Table = {
      title: 'Complete logins over HTTP on loopback: start, password, TOTP (3 requests each), 8 in flight',
      columns: ['server', 'logins/s', 'request p50 ms', 'request p99 ms', 'ratio'],
      rows,
      notes: [
        'The server is a child process; this process generates the load. Medians of 3 alternating repetitions.',
        'The password check is scrypt (N=16384, r=8): it dominates a login, by design (a memory-hard hash).',
        'Ratio: logins/s without a script over logins/s with it (the script\'s cost; goal ≤ 1.2×).',
      ],
    };
    return { json, tables: [table] };
  },
};
