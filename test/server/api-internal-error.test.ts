/**
 * When something fails inside the server (here: its database is closed under it), the client gets
 * a 500 with a request id to quote and nothing else — no message of the failure, no stack trace —
 * while the log holds the details under the same request id. /readyz says the server is not ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';
import { expectError, expectNoStackTrace } from './_admin.js';

let s: TestServer;
const logLines: Record<string, unknown>[] = [];
beforeAll(async () => {
  s = await startTestServer({ config: { logLevel: 'warn' }, logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
  await s.server.context.store.close();
});
afterAll(async () => {
  await s?.close();
});

describe('a server whose database fails', () => {
  it('answers an admin call with 500 INTERNAL and a request id to quote, and nothing of the failure', async () => {
    const answer = await s.admin('GET', '/applications');
    const error = expectError(answer, 500, 'INTERNAL');
    const requestId = answer.headers.get('x-request-id')!;
    expect(error).toEqual({ code: 'INTERNAL', message: `the request failed; quote request id ${requestId} to the operator`, requestId });
  });

  it('answers a flow call and a write the same way, never with the database’s message', async () => {
    for (const answer of [await s.flow('POST', '/flows', { application: s.demo.applicationId }), await s.admin('POST', '/applications', { name: 'X' })]) {
      expectError(answer, 500, 'INTERNAL', 'quote request id');
      expect(JSON.stringify(answer.body)).not.toMatch(/database|sqlite|connection|not open|kysely/i);
      expectNoStackTrace(answer);
    }
  });

  it('logs the failure with its details under the request id the client got', async () => {
    const answer = await s.admin('GET', '/connections');
    const requestId = answer.headers.get('x-request-id');
    const line = logLines.find((l) => l.requestId === requestId && l.msg === 'request failed');
    expect(line).toMatchObject({ level: 50, method: 'GET', url: '/api/v1/connections', err: { message: expect.any(String), stack: expect.any(String) } });
  });

  it('answers /readyz with 503 NOT_READY, while /healthz still answers 200', async () => {
    expectError(await s.raw('GET', '/readyz'), 503, 'NOT_READY', 'database');
    expect((await s.raw('GET', '/healthz')).status).toBe(200);
  });
});
