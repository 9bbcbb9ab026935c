/**
 * Bad input on every route that takes a body: malformed JSON, wrong types, unknown fields, other
 * content types, oversized bodies. Each gets a clear 4xx whose `error.code` says which and whose
 * message names the field, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Answer, type TestServer } from './_server.js';
import { adminRaw, adminState, expectError, provisionThroughGoogle } from './_admin.js';

let s: TestServer;
let aliceId: string;
let googleUserId: string;
let flowId: string;
beforeAll(async () => {
  s = await startTestServer();
  aliceId = (await s.admin('GET', '/users?query=alice')).body.users[0].id;
  googleUserId = await provisionThroughGoogle(s, 'g-bad-input', 'bad-input@gmail.example');
  flowId = (await s.flow('POST', '/flows', { application: s.demo.applicationId })).body.id;
});
afterAll(async () => {
  await s?.close();
});

interface WriteRoute {
  readonly name: string;
  readonly caller: 'admin' | 'flow';
  readonly method: string;
  readonly path: () => string;
  /** A body the route accepts (and would act on). */
  readonly valid: () => Record<string, unknown>;
  /** The same with one field of the wrong type, and the path the answer must name. */
  readonly wrongType: () => [Record<string, unknown>, string];
}

const STEP = { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] };
const SCRIPT = 'var onLoginRequest = function (context) { executeStep(1); };';
const app = () => `/applications/${s.demo.applicationId}`;

const WRITE_ROUTES: readonly WriteRoute[] = [
  { name: 'POST /applications', caller: 'admin', method: 'POST', path: () => '/applications', valid: () => ({ name: 'New', steps: [STEP] }), wrongType: () => [{ name: 5 }, 'body.name'] },
  { name: 'PATCH /applications/:appId', caller: 'admin', method: 'PATCH', path: app, valid: () => ({ name: 'Renamed' }), wrongType: () => [{ scriptEnabled: 'no' }, 'body.scriptEnabled'] },
  { name: 'PUT …/script/draft', caller: 'admin', method: 'PUT', path: () => `${app()}/script/draft`, valid: () => ({ source: SCRIPT }), wrongType: () => [{ source: 42 }, 'body.source'] },
  { name: 'POST …/script/validate', caller: 'admin', method: 'POST', path: () => `${app()}/script/validate`, valid: () => ({ source: SCRIPT }), wrongType: () => [{ source: ['x'] }, 'body.source'] },
  { name: 'POST …/script/publish', caller: 'admin', method: 'POST', path: () => `${app()}/script/publish`, valid: () => ({ message: 'again', source: SCRIPT }), wrongType: () => [{ message: 1 }, 'body.message'] },
  { name: 'POST …/script/rollback', caller: 'admin', method: 'POST', path: () => `${app()}/script/rollback`, valid: () => ({ version: 1 }), wrongType: () => [{ version: 1.5 }, 'body.version'] },
  { name: 'POST /connections', caller: 'admin', method: 'POST', path: () => '/connections', valid: () => ({ name: 'Okta' }), wrongType: () => [{ name: 'Okta', jit: { enabled: 'true' } }, 'body.jit.enabled'] },
  { name: 'PUT /connections/:name', caller: 'admin', method: 'PUT', path: () => '/connections/GitHub', valid: () => ({ jit: { enabled: true } }), wrongType: () => [{ syncedAttributesReadOnly: 'no' }, 'body.syncedAttributesReadOnly'] },
  { name: 'POST /users', caller: 'admin', method: 'POST', path: () => '/users', valid: () => ({ username: 'newbie' }), wrongType: () => [{ username: 'newbie', claims: { email: 1 } }, 'body.claims.email'] },
  { name: 'PATCH /users/:userId', caller: 'admin', method: 'PATCH', path: () => `/users/${aliceId}`, valid: () => ({ roles: ['x'] }), wrongType: () => [{ locked: 'true' }, 'body.locked'] },
  {
    name: 'PATCH /users/:userId/associations/:idp/:subject',
    caller: 'admin',
    method: 'PATCH',
    path: () => `/users/${googleUserId}/associations/Google/g-bad-input`,
    valid: () => ({ locked: true }),
    wrongType: () => [{ locked: 1 }, 'body.locked'],
  },
  { name: 'POST /clients', caller: 'admin', method: 'POST', path: () => '/clients', valid: () => ({ name: 'new client' }), wrongType: () => [{ name: ['x'] }, 'body.name'] },
  { name: 'POST /lint', caller: 'admin', method: 'POST', path: () => '/lint', valid: () => ({ script: SCRIPT }), wrongType: () => [{ script: 1 }, 'body.script'] },
  { name: 'POST /flows', caller: 'flow', method: 'POST', path: () => '/flows', valid: () => ({ application: s.demo.applicationId }), wrongType: () => [{ application: 7 }, 'body.application'] },
  {
    name: 'POST /flows/:flowId/interactions',
    caller: 'flow',
    method: 'POST',
    path: () => `/flows/${flowId}/interactions`,
    valid: () => ({ kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: 'g-x', claims: {} }),
    wrongType: () => [{ kind: 'step', step: '1', idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }, 'body.step'],
  },
];

