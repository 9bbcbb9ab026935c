/**
 * Script secrets: set by an admin, sealed at rest, never shown again, and used only where a
 * script's HTTP call names them (`{{secret:name}}`), resolved by the server outside the sandbox.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, expectError } from './_admin.js';
import { startTestServer, type TestServer } from './_server.js';

const SECRET = 'k-9f1c2e7a-risk-api-key';
let t: TestServer;
let risk: Server;
let riskPort: number;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  // The risk API a script calls: on loopback, so the server is told it may call private addresses.
  risk = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ score: req.headers['x-api-key'] === SECRET ? 10 : 99 }));
  });
  await new Promise<void>((resolve) => risk.listen(0, '127.0.0.1', resolve));
  riskPort = (risk.address() as { port: number }).port;
  t = await startTestServer({ config: { httpAllow: ['127.0.0.1'], httpAllowPrivate: true } });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => risk?.close(() => resolve()));
});

describe('script secrets', () => {
  it('are set without an answer that repeats them, listed by name only, and audited without their value', async () => {
    const set = await t.admin('PUT', '/secrets/riskKey', { value: SECRET });
    expect(set.status).toBe(204);
    expect((await t.admin('GET', '/secrets')).body).toEqual({ secrets: [{ name: 'riskKey', updatedAt: expect.any(Number) }] });
    expect((await auditLog(t))[0]).toMatchObject({ action: 'secret.set', target: 'riskKey' });
    expect(JSON.stringify(await auditLog(t))).not.toContain(SECRET);
  });

  it('are sealed in the database: its files never hold the value', async () => {
    await t.admin('PUT', '/secrets/riskKey', { value: SECRET });
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith('authscript.db'))) {
      expect(readFileSync(join(t.dataDir, file)).includes(SECRET), file).toBe(false);
    }
  });

  it('reach the HTTP call that names them, resolved by the server', async () => {
    await t.admin('PUT', '/secrets/riskKey', { value: SECRET });
    const source = `var onLoginRequest = function (context) {
      httpGet('http://127.0.0.1:${riskPort}/score', { 'X-Api-Key': '{{secret:riskKey}}' }, {
        onSuccess: function (context, data) { if (data.score < 50) { executeStep(1); } else { fail({ errorCode: 'HIGH_RISK' }); } },
        onFail: function (context, data) { fail({ errorCode: 'RISK_DOWN' }); }
      });
    };`;
    const app = await t.admin('POST', '/applications', { name: 'Risk', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }], source });
    expect((await t.admin('POST', `/applications/${app.body.id}/script/publish`, { message: 'risk check' })).status).toBe(201);
    const started = await t.flow('POST', '/flows', { application: app.body.id });
    expect(started.body).toMatchObject({ status: 'waiting', waiting: { step: 1 } });
    expect(seen.at(-1)?.['x-api-key']).toBe(SECRET);
  });

  it('refuse a bad name, naming it', async () => {
    expectError(await t.admin('PUT', '/secrets/has space', { value: 'x' }), 400, 'INVALID_REQUEST', 'params.name');
  });

  it('are deleted: a placeholder then stays as it is', async () => {
    await t.admin('PUT', '/secrets/temp', { value: 'v' });
    expect((await t.admin('DELETE', '/secrets/temp')).status).toBe(204);
    expectError(await t.admin('DELETE', '/secrets/temp'), 404, 'NOT_FOUND');
  });
});
