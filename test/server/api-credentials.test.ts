/**
 * Every route of the route table needs its own kind of credential: admin routes an admin token
 * (Bearer), flow routes a flow client (Basic). Without one, with a wrong one, or with the other
 * kind, the answer is 401 with a WWW-Authenticate challenge — and nothing of the request runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/server/app.js';
import { startTestServer, type TestServer } from './_server.js';
import { adminState, expectError } from './_admin.js';

let s: TestServer;
let params: Record<string, string>;
beforeAll(async () => {
  s = await startTestServer();
  const alice = (await s.admin('GET', '/users?query=alice')).body.users[0].id;
  const flow = (await s.flow('POST', '/flows', { application: s.demo.applicationId })).body.id;
  // Real ids: were a guard missing, these requests would reach real records.
  params = { appId: s.demo.applicationId, number: '1', name: 'Google', userId: alice, idp: 'Google', subject: 'g-1', clientId: s.demo.client.id, templateId: 'skip-mfa-external-connections', flowId: flow };
});
afterAll(async () => {
  await s?.close();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
/** The demo admin token's id and secret (ast_<id>_<secret>). */
const adminParts = () => {
  const m = /^ast_(.{16})_(.+)$/.exec(s.demo.adminToken)!;
  return { id: m[1]!, secret: m[2]! };
};
const flip = (secret: string) => `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

const routes = () => allRoutes(s.server.context);
const pathOf = (path: string) => `/api/v1${path.replace(/:([A-Za-z]+)/g, (_m, p: string) => encodeURIComponent(params[p] ?? p))}`;

/** Calls every route of one kind with these headers; answers each route's answer. */
async function callEvery(auth: 'admin' | 'client', headers: Record<string, string>) {
  const out = [];
  for (const r of routes().filter((x) => x.auth === auth)) {
    const method = r.method.toUpperCase();
    const withBody = r.body !== undefined;
    const answer = await s.raw(method, pathOf(r.path), withBody ? { body: '{}', headers: { ...headers, 'content-type': 'application/json' } } : { headers });
    out.push({ route: `${method} ${r.path}`, answer });
  }
  return out;
}

describe('admin routes', () => {
  it('are the API’s routes besides the flow API', () => {
    const of = (auth: string) => routes().filter((r) => r.auth === auth);
    expect(of('none')).toEqual([]);
    expect(of('client').map((r) => r.path).every((p) => p.startsWith('/flows'))).toBe(true);
    expect(of('admin').every((r) => !r.path.startsWith('/flows'))).toBe(true);
    expect(of('admin').length).toBeGreaterThan(30);
  });

  it('answer 401 with a Bearer challenge to a request without a credential, changing nothing', async () => {
    const before = await adminState(s);
    for (const { route, answer } of await callEvery('admin', {})) {
      expectError(answer, 401, 'UNAUTHENTICATED', 'admin token');
      expect(answer.headers.get('www-authenticate'), route).toBe('Bearer realm="authscript admin"');
    }
    expect(await adminState(s)).toEqual(before);
  });

  it('answer 401 to a well-formed admin token with a wrong secret, changing nothing', async () => {
    const { id, secret } = adminParts();
    const before = await adminState(s);
    for (const { route, answer } of await callEvery('admin', { authorization: `Bearer ast_${id}_${flip(secret)}` })) {
      expect(answer.status, route).toBe(401);
      expect(answer.body.error.message).toBe('the admin token is not valid');
    }
    expect(await adminState(s)).toEqual(before);
  });

  it('answer 401 to the demo flow client’s credential, changing nothing', async () => {
    const before = await adminState(s);
    for (const { route, answer } of await callEvery('admin', { authorization: basic(s.demo.client.id, s.demo.client.secret) })) {
      expect(answer.status, route).toBe(401);
      expect(answer.headers.get('www-authenticate'), route).toMatch(/^Bearer /);
    }
    expect(await adminState(s)).toEqual(before);
  });

  it('answer 401 to a flow client’s id and secret dressed as an admin token', async () => {
    // Same shape as an admin token (16-character id, 43-character secret): only the kind differs.
    const dressed = `Bearer ast_${s.demo.client.id}_${s.demo.client.secret}`;
    expect(dressed).toMatch(/^Bearer ast_[A-Za-z0-9_-]{16}_[A-Za-z0-9_-]{43}$/);
    expectError(await s.raw('GET', '/api/v1/applications', { headers: { authorization: dressed } }), 401, 'UNAUTHENTICATED', 'not valid');
  });

  it('answer 401 to malformed Authorization headers', async () => {
    for (const authorization of ['Bearer', `Bearer ${s.demo.adminToken} extra`, `Token ${s.demo.adminToken}`, s.demo.adminToken, 'Bearer ast_short_token', `Bearer ${s.demo.adminToken}x`]) {
      const answer = await s.raw('GET', '/api/v1/applications', { headers: { authorization } });
      expectError(answer, 401, 'UNAUTHENTICATED');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
  });

  it('answer the same message for an unknown token id as for a wrong secret: nothing tells which ids exist', async () => {
    const { id, secret } = adminParts();
    const unknownId = await s.raw('GET', '/api/v1/me', { headers: { authorization: `Bearer ast_${'A'.repeat(16)}_${secret}` } });
    const wrongSecret = await s.raw('GET', '/api/v1/me', { headers: { authorization: `Bearer ast_${id}_${flip(secret)}` } });
    expect(unknownId.status).toBe(401);
    expect(unknownId.body.error.message).toBe(wrongSecret.body.error.message);
  });

  it('refuse a request without a credential before reading its body', async () => {
    const before = await adminState(s);
    const answer = await s.raw('POST', '/api/v1/applications', { body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expectError(answer, 401, 'UNAUTHENTICATED');
    const oversized = await s.raw('POST', '/api/v1/applications', { body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expectError(oversized, 401, 'UNAUTHENTICATED');
    expect(await adminState(s)).toEqual(before);
  });

  it('answer GET /api/v1/applications without a credential with 401', async () => {
    const answer = await s.raw('GET', '/api/v1/applications');
    expectError(answer, 401, 'UNAUTHENTICATED', 'Authorization: Bearer');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="authscript admin"');
  });
});

describe('flow routes', () => {
  const flowState = async () => (await s.flow('GET', `/flows/${params.flowId}`)).body;

  it('answer 401 with a Basic challenge to a request without a credential, changing nothing', async () => {
    const before = await flowState();
    for (const { route, answer } of await callEvery('client', {})) {
      expectError(answer, 401, 'UNAUTHENTICATED', 'flow client');
      expect(answer.headers.get('www-authenticate'), route).toBe('Basic realm="authscript flows"');
    }
    expect(await flowState()).toEqual(before);
  });

  it('answer 401 to a wrong client secret, changing nothing', async () => {
    const before = await flowState();
    for (const { route, answer } of await callEvery('client', { authorization: basic(s.demo.client.id, flip(s.demo.client.secret)) })) {
      expect(answer.status, route).toBe(401);
      expect(answer.body.error.message).toBe('the flow client id or secret is not valid');
    }
    expect(await flowState()).toEqual(before);
  });

  it('answer 401 to the admin token, as a Bearer token or as Basic id and secret', async () => {
    const { id, secret } = adminParts();
    const before = await flowState();
    for (const authorization of [`Bearer ${s.demo.adminToken}`, basic(id, secret)]) {
      for (const { route, answer } of await callEvery('client', { authorization })) {
        expect(answer.status, route).toBe(401);
        expect(answer.headers.get('www-authenticate'), route).toMatch(/^Basic /);
      }
    }
    expect(await flowState()).toEqual(before);
  });

  it('answer 401 to malformed Basic credentials', async () => {
    for (const authorization of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from(':secret-only').toString('base64')}`]) {
      expectError(await s.raw('GET', `/api/v1/flows/${params.flowId}`, { headers: { authorization } }), 401, 'UNAUTHENTICATED');
    }
  });
});
