/**
 * The server's log: one JSON line per request, with the flow id on every flow call, and never a
 * password, a code, a secret or a claim value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './_server.js';

const lines: string[] = [];
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ config: { logLevel: 'info' }, logDestination: { write: (line: string) => void lines.push(line) } });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('the log', () => {
  it('has a JSON line per request, with the flow id on each flow call, and no secret or personal data', async () => {
    const started = await t.flow('POST', '/flows', { application: t.demo.applicationId });
    const flowId = started.body.id as string;
    await t.flow('POST', `/flows/${flowId}/interactions`, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', credentials: { username: 'alice', password: 'alice-demo-password' } });
    await t.flow('POST', `/flows/${flowId}/challenge`, { step: 2, authenticator: 'totp' });
    await t.flow('GET', `/flows/${flowId}`);
    await t.flow('POST', '/flows/no-such-flow/interactions', { kind: 'step', step: 1, idp: 'GitHub', authenticator: 'GithubAuthenticator', subject: 'gh', claims: { email: 'secret-person@example.com' } });

    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const flowCalls = records.filter((r) => r['msg'] === 'request' && String(r['route']).includes('/flows'));
    expect(flowCalls).toHaveLength(5);
    for (const r of flowCalls.slice(0, 4)) expect(r['flowId']).toBe(flowId);
    expect(flowCalls[4]!['flowId']).toBe('no-such-flow');
    for (const r of flowCalls) expect(r).toMatchObject({ requestId: expect.any(String), status: expect.any(Number), tenant: 'demo', ms: expect.any(Number) });

    const all = lines.join('\n');
    expect(all).not.toContain('alice-demo-password');
    expect(all).not.toContain(t.demo.client.secret);
    expect(all).not.toContain(t.demo.adminToken);
    expect(all).not.toContain('secret-person@example.com');
  });
});
