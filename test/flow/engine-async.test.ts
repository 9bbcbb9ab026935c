import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Sandbox } from '../../runtime/host/sandbox.js';
import { SimulatedAuthenticator } from '../../src/authenticators/simulated.js';
import { FlowEngine } from '../../src/flow/engine.js';
import { OutboundHttp } from '../../src/flow/outbound-http.js';
import { MemoryStore } from '../../src/store/memory-store.js';

let server: Server;
let port: number;
let calls = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    calls++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"risk":80}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('performs an async call once, feeds its result to the callback, and replays it from the journal', async () => {
  const store = new MemoryStore();
  await store.createUser('t', { username: 'alice', userStoreDomain: 'PRIMARY', passwordHash: null, roles: [], groups: [], claims: {}, totpSecret: 'dev', locked: false, disabled: false, provisionedBy: null });
  const engine = new FlowEngine({
    runner: new Sandbox(),
    store,
    authenticator: new SimulatedAuthenticator(),
    asyncCalls: new OutboundHttp({ allowedDomains: () => ['localhost'], isAllowedAddress: (a) => a === '127.0.0.1' }),
  });
  const source = `var onLoginRequest = function (context) {
    executeStep(1, { onSuccess: function (context) {
      httpGet('http://localhost:${port}/risk', { onSuccess: function (context, data) { Log.info('risk ' + data.risk); if (data.risk > 50) executeStep(2); } });
    } });
  };`;
  const application = { name: 'App', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }] };
  let flow = await engine.start({ tenant: 't', application, source });
  flow = await engine.advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success', username: 'alice' });
  expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
  expect(flow.logs.map((l) => l.message)).toEqual(['risk 80']);
  expect(flow.effects).toContainEqual(expect.objectContaining({ kind: 'asyncCall', call: 'httpGet', outcome: 'onSuccess' }));
  flow = await engine.advance(flow.id, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', outcome: 'success' });
  expect(flow.status).toBe('success');
  expect(calls).toBe(1);
});
