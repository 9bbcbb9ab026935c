/**
 * Failed credential checks are rate-limited per client address (here 5 a minute): the 6th failed
 * check within a minute answers 429, while calls with a valid credential are never counted. Each
 * test calls from its own loopback address (127.0.0.x), so each starts with a clean count.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { credentialChecksPerMinute: 5 } });
});
afterAll(async () => {
  await s?.close();
});

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

let nextAddress = 10;
/** A client calling from its own loopback address. */
function client() {
  const localAddress = `127.0.0.${nextAddress++}`;
  const call = (method: string, path: string, authorization?: string) =>
    new Promise<Reply>((resolve, reject) => {
      const url = new URL(`/api/v1${path}`, s.url);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress, headers: authorization === undefined ? {} : { authorization } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve({ status: res.statusCode ?? 0, headers, body: (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text });
        });
      });
      req.on('error', reject);
      req.end();
    });
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  return {
    validAdmin: () => call('GET', '/me', `Bearer ${s.demo.adminToken}`),
    wrongAdmin: () => call('GET', '/me', `Bearer ${s.demo.adminToken.slice(0, -1)}${s.demo.adminToken.endsWith('A') ? 'B' : 'A'}`),
    noCredential: () => call('GET', '/applications'),
    validClient: () => call('GET', '/flows/no-such-flow', basic(s.demo.client.id, s.demo.client.secret)),
    wrongClient: () => call('GET', '/flows/no-such-flow', basic(s.demo.client.id, 'wrong-secret')),
  };
}

describe('rate limiting of credential checks', () => {
  it('answers the 6th failed check within a minute with 429 RATE_LIMITED', async () => {
    const c = client();
    for (let i = 1; i <= 5; i++) expect((await c.wrongAdmin()).status, `failed check ${i}`).toBe(401);
    const limited = await c.wrongAdmin();
    expectError(limited as never, 429, 'RATE_LIMITED', 'wait a minute');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toMatch(/q=5/);
  });

  it('never counts a call with a valid credential', async () => {
    const c = client();
    for (let i = 1; i <= 4; i++) expect((await c.wrongAdmin()).status).toBe(401);
    for (let i = 1; i <= 20; i++) {
      expect((await c.validAdmin()).status).toBe(200);
      // A valid flow client is not counted either, even when its request fails for another reason.
      expect((await c.validClient()).status).toBe(404);
    }
    expect((await c.wrongAdmin()).status, 'the 5th failed check').toBe(401);
    expect((await c.wrongAdmin()).status, 'the 6th failed check').toBe(429);
  });

  it('counts a request without any credential as a failed check', async () => {
    const c = client();
    for (let i = 1; i <= 5; i++) expect((await c.noCredential()).status).toBe(401);
    expect((await c.noCredential()).status).toBe(429);
  });

  it('counts failed checks of admin tokens and flow clients together', async () => {
    const c = client();
    for (let i = 1; i <= 3; i++) expect((await c.wrongAdmin()).status).toBe(401);
    for (let i = 1; i <= 2; i++) expect((await c.wrongClient()).status).toBe(401);
    expect((await c.wrongClient()).status).toBe(429);
    expect((await c.wrongAdmin()).status).toBe(429);
  });

  it('limits only the guessing address: another address with a valid credential goes on', async () => {
    const guesser = client();
    for (let i = 1; i <= 6; i++) await guesser.wrongAdmin();
    expect((await guesser.wrongAdmin()).status).toBe(429);
    const other = client();
    expect((await other.validAdmin()).status).toBe(200);
    expect((await other.wrongAdmin()).status).toBe(401);
  });
});
