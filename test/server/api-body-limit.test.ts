/**
 * The body limit is a setting (AUTHSCRIPT_BODY_LIMIT): here 1 KiB. A larger body is refused with
 * 413 naming the limit, before anything of it is used; a body within it is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { adminRaw, adminState, expectError } from './_admin.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { bodyLimitBytes: 1024 } });
});
afterAll(async () => {
  await s?.close();
});

const draftOf = (bytes: number) => {
  const source = `// ${'x'.repeat(bytes)}\nvar onLoginRequest = function (context) { executeStep(1); };\n`;
  return JSON.stringify({ source });
};

describe('a server with a 1 KiB body limit', () => {
  it('saves a draft whose body is within the limit', async () => {
    const body = draftOf(800);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(1024);
    expect((await adminRaw(s, 'PUT', `/applications/${s.demo.applicationId}/script/draft`, body)).status).toBe(200);
  });

  it('refuses a draft one byte over the limit with 413 naming the limit, and keeps the draft as it was', async () => {
    const body = draftOf(1024 - Buffer.byteLength(draftOf(0)) + 1);
    expect(Buffer.byteLength(body)).toBe(1025);
    const before = await adminState(s);
    expectError(await adminRaw(s, 'PUT', `/applications/${s.demo.applicationId}/script/draft`, body), 413, 'PAYLOAD_TOO_LARGE', 'limit of 1024 bytes');
    expect(await adminState(s)).toEqual(before);
  });

  it('refuses an oversized flow start with 413, starting no flow', async () => {
    const body = JSON.stringify({ application: s.demo.applicationId, request: { headers: { 'user-agent': 'x'.repeat(2048) } } });
    const metrics = async () => /^authscript_flows_started_total\{tenant="demo"\} (\d+)$/m.exec((await s.raw('GET', '/metrics')).body)?.[1] ?? '0';
    const started = await metrics();
    const answer = await s.raw('POST', '/api/v1/flows', {
      body,
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${s.demo.client.id}:${s.demo.client.secret}`).toString('base64')}` },
    });
    expectError(answer, 413, 'PAYLOAD_TOO_LARGE', 'limit of 1024 bytes');
    expect(await metrics()).toBe(started);
  });
});
