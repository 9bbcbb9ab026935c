/**
 * Several processes, one database: what the SQL stores promise beyond the contract.
 *
 * - Any process can resume any flow: a flow started through one store instance is finished
 *   through another (in this process, and in a separate one).
 * - Processes that open a new database at the same moment migrate it once, and none fails.
 * - Processes that claim provisioning jobs at the same moment claim each job exactly once.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { MIGRATION_NAMES } from '../../src/store/sql/migrations/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../runtime/host/sandbox.js';
import { SimulatedAuthenticator } from '../../src/authenticators/simulated.js';
import { FlowEngine } from '../../src/flow/engine.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { ConcurrentUpdateError, type Store } from '../../src/store/types.js';
import { createTestDatabase, SQL_DIALECTS, type TestDatabase } from './_databases.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./_child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs test/store/_child.ts in a new Node process and returns the JSON it printed. */
async function child<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--no-node-snapshot', '--import', 'tsx', CHILD, ...args], { cwd: ROOT, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

const APPLICATION = {
  name: 'Thrift',
  steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }],
};

/** Step 2 (TOTP) for admins only: the role check is a host read, answered from the store. */
const SOURCE = `var onLoginRequest = function (context) {
  executeStep(1, {
    onSuccess: function (context) {
      var user = context.steps[1].subject;
      Log.info('roles checked for ' + user.username);
      if (hasAnyOfTheRoles(user, ['admin'])) {
        executeStep(2);
      }
    }
  });
};`;

const ALICE = { username: 'alice', userStoreDomain: 'PRIMARY', passwordHash: null, roles: ['admin'], groups: [], claims: {}, totpSecret: null, locked: false, disabled: false, provisionedBy: null };

for (const dialect of SQL_DIALECTS) {
  describe(`several processes on one ${dialect} database`, () => {
    let db: TestDatabase;
    let sandbox: Sandbox;

    beforeAll(async () => {
      db = await createTestDatabase(dialect);
      sandbox = new Sandbox();
    });
    afterAll(async () => {
      sandbox?.dispose();
      await db?.drop();
    });

    const engineOn = (store: Store) => new FlowEngine({ runner: sandbox, store, authenticator: new SimulatedAuthenticator() });

    it('opened by several processes at once, the database is migrated once and every process opens it', async () => {
      const startAt = String(Date.now() + 2000);
      const opened = await Promise.all(Array.from({ length: 4 }, () => child<{ migrations: { migrationName: string; status: string }[] }>('open', dialect, db.target!, startAt)));
      const ran = opened.flatMap((o) => o.migrations);
      expect(ran).toEqual(MIGRATION_NAMES.map((migrationName) => ({ migrationName, direction: 'Up', status: 'Success' })));
      const recorded = await sql<{ name: string }>`select name from kysely_migration`.execute(db.raw!);
      expect(recorded.rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
    });

    it('any process can resume any flow: started on one store instance, finished on another', async () => {
      const a = await db.open();
      const b = await db.open();
      await a.createUser('t1', ALICE);
      let flow = await engineOn(a).start({ tenant: 't1', application: APPLICATION, source: SOURCE });
      expect(flow.waiting).toMatchObject({ kind: 'step', step: 1 });
      flow = await engineOn(b).advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success', username: 'alice' });
      expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
      flow = await engineOn(a).advance(flow.id, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', outcome: 'success' });
      expect(flow.status).toBe('success');
      expect(flow.result?.subject).toMatchObject({ username: 'alice', roles: ['admin'] });
      const stored = await b.getFlow(flow.id);
      expect(stored).toEqual(flow);
      expect(stored?.logs.map((l) => l.message)).toEqual(['roles checked for alice']);
      expect(stored?.effects).toContainEqual({ kind: 'totpEnrolled', username: 'alice', userStoreDomain: 'PRIMARY' });
      expect((await b.getUser('t1', 'PRIMARY', 'alice'))?.totpSecret).toEqual(expect.any(String));
      await db.clear();
    });

    it('a flow started in this process is finished by another process', async () => {
      const store = await db.open();
      await store.createUser('t1', ALICE);
      const engine = engineOn(store);
      const started = await engine.start({ tenant: 't1', application: APPLICATION, source: SOURCE });
      await engine.advance(started.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success', username: 'alice' });
      const finished = await child<{ status: string; revision: number; pid: number }>('advance', dialect, db.target!, started.id);
      expect(finished).toMatchObject({ status: 'success', revision: 2 });
      expect(finished.pid).not.toBe(process.pid);
      expect(await store.getFlow(started.id)).toMatchObject({ status: 'success', revision: 2 });
      await db.clear();
    });

    it('two instances advancing one flow at once: one wins, the other is refused', async () => {
      const a = await db.open();
      const b = await db.open();
      await a.createUser('t1', ALICE);
      const started = await engineOn(a).start({ tenant: 't1', application: APPLICATION, source: SOURCE });
      await engineOn(a).advance(started.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success', username: 'alice' });
      const step2 = { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', outcome: 'success' } as const;
      const results = await Promise.allSettled([engineOn(a).advance(started.id, step2), engineOn(b).advance(started.id, step2)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected')?.reason as Error;
      // Refused at the save (both read revision 1), or at the read (the winner had saved already).
      expect(refused instanceof ConcurrentUpdateError || /has ended/.test(refused.message)).toBe(true);
      expect(await b.getFlow(started.id)).toMatchObject({ status: 'success', revision: 2 });
      await db.clear();
    });

    it('processes claiming provisioning jobs at the same moment claim each job exactly once', async () => {
      const store = (await db.open()) as SqlStore;
      const queued: string[] = [];
      for (let i = 0; i < 300; i++) {
        queued.push((await store.enqueueProvisioning({ tenant: 't1', flowId: `f${i}`, idp: 'Google', subject: `s${i}`, claims: {}, createdAt: i })).id);
      }
      // Far enough ahead that all three processes have started on a loaded machine, and one job a
      // claim, so that no process can take all 300 before the others begin.
      const startAt = String(Date.now() + 8000);
      const claims = await Promise.all(Array.from({ length: 3 }, () => child<{ claimed: string[] }>('claim', dialect, db.target!, startAt, '1')));
      const all = claims.flatMap((c) => c.claimed);
      expect(all).toHaveLength(300);
      expect(new Set(all).size).toBe(300);
      expect([...all].sort()).toEqual([...queued].sort());
      // Each process got a share: the claims did overlap.
      for (const c of claims) expect(c.claimed.length).toBeGreaterThan(0);
      expect((await store.provisioningJobs('t1')).every((j) => j.status === 'running')).toBe(true);
    });
  });
}
