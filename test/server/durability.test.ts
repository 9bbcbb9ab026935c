/**
 * Durability with real server processes, against SQLite and PostgreSQL: a flow outlives the
 * process that started it, and a server killed with SIGKILL in the middle of its requests loses
 * nothing it acknowledged and leaves no half-provisioned user.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../store/_databases.js';
import { call, clientAuth, spawnServer, type ServerProcess } from './_processes.js';
import type { DemoSeed } from '../../src/server/demo-seed.js';

const SECRET_KEY = randomBytes(32).toString('base64');

interface Login {
  readonly n: number;
  readonly startKey: string;
  readonly stepKey: string;
  readonly subject: string;
  flowId?: string;
  startAcked: boolean;
  stepAcked: boolean;
}

const googleStep = (subject: string) => ({
  kind: 'step',
  step: 1,
  idp: 'Google',
  authenticator: 'GoogleOIDCAuthenticator',
  subject,
  claims: { email: `${subject}@load.example`, email_verified: true },
});

describe.each(['sqlite', 'postgres'] as const)('a server on %s', (dialect) => {
  let env: Record<string, string>;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let demo: DemoSeed;
  let appId: string;

  beforeAll(async () => {
    if (dialect === 'postgres') {
      database = await createTestDatabase('postgres');
      env = { DATABASE_URL: database.target!, AUTHSCRIPT_SECRET_KEY: SECRET_KEY };
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'authscript-durability-'));
      env = { AUTHSCRIPT_DATA: dataDir };
    }
    const first = await spawnServer(env);
    demo = first.demo!;
    appId = demo.applicationId;
    await first.stop();
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a flow after the process that started it stopped', async () => {
    const a = await spawnServer(env);
    const started = await call(a.url, 'POST', '/flows', clientAuth(demo), { application: appId });
    expect(started.status).toBe(201);
    await a.stop();
    const b = await spawnServer(env);
    try {
      expect(b.demo).toBeNull(); // seeded once
      const done = await call(b.url, 'POST', `/flows/${started.body.id}/interactions`, clientAuth(demo), { kind: 'step', step: 1, idp: 'GitHub', authenticator: 'GithubAuthenticator', subject: 'gh-resume' });
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('success');
      expect(done.body.result.subject.idp).toBe('GitHub');
    } finally {
      await b.stop();
    }
  }, 60_000);

  it('loses no acknowledged request and leaves no half-provisioned user when killed with SIGKILL under load', async () => {
    const auth = clientAuth(demo);
    const run = randomBytes(3).toString('hex');
    const logins: Login[] = [];
    let server: ServerProcess = await spawnServer(env);
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const login: Login = { n: logins.length, startKey: `start-${run}-${w}-${i}`, stepKey: `step-${run}-${w}-${i}`, subject: `u${run}${w}x${i}`, startAcked: false, stepAcked: false };
        logins.push(login);
        try {
          const started = await call(server.url, 'POST', '/flows', auth, { application: appId }, { 'idempotency-key': login.startKey });
          if (started.status !== 201) throw new Error(`start answered ${started.status}`);
          login.flowId = started.body.id;
          login.startAcked = true;
          const stepped = await call(server.url, 'POST', `/flows/${login.flowId}/interactions`, auth, googleStep(login.subject), { 'idempotency-key': login.stepKey });
          if (stepped.status !== 200) throw new Error(`the step answered ${stepped.status}: ${JSON.stringify(stepped.body)}`);
          login.stepAcked = true;
        } catch {
          return; // the server died under this request
        }
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await server.kill();
    stop = true;
    await Promise.all(workers);
    const acked = logins.filter((l) => l.stepAcked);
    expect(acked.length).toBeGreaterThan(5);
    expect(logins.some((l) => !l.stepAcked)).toBe(true); // some requests were cut off

    server = await spawnServer(env);
    try {
      // Everything acknowledged is there.
      for (const login of logins.filter((l) => l.startAcked)) {
        const flow = await call(server.url, 'GET', `/flows/${login.flowId}`, auth);
        expect(flow.status).toBe(200);
        if (login.stepAcked) expect(flow.body.status).toBe('success');
      }
      // Retrying every request with its key completes every login exactly once.
      for (const login of logins) {
        const started = await call(server.url, 'POST', '/flows', auth, { application: appId }, { 'idempotency-key': login.startKey });
        expect([200, 201]).toContain(started.status);
        if (login.startAcked) expect(started.body.id).toBe(login.flowId);
        const stepped = await call(server.url, 'POST', `/flows/${started.body.id}/interactions`, auth, googleStep(login.subject), { 'idempotency-key': login.stepKey });
        expect(stepped.status).toBe(200);
        expect(stepped.body.status).toBe('success');
        if (login.stepAcked) expect(stepped.body.replayed).toBe(true);
      }
      // One account per federated user, each found by its association.
      const admin = `Bearer ${demo.adminToken}`;
      const users = await call(server.url, 'GET', `/users?query=${run}&limit=500`, admin);
      expect(users.status).toBe(200);
      expect(users.body.total).toBe(logins.length);
      for (const user of users.body.users as { id: string; provisionedBy: string }[]) {
        expect(user.provisionedBy).toBe('Google');
        const associations = await call(server.url, 'GET', `/users/${user.id}/associations`, admin);
        expect(associations.body.associations).toHaveLength(1);
      }
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe('two server processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { DATABASE_URL: database.target!, AUTHSCRIPT_SECRET_KEY: SECRET_KEY };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('seed the demo tenant once, whichever starts first', () => {
    expect([a.demo, b.demo].filter((d) => d !== null)).toHaveLength(1);
  });

  it('finish on one a flow started on the other', async () => {
    const demo = (a.demo ?? b.demo)!;
    const started = await call(a.url, 'POST', '/flows', clientAuth(demo), { application: demo.applicationId });
    expect(started.status).toBe(201);
    const done = await call(b.url, 'POST', `/flows/${started.body.id}/interactions`, clientAuth(demo), googleStep('two-processes'));
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('success');
    const seen = await call(a.url, 'GET', `/flows/${started.body.id}`, clientAuth(demo));
    expect(seen.body.status).toBe('success');
  });

  it('count every wrong password of one account, however the guesses are spread over them', async () => {
    const demo = (a.demo ?? b.demo)!;
    const admin = `Bearer ${demo.adminToken}`;
    const user = await call(a.url, 'POST', '/users', admin, { username: 'guessed', password: 'guessed-password' });
    const guess = async (url: string) => {
      const flow = await call(url, 'POST', '/flows', clientAuth(demo), { application: demo.applicationId });
      return call(url, 'POST', `/flows/${flow.body.id}/interactions`, clientAuth(demo), { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username: 'guessed', password: 'wrong' } });
    };
    await Promise.all([guess(a.url), guess(b.url), guess(a.url), guess(b.url)]);
    const after = await call(b.url, 'GET', `/users/${user.body.id}`, admin);
    expect(after.body.claims['http://wso2.org/claims/identity/failedLoginAttempts']).toBe('4');
    expect(after.body.locked).toBe(false);
  });

  it('accept one TOTP code once, even sent to both at the same moment', async () => {
    const demo = (a.demo ?? b.demo)!;
    const admin = `Bearer ${demo.adminToken}`;
    await call(a.url, 'POST', '/users', admin, { username: 'twice', password: 'twice-password' });
    const toStep2 = async (url: string) => {
      const flow = await call(url, 'POST', '/flows', clientAuth(demo), { application: demo.applicationId });
      await call(url, 'POST', `/flows/${flow.body.id}/interactions`, clientAuth(demo), { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username: 'twice', password: 'twice-password' } });
      return flow.body.id as string;
    };
    // Enrol a device, with a code of the previous time-step, so the current one is still unused.
    const enrolling = await toStep2(a.url);
    const challenge = await call(a.url, 'POST', `/flows/${enrolling}/challenge`, clientAuth(demo), { step: 2, authenticator: 'totp' });
    const secret = challenge.body.challenge.secret as string;
    const previous = generateSync({ secret, epoch: Math.floor(Date.now() / 1000) - 30 });
    expect((await call(a.url, 'POST', `/flows/${enrolling}/interactions`, clientAuth(demo), { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', credentials: { code: previous } })).body.status).toBe('success');
    const [one, two] = await Promise.all([toStep2(a.url), toStep2(b.url)]);
    const code = generateSync({ secret });
    const answers = await Promise.all([
      call(a.url, 'POST', `/flows/${one}/interactions`, clientAuth(demo), { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', credentials: { code } }),
      call(b.url, 'POST', `/flows/${two}/interactions`, clientAuth(demo), { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', credentials: { code } }),
    ]);
    expect(answers.map((x) => x.body.status).sort()).toEqual(['success', 'waiting']);
    expect(answers.find((x) => x.body.status === 'waiting')!.body.retry.code).toBe('TOTP_REPLAYED');
  });
});
