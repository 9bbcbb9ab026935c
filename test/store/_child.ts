/**
 * A separate process on a store, for test/store/processes.test.ts. Prints one JSON line.
 *
 *   open    <sqlite|postgres> <target> <startAt>             opens (and migrates) the database
 *   claim   <sqlite|postgres> <target> <startAt> <batch>    claims jobs in batches until none is left
 *   advance <sqlite|postgres> <target> <flowId>              finishes a flow waiting for TOTP
 *
 * `startAt` (epoch ms) lines processes up, so that they open or claim at the same time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openPostgresStore } from '../../src/store/sql/postgres.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { openSqliteStore } from '../../src/store/sql/sqlite.js';

const [mode, dialect, target, ...rest] = process.argv.slice(2);
if (target === undefined || (dialect !== 'sqlite' && dialect !== 'postgres')) throw new Error(`usage: ${process.argv[1]} mode sqlite|postgres target ...`);

const open = (): Promise<SqlStore> => (dialect === 'sqlite' ? openSqliteStore(target) : openPostgresStore(target, { maxConnections: 2 }));

switch (mode) {
  case 'open': {
    await sleep(Math.max(0, Number(rest[0]) - Date.now()));
    const store = await open();
    console.log(JSON.stringify({ migrations: store.migrations }));
    await store.close();
    break;
  }
  case 'claim': {
    const store = await open();
    await sleep(Math.max(0, Number(rest[0]) - Date.now()));
    const claimed: string[] = [];
    for (;;) {
      const jobs = await store.claimProvisioningJobs(Number(rest[1]));
      if (jobs.length === 0) break;
      claimed.push(...jobs.map((j) => j.id));
    }
    console.log(JSON.stringify({ claimed }));
    await store.close();
    break;
  }
  case 'advance': {
    const { Sandbox } = await import('../../runtime/host/sandbox.js');
    const { SimulatedAuthenticator } = await import('../../src/authenticators/simulated.js');
    const { FlowEngine } = await import('../../src/flow/engine.js');
    const store = await open();
    const sandbox = new Sandbox();
    try {
      const engine = new FlowEngine({ runner: sandbox, store, authenticator: new SimulatedAuthenticator() });
      const flow = await engine.advance(rest[0]!, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', outcome: 'success' });
      console.log(JSON.stringify({ status: flow.status, revision: flow.revision, pid: process.pid }));
    } finally {
      sandbox.dispose();
      await store.close();
    }
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
