import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { domainAllowed, isPublicAddress, OutboundHttp, type OutboundHttpOptions } from '../../src/flow/outbound-http.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let port: number;
let handler: Handler;
let requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  requests = [];
  handler = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"score":7}');
});

// The local test server is on loopback, which the default policy refuses: widen it for these tests.
const local = (extra: Partial<OutboundHttpOptions> = {}) =>
  new OutboundHttp({ allowedDomains: () => ['localhost'], isAllowedAddress: (a) => a === '127.0.0.1', timeoutMs: 500, ...extra });
const url = (path = '/score') => `http://localhost:${port}${path}`;

describe('the address policy', () => {
  it.each([
    ['127.0.0.1', 4, false], ['10.1.2.3', 4, false], ['172.16.0.1', 4, false], ['192.168.1.1', 4, false], ['169.254.169.254', 4, false],
    ['100.64.0.1', 4, false], ['0.0.0.0', 4, false], ['224.0.0.1', 4, false], ['8.8.8.8', 4, true], ['203.0.114.9', 4, true],
    ['::1', 6, false], ['fe80::1', 6, false], ['fd00::1', 6, false], ['::ffff:127.0.0.1', 6, false], ['::ffff:8.8.8.8', 6, true], ['2606:4700::1111', 6, true],
  ] as const)('treats %s as %s public: %s', (address, family, expected) => {
    expect(isPublicAddress(address, family)).toBe(expected);
  });

  it('allows a host of an allow-listed domain and its subdomains only', () => {
    expect(domainAllowed('risk.example.com', ['example.com'])).toBe(true);
    expect(domainAllowed('example.com', ['example.com'])).toBe(true);
    expect(domainAllowed('evil-example.com', ['example.com'])).toBe(false);
    expect(domainAllowed('example.com.evil.io', ['example.com'])).toBe(false);
  });
});

