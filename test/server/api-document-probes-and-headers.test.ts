/**
 * What the server answers besides the API's work: the OpenAPI document (generated from the route
 * table, so every route is in it), the probes, the Prometheus metrics, the security headers on
 * every answer, and JSON 404s for routes that do not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/server/app.js';
import { startTestServer, type TestServer } from './_server.js';
import { expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Every `$ref` in the document, with where it was found. */
function refsOf(value: Json, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsOf(v, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refsOf(v, `${at}/${k}`)));
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json>((node, key) => (node === undefined || node === null ? undefined : node[key]), doc);
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('GET /api/v1/openapi.json', () => {
  let doc: Json;
  beforeAll(async () => {
    const answer = await s.raw('GET', '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body;
  });

  it('is an OpenAPI 3.1 document with info, paths and named schemas', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'authscript', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(0);
    expect(doc.components.schemas).toHaveProperty('Error');
  });

  it('holds every route of the route table with its method, and nothing else', () => {
    const table = allRoutes(s.server.context).map((r) => `${r.method.toUpperCase()} /api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => Object.keys(item).filter((k) => METHODS.includes(k)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...table].sort());
    expect(table).toContain('DELETE /api/v1/connections/{name}');
    expect(table).toContain('POST /api/v1/flows/{flowId}/interactions');
  });

  it('declares each path parameter as a required parameter of its operations', () => {
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        const declared = (item[method].parameters ?? []).filter((p: Json) => p.in === 'path');
        expect(declared.map((p: Json) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
        for (const p of declared) expect(p.required, `${method} ${path} ${p.name}`).toBe(true);
      }
    }
  });

  it('gives every operation responses, and a security scheme the document defines to every credentialed one', () => {
    const schemes = Object.keys(doc.components.securitySchemes);
    expect(schemes.sort()).toEqual(['adminToken', 'flowClient']);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        const op = item[method];
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const status of Object.keys(op.responses)) expect(status).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(op.security, `${method} ${path}`).toEqual([{ [path.startsWith('/api/v1/flows') ? 'flowClient' : 'adminToken']: [] }]);
      }
    }
  });

  it('resolves every $ref within the document', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const { at, ref } of refs) expect(resolvePointer(doc, ref), `${ref} at ${at}`).toBeDefined();
  });

  it('describes request bodies with their schemas: strict objects list their fields', () => {
    const create = doc.paths['/api/v1/applications'].post.requestBody.content['application/json'].schema;
    const schema = create.$ref === undefined ? create : resolvePointer(doc, create.$ref);
    expect(Object.keys((schema as Json).properties)).toEqual(expect.arrayContaining(['name', 'steps', 'subjectStep', 'source']));
    expect((schema as Json).additionalProperties).toBe(false);
  });

  it('describes what every GET route answers: each answer matches the route’s response schema', async () => {
    const alice = (await s.admin('GET', '/users?query=alice')).body.users[0].id;
    const flow = (await s.flow('POST', '/flows', { application: s.demo.applicationId })).body.id;
    const params: Record<string, string> = { appId: s.demo.applicationId, number: '1', name: 'Google', userId: alice, templateId: 'skip-mfa-external-connections', flowId: flow };
    const gets = allRoutes(s.server.context).filter((r) => r.method === 'get');
    expect(gets.length).toBeGreaterThan(10);
    for (const r of gets) {
      const path = r.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => params[p]!) + (r.path.endsWith('/diff') ? '?from=1&to=1' : '');
      const answer = r.auth === 'client' ? await s.flow('GET', path) : await s.admin('GET', path);
      expect(answer.status, `GET ${path}`).toBe(r.status);
      const parsed = r.response!.safeParse(answer.body);
      expect(parsed.success, `GET ${r.path}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('is served without a credential', async () => {
    expect((await s.raw('GET', '/api/v1/openapi.json')).status).toBe(200);
  });
});

describe('probes and metrics', () => {
  it('answers /healthz with 200 ok', async () => {
    const answer = await s.raw('GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 ready while the database answers', async () => {
    const answer = await s.raw('GET', '/readyz');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready' });
  });

  it('answers /metrics in the Prometheus text format with the authscript_ metrics', async () => {
    const answer = await s.raw('GET', '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const [name, type] of [
      ['authscript_flows_started_total', 'counter'],
      ['authscript_flows_finished_total', 'counter'],
      ['authscript_script_run_seconds', 'histogram'],
      ['authscript_sandbox_limit_breaches_total', 'counter'],
      ['authscript_provisioned_users_total', 'counter'],
      ['authscript_http_requests_total', 'counter'],
      ['authscript_http_request_seconds', 'histogram'],
    ]) {
      expect(answer.body).toContain(`# TYPE ${name} ${type}`);
    }
  });

  it('counts flows started and HTTP requests by route and status', async () => {
    const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}.*+?^$()|[\]\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    const before = (await s.raw('GET', '/metrics')).body;
    expect((await s.flow('POST', '/flows', { application: s.demo.applicationId })).status).toBe(201);
    expect((await s.admin('GET', '/applications')).status).toBe(200);
    const after = (await s.raw('GET', '/metrics')).body;
    expect(value(after, 'authscript_flows_started_total{tenant="demo"}')).toBe(value(before, 'authscript_flows_started_total{tenant="demo"}') + 1);
    const listed = 'authscript_http_requests_total{method="GET",route="/api/v1/applications",status="200"}';
    expect(value(after, listed)).toBe(value(before, listed) + 1);
  });
});

describe('headers and unknown routes', () => {
  const answers = async () => ({
    'an API answer': await s.admin('GET', '/applications'),
    'an API error': await s.raw('GET', '/api/v1/applications'),
    'an unknown API route': await s.admin('GET', '/no-such-thing'),
    'a probe': await s.raw('GET', '/healthz'),
    'the root page': await s.raw('GET', '/'),
  });

  it('sends a Content-Security-Policy and X-Content-Type-Options: nosniff on every answer', async () => {
    for (const [what, answer] of Object.entries(await answers())) {
      expect(answer.headers.get('content-security-policy'), what).toMatch(/default-src 'self'/);
      expect(answer.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), what).toBe('SAMEORIGIN');
    }
  });

  it('never says what it is built on (no X-Powered-By)', async () => {
    for (const [what, answer] of Object.entries(await answers())) expect(answer.headers.get('x-powered-by'), what).toBeNull();
  });

  it('forbids caching any API answer, errors included (Cache-Control: no-store)', async () => {
    const all = await answers();
    for (const what of ['an API answer', 'an API error', 'an unknown API route'] as const) expect(all[what].headers.get('cache-control'), what).toBe('no-store');
  });

  it('gives every answer a request id', async () => {
    for (const [what, answer] of Object.entries(await answers())) expect(answer.headers.get('x-request-id'), what).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API route with a JSON 404 naming it', async () => {
    expectError(await s.admin('GET', '/no-such-thing'), 404, 'NOT_FOUND', 'no route GET /no-such-thing');
    expectError(await s.admin('POST', '/applications/x/launch', {}), 404, 'NOT_FOUND', 'no route POST');
    expectError(await s.raw('GET', '/api/v2/applications'), 404, 'NOT_FOUND', 'no route');
  });

  it('answers a method a route does not have with a JSON 404', async () => {
    expectError(await s.admin('DELETE', '/me'), 404, 'NOT_FOUND', 'no route DELETE /me');
  });
});
