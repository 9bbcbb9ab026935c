/** Flow clients over HTTP: created with a secret shown once, listed without it, revoked for good. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { adminState, expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const startFlowAs = (authorization: string) =>
  s.raw('POST', '/api/v1/flows', { body: JSON.stringify({ application: s.demo.applicationId }), headers: { authorization, 'content-type': 'application/json' } });

describe('flow clients', () => {
  it('lists the demo’s identity server client, without any secret', async () => {
    const list = await s.admin('GET', '/clients');
    expect(list.status).toBe(200);
    expect(list.body.clients).toContainEqual({ id: s.demo.client.id, name: 'demo identity server', createdAt: expect.any(Number), lastUsedAt: expect.toBeOneOf([null, expect.any(Number)]) });
    expect(JSON.stringify(list.body)).not.toContain(s.demo.client.secret);
    for (const c of list.body.clients) expect(Object.keys(c).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name']);
  });

  it('creates a client whose secret, shown once, starts flows', async () => {
    const created = await s.admin('POST', '/clients', { name: 'keycloak' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'keycloak', createdAt: expect.any(Number), lastUsedAt: null, secret: expect.any(String) });
    expect((await startFlowAs(basic(created.body.id, created.body.secret))).status).toBe(201);
    const listed = (await s.admin('GET', '/clients')).body.clients.find((c: { id: string }) => c.id === created.body.id);
    expect(listed).toMatchObject({ name: 'keycloak', lastUsedAt: expect.any(Number) });
    expect(listed).not.toHaveProperty('secret');
  });

  it('revokes a client: 204, gone from the list, and its secret then gets 401', async () => {
    const created = await s.admin('POST', '/clients', { name: 'to revoke' });
    const auth = basic(created.body.id, created.body.secret);
    expect((await startFlowAs(auth)).status).toBe(201);
    expect((await s.admin('DELETE', `/clients/${created.body.id}`)).status).toBe(204);
    expect((await s.admin('GET', '/clients')).body.clients.map((c: { id: string }) => c.id)).not.toContain(created.body.id);
    const refused = await startFlowAs(auth);
    expectError(refused, 401, 'UNAUTHENTICATED');
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('does not revoke the admin token through the clients route (404), and the token keeps working', async () => {
    const me = (await s.admin('GET', '/me')).body;
    const before = await adminState(s);
    expectError(await s.admin('DELETE', `/clients/${me.credential.id}`), 404, 'NOT_FOUND', me.credential.id);
    expect(await adminState(s)).toEqual(before);
    expect((await s.admin('GET', '/me')).status).toBe(200);
  });

  it('answers 404 for a client that does not exist', async () => {
    expectError(await s.admin('DELETE', '/clients/nope'), 404, 'NOT_FOUND', 'flow client nope');
  });

  it('refuses a client without a name, naming body.name, and creates nothing', async () => {
    const before = await adminState(s);
    expectError(await s.admin('POST', '/clients', {}), 400, 'INVALID_REQUEST', 'body.name');
    expectError(await s.admin('POST', '/clients', { name: 42 }), 400, 'INVALID_REQUEST', 'body.name');
    expect(await adminState(s)).toEqual(before);
  });
});