describe('outbound HTTP for scripts', () => {
  it('refuses a domain that is not allow-listed, without a request', async () => {
    const r = await new OutboundHttp({ allowedDomains: () => ['example.com'] }).call('t', 'httpGet', { url: url() });
    expect(r).toMatchObject({ outcome: 'onFail', data: {}, note: 'localhost is not an allowed domain' });
    expect(requests).toHaveLength(0);
  });

  it('refuses an allow-listed host that resolves to a loopback address', async () => {
    const r = await new OutboundHttp({ allowedDomains: () => ['localhost'] }).call('t', 'httpGet', { url: url() });
    expect(r.outcome).toBe('onFail');
    expect(r.note).toMatch(/scripts may not reach/);
    expect(requests).toHaveLength(0);
  });

  it('refuses a private IP literal without connecting', async () => {
    const r = await new OutboundHttp({ allowedDomains: () => ['10.0.0.8'] }).call('t', 'httpGet', { url: 'http://10.0.0.8/x' });
    expect(r).toMatchObject({ outcome: 'onFail', note: '10.0.0.8 is an address scripts may not reach' });
  });

  it('gives the JSON body of a 2xx answer to onSuccess', async () => {
    expect(await local().call('t', 'httpGet', { url: url() })).toMatchObject({ outcome: 'onSuccess', data: { score: 7 } });
    expect(requests[0]?.headers.accept).toBe('application/json');
  });

  it('wraps a text/plain body as {response}', async () => {
    handler = (_q, _b, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    expect((await local().call('t', 'httpGet', { url: url() })).data).toEqual({ response: 'ok' });
  });

  it('gives {} for an empty body', async () => {
    handler = (_q, _b, res) => res.writeHead(204).end();
    expect(await local().call('t', 'httpGet', { url: url() })).toMatchObject({ outcome: 'onSuccess', data: {} });
  });

  it('calls onFail for a JSON array body', async () => {
    handler = (_q, _b, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[1,2]');
    expect((await local().call('t', 'httpGet', { url: url() })).outcome).toBe('onFail');
  });

  it('calls onFail for a 4xx answer without retrying', async () => {
    handler = (_q, _b, res) => res.writeHead(404).end();
    expect((await local().call('t', 'httpGet', { url: url() })).outcome).toBe('onFail');
    expect(requests).toHaveLength(1);
  });

  it('retries a 5xx answer twice before onFail', async () => {
    handler = (_q, _b, res) => res.writeHead(503).end();
    expect((await local().call('t', 'httpGet', { url: url() })).outcome).toBe('onFail');
    expect(requests).toHaveLength(3);
  });

  it('does not follow redirects', async () => {
    handler = (_q, _b, res) => res.writeHead(302, { location: 'http://localhost/elsewhere' }).end();
    expect((await local().call('t', 'httpGet', { url: url() })).outcome).toBe('onFail');
    expect(requests).toHaveLength(1);
  });

  it('calls onTimeout when the server does not answer in time, after retries', async () => {
    handler = (_q, _b, res) => setTimeout(() => res.writeHead(200).end('{}'), 400);
    const r = await local({ timeoutMs: 100, retries: 1 }).call('t', 'httpGet', { url: url() });
    expect(r.outcome).toBe('onTimeout');
    expect(requests.length).toBeGreaterThanOrEqual(1);
  });

  it('calls onFail when the response is over the size cap', async () => {
    handler = (_q, _b, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ blob: 'x'.repeat(5000) }));
    expect((await local({ maxResponseBytes: 1000 }).call('t', 'httpGet', { url: url() })).outcome).toBe('onFail');
  });

  it('posts the payload as JSON', async () => {
    await local().call('t', 'httpPost', { url: url(), payload: { user: 'alice', n: 1 } });
    expect(requests[0]).toMatchObject({ method: 'POST', body: '{"user":"alice","n":1}', headers: { 'content-type': 'application/json' } });
  });

  it('posts a form when the content type asks for one', async () => {
    await local().call('t', 'httpPost', { url: url(), payload: { a: 'b c' }, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(requests[0]?.body).toBe('a=b+c');
  });

  it('sends basic, API-key and bearer credentials', async () => {
    const http = local();
    await http.call('t', 'httpGet', { url: url(), authConfig: { type: 'basic', properties: { username: 'u', password: 'p' } } });
    await http.call('t', 'httpGet', { url: url(), authConfig: { type: 'apikey', properties: { apiKey: 'k', headerName: 'X-Api-Key' } } });
    await http.call('t', 'httpGet', { url: url(), authConfig: { type: 'bearer', properties: { token: 'tok' } } });
    expect(requests.map((r) => r.headers.authorization ?? r.headers['x-api-key'])).toEqual([`Basic ${Buffer.from('u:p').toString('base64')}`, 'k', 'Bearer tok']);
  });

  it('fetches a client-credentials token once and reuses it', async () => {
    handler = (req, _b, res) =>
      req.url === '/token'
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"at-1","expires_in":3600}')
        : res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const http = local();
    const auth = { type: 'clientcredential', properties: { consumerKey: 'ck', consumerSecret: 'cs', tokenEndpoint: url('/token') } };
    await http.call('t', 'httpGet', { url: url(), authConfig: auth });
    await http.call('t', 'httpGet', { url: url(), authConfig: auth });
    expect(requests.map((r) => r.url)).toEqual(['/token', '/score', '/score']);
    expect(requests[1]?.headers.authorization).toBe('Bearer at-1');
    expect(requests[0]?.body).toBe('grant_type=client_credentials');
  });

  it('resolves secret placeholders only on the host', async () => {
    await local({ secret: (_t, n) => (n === 'riskKey' ? 's3cr3t' : undefined) }).call('t', 'httpGet', { url: url(), headers: { 'X-Key': '{{secret:riskKey}}' } });
    expect(requests[0]?.headers['x-key']).toBe('s3cr3t');
  });
});
