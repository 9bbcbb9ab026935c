/**
 * The server's crash domain is one worker process: a published script that kills its process
 * (a real isolated-vm 5 host-killer) costs the requests in flight on that worker; the supervisor
 * restarts it, attributes the crash to the script version, and after two crashes quarantines the
 * version, whose flows then end with SCRIPT_QUARANTINED. Other logins go on throughout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashReport } from '../../runtime/host/supervisor.js';
import { startCluster, type RunningCluster } from '../../src/server/server-cluster.js';

// A dictionary-mode object grows until one backing-store allocation makes V8 abort the process.
const HOST_KILLER = "var o = {}; for (var i = 0; i < 1e8; i++) o['k' + i] = i; var onLoginRequest = function (c) { executeStep(1); };";

let cluster: RunningCluster;
let dataDir: string;
const crashes: CrashReport[] = [];

async function call(method: string, path: string, auth: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cluster.url}/api/v1${path}`, {
    method,
    headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * A fixed port: when every worker is down at once, node:cluster closes the shared socket, and
 * workers restarted on port 0 would get a new random one (a real server listens on a set port).
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'authscript-cluster-'));
  cluster = await startCluster({
    workers: 2,
    // Limits generous enough that the allocation, not a time limit, ends the script.
    config: { port: await freePort(), dataDir, logLevel: 'silent', limits: { heapMb: 64, wallMsPerRun: 10_000, cpuMsPerRun: 10_000, scriptMsPerFlow: 30_000 } },
  });
  cluster.supervisor.on('crash', (r) => crashes.push(r));
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('supervised server workers', () => {
  it('contain a host-killing script: crashes are attributed, the version quarantined, other logins unaffected', async () => {
    const demo = cluster.demo!;
    const admin = `Bearer ${demo.adminToken}`;
    const client = `Basic ${Buffer.from(`${demo.client.id}:${demo.client.secret}`).toString('base64')}`;
    const app = await call('POST', '/applications', admin, { name: 'Evil', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }], source: HOST_KILLER });
    expect(app.status).toBe(201);
    const published = await call('POST', `/applications/${app.body.id}/script/publish`, admin, { message: 'looks harmless' });
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    // Each start runs the script: the worker serving it dies, and the request with it.
    for (let i = 0; i < 2; i++) {
      await expect(call('POST', '/flows', client, { application: app.body.id })).rejects.toThrow();
    }
    await expect.poll(() => crashes.length, { timeout: 20_000 }).toBe(2);
    expect(crashes.map((c) => c.running)).toEqual([
      { tenant: 'demo', version: published.body.hash },
      { tenant: 'demo', version: published.body.hash },
    ]);
    expect(crashes[1]!.quarantined).toBe(true);
    // Both workers may have died: wait for their restarts (an identity server would retry).
    await Promise.all([0, 1].map((i) => cluster.supervisor.whenReady(i)));

    // Quarantined on every worker: the flow ends at once, nothing crashes.
    for (let i = 0; i < 4; i++) {
      const refused = await call('POST', '/flows', client, { application: app.body.id });
      expect(refused.status).toBe(201);
      expect(refused.body).toMatchObject({ status: 'error', result: { error: { code: 'SCRIPT_QUARANTINED' } } });
    }
    expect(crashes).toHaveLength(2);

    // The demo application's logins never noticed.
    const flow = await call('POST', '/flows', client, { application: demo.applicationId });
    const done = await call('POST', `/flows/${flow.body.id}/interactions`, client, { kind: 'step', step: 1, idp: 'GitHub', authenticator: 'GithubAuthenticator', subject: 'gh-1' });
    expect(done.body.status).toBe('success');
  }, 120_000);
});