/** JSON arrays nested `depth` levels deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const call = (r: WriteRoute, body: unknown) => (r.caller === 'admin' ? s.admin(r.method, r.path(), body) : s.flow(r.method, r.path(), body));
const callRaw = (r: WriteRoute, body: string, contentType: string): Promise<Answer> =>
  s.raw(r.method, `/api/v1${r.path()}`, {
    body,
    headers: {
      'content-type': contentType,
      authorization: r.caller === 'admin' ? `Bearer ${s.demo.adminToken}` : `Basic ${Buffer.from(`${s.demo.client.id}:${s.demo.client.secret}`).toString('base64')}`,
    },
  });

/** The demo tenant as the admin sees it, and the flow the flow routes would advance. */
async function everything(): Promise<unknown> {
  return { admin: await adminState(s), flow: (await s.flow('GET', `/flows/${flowId}`)).body };
}

describe.each(WRITE_ROUTES)('$name', (r) => {
  it('refuses malformed JSON with 400, changing nothing', async () => {
    const before = await everything();
    expectError(await callRaw(r, `${JSON.stringify(r.valid()).slice(0, -1)},`, 'application/json'), 400, 'INVALID_REQUEST', 'malformed JSON');
    expect(await everything()).toEqual(before);
  });

  it('refuses a field of the wrong type with 400 naming it, changing nothing', async () => {
    const [body, field] = r.wrongType();
    const before = await everything();
    const error = expectError(await call(r, body), 400, 'INVALID_REQUEST', field);
    expect(error.issues).toContainEqual({ path: field, message: expect.any(String) });
    expect(await everything()).toEqual(before);
  });

  it('refuses an unknown field with 400 naming it, changing nothing', async () => {
    const before = await everything();
    expectError(await call(r, { ...r.valid(), isAdmin: true }), 400, 'INVALID_REQUEST', 'isAdmin');
    expect(await everything()).toEqual(before);
  });

  it('refuses the body as another content type with 415, changing nothing', async () => {
    const before = await everything();
    expectError(await callRaw(r, JSON.stringify(r.valid()), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type: application/json');
    expect(await everything()).toEqual(before);
  });

  it('refuses JSON nested deeper than 100 levels with 400, changing nothing', async () => {
    const before = await everything();
    expectError(await callRaw(r, `${JSON.stringify(r.valid()).slice(0, -1)},"deep":${nested(101)}}`, 'application/json'), 400, 'INVALID_REQUEST', 'nested deeper than 100 levels');
    expect(await everything()).toEqual(before);
  });

  it('refuses a body over the 1 MiB limit with 413, changing nothing', async () => {
    const before = await everything();
    const padded = JSON.stringify({ ...r.valid(), padding: 'x'.repeat(1024 * 1024) });
    expectError(await callRaw(r, padded, 'application/json'), 413, 'PAYLOAD_TOO_LARGE', 'limit');
    expect(await everything()).toEqual(before);
  });
});

describe('bodies that are not what a route takes', () => {
  it('refuses a route’s body given as form fields with 415', async () => {
    const before = await adminState(s);
    expectError(await adminRaw(s, 'POST', '/applications', 'name=Form', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'application/x-www-form-urlencoded');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses JSON in a charset other than UTF-8 with 415', async () => {
    const before = await adminState(s);
    expectError(await adminRaw(s, 'POST', '/applications', '{"name":"Latin"}', 'application/json; charset=latin1'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'charset');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a JSON array or a bare value where an object is expected', async () => {
    const before = await adminState(s);
    expectError(await adminRaw(s, 'POST', '/applications', '[{"name":"A"}]'), 400, 'INVALID_REQUEST', 'body');
    expectError(await adminRaw(s, 'POST', '/applications', '"A"'), 400, 'INVALID_REQUEST', 'malformed JSON');
    expectError(await adminRaw(s, 'POST', '/applications', 'null'), 400, 'INVALID_REQUEST', 'malformed JSON');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a request without a body where one is required, saying a JSON body is needed', async () => {
    const before = await adminState(s);
    expectError(await s.raw('POST', '/api/v1/users', { headers: { authorization: `Bearer ${s.demo.adminToken}` } }), 400, 'INVALID_REQUEST', 'a JSON body is required');
    expect(await adminState(s)).toEqual(before);
  });

  it('reads an empty JSON body as {}, naming the first field it lacks', async () => {
    const before = await adminState(s);
    expectError(await adminRaw(s, 'POST', '/users', ''), 400, 'INVALID_REQUEST', 'body.username');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses a __proto__ field as unknown, and nothing’s prototype changes', async () => {
    const before = await adminState(s);
    expectError(await adminRaw(s, 'POST', '/applications', '{"name":"Proto","__proto__":{"polluted":true}}'), 400, 'INVALID_REQUEST', '__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await adminState(s)).toEqual(before);
  });

  it('answers JSON nested thousands of levels deep in free-form fields with 400, never a 500', async () => {
    // Claims and scenarios take any JSON: their validation (and the lab's IPC) recurse per level.
    const claims = `{"kind":"step","step":1,"idp":"Google","authenticator":"GoogleOIDCAuthenticator","subject":"g-deep","claims":{"address":${nested(50_000)}}}`;
    const flowAnswer = await s.raw('POST', `/api/v1/flows/${flowId}/interactions`, {
      body: claims,
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${s.demo.client.id}:${s.demo.client.secret}`).toString('base64')}` },
    });
    expectError(flowAnswer, 400, 'INVALID_REQUEST', 'nested deeper');
    expectError(await adminRaw(s, 'POST', '/simulate', `{"source":"","interactions":${nested(50_000)}}`), 400, 'INVALID_REQUEST', 'nested deeper');
    expect((await s.flow('GET', `/flows/${flowId}`)).body.status).toBe('waiting');
  });

  it('takes claims nested exactly as deep as the limit, and refuses one level more', async () => {
    // The body is level 1 and claims level 2: 98 arrays under address reach level 100.
    const login = async (depth: number) => {
      const flow = (await s.flow('POST', '/flows', { application: s.demo.applicationId })).body.id;
      return s.raw('POST', `/api/v1/flows/${flow}/interactions`, {
        body: `{"kind":"step","step":1,"idp":"GitHub","authenticator":"GithubAuthenticator","subject":"gh-deep","claims":{"address":${nested(depth)}}}`,
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${s.demo.client.id}:${s.demo.client.secret}`).toString('base64')}` },
      });
    };
    const within = await login(98);
    expect(within.status, JSON.stringify(within.body)).toBe(200);
    expectError(await login(99), 400, 'INVALID_REQUEST', 'nested deeper than 100 levels');
  });

  it('refuses an unknown query parameter, naming it', async () => {
    expectError(await s.admin('GET', '/applications?expand=all'), 400, 'INVALID_REQUEST', 'expand');
  });

  it('refuses a query parameter given twice', async () => {
    expectError(await s.admin('GET', '/users?limit=1&limit=2'), 400, 'INVALID_REQUEST', 'query.limit');
  });

  it('refuses an interaction of a kind that does not exist, naming body.kind', async () => {
    expectError(await s.flow('POST', `/flows/${flowId}/interactions`, { kind: 'teleport' }), 400, 'INVALID_REQUEST', 'body.kind');
  });
});
