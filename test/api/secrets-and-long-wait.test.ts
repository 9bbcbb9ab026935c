import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import { logsOf, runScript, started, T0 } from '../_support/sandbox.js';

const onLogin = (body: string) => `var onLoginRequest = function (context) { ${body} };`;
const scriptError = (r: ReturnType<typeof runScript>) => (r.outcome.kind === 'error' ? r.outcome.error.message : null);
const CALLBACKS = `{ onSuccess: function (c, data) { Log.info('ok ' + JSON.stringify(data)); executeStep(1); }, onFail: function (c) { Log.info('failed'); } }`;

describe('secrets', () => {
  it('getSecretByName and secrets.<name> give a placeholder, never the value', () => {
    const r = runScript(onLogin(`Log.info(getSecretByName('riskApiToken') + ' ' + secrets.choreoKey + ' ' + secrets['my.key-2']); executeStep(1);`));
    expect(logsOf(r)).toEqual(['{{secret:riskApiToken}} {{secret:choreoKey}} {{secret:my.key-2}}']);
  });

  it('passes the placeholder on to an HTTP call, for the HTTP layer to replace', () => {
    const r = runScript(onLogin(`httpGet('https://risk.example.com/score', { Authorization: 'Bearer ' + secrets.riskApiToken }, {});`));
    expect(r.outcome).toEqual({
      kind: 'waiting',
      waiting: { kind: 'async', call: 'httpGet', args: { url: 'https://risk.example.com/score', headers: { Authorization: 'Bearer {{secret:riskApiToken}}' } } },
    });
  });

  it('gives null with an error log for a name that cannot be a secret', () => {
    const r = runScript(onLogin(`Log.info(getSecretByName('a b') + ' ' + getSecretByName(7) + ' ' + secrets['{{x}}']); executeStep(1);`));
    expect(logsOf(r)).toEqual([
      'getSecretByName: a b is not a secret name (letters, digits, "_", "." and "-")',
      'getSecretByName: 7 is not a secret name (letters, digits, "_", "." and "-")',
      'getSecretByName: {{x}} is not a secret name (letters, digits, "_", "." and "-")',
      'null null null',
    ]);
  });

  it('cannot be changed by a script', () => {
    const r = runScript(onLogin(`secrets.x = 'leak'; delete secrets.y; Log.info(secrets.x); executeStep(1);`));
    expect(logsOf(r)).toEqual(['{{secret:x}}']);
  });
});

describe('callChoreo, callAnalytics and callElastic', () => {
  it('callChoreo waits for the call with its URL, metadata and payload', () => {
    const r = runScript(onLogin(`callChoreo({ url: 'https://x.choreoapis.dev/risk', consumerKey: secrets.ck, consumerSecretAlias: 'cs' }, { user: 'alice' }, ${CALLBACKS});`));
    expect(r.outcome).toEqual({
      kind: 'waiting',
      waiting: {
        kind: 'async',
        call: 'callChoreo',
        args: { url: 'https://x.choreoapis.dev/risk', metadata: { url: 'https://x.choreoapis.dev/risk', consumerKey: '{{secret:ck}}', consumerSecretAlias: 'cs' }, payload: { user: 'alice' } },
      },
    });
  });

  it('callChoreo continues with the handler of the result and its data', () => {
    const r = runScript(onLogin(`callChoreo({ url: 'https://x.choreoapis.dev/risk' }, {}, ${CALLBACKS});`), {
      journal: [started(), { kind: 'async', at: T0 + 1, outcome: 'onSuccess', data: { risk: 80 } }],
    });
    expect(logsOf(r)).toEqual(['ok {"risk":80}']);
  });

  it('callAnalytics waits for the call to the receiver, and callElastic for the risk query', () => {
    const analytics = runScript(onLogin(`callAnalytics({ Application: 'RiskBasedLogin', InputStream: 'InputStream', ReceiverUrl: 'https://si.example.com/r' }, { username: 'alice' }, ${CALLBACKS});`));
    expect(analytics.outcome).toMatchObject({
      waiting: { kind: 'async', call: 'callAnalytics', args: { url: 'https://si.example.com/r', metadata: { Application: 'RiskBasedLogin' }, payload: { username: 'alice' } } },
    });
    const elastic = runScript(onLogin(`callElastic({ username: 'alice', threshold: '10000' }, ${CALLBACKS});`));
    expect(elastic.outcome).toEqual({ kind: 'waiting', waiting: { kind: 'async', call: 'callElastic', args: { params: { username: 'alice', threshold: '10000' } } } });
  });

  it.each([
    [`callChoreo({ url: 'u' }, {})`, 'TypeError: callChoreo: expected callChoreo(metadata, payload, callbacks), got 2 arguments'],
    [`callChoreo({ url: 'u' }, {}, {}, {})`, 'TypeError: callChoreo: expected callChoreo(metadata, payload, callbacks), got 4 arguments'],
    [`callChoreo('https://u', {}, {})`, 'TypeError: callChoreo: argument 1 (metadata) must be an object'],
    [`callAnalytics({}, null, {})`, 'TypeError: callAnalytics: argument 2 (payload) must be an object'],
    [`callElastic({ username: 'a' }, function () {})`, 'TypeError: callElastic: argument 2 (callbacks) must be an object'],
  ])('throws at once for %s', (call, message) => {
    expect(scriptError(runScript(onLogin(`${call};`)))).toBe(message);
  });

  it('counts against the async calls of the flow', () => {
    const r = runScript(onLogin(`callElastic({}, {}); callElastic({}, {});`), { limits: { asyncCallsPerFlow: 1 } });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'LIMIT_EXCEEDED' } });
  });

  it('lets a scenario answer callChoreo by its URL in the simulator', async () => {
    const trace = await simulate({
      source: onLogin(`callChoreo({ url: 'https://x.choreoapis.dev/risk' }, { ip: context.request.ip }, {
        onSuccess: function (c, data) { Log.info('risk ' + data.risk); executeStep(1); }
      });`),
      application: { name: 'Thrift', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] },
      users: [{ username: 'alice' }],
      interactions: [{ http: 'https://x.choreoapis.dev/risk', status: 200, body: { risk: 12 } }, { step: 1, username: 'alice' }],
    });
    expect(trace).toMatchObject({ outcome: 'success', logs: [{ level: 'info', message: 'risk 12' }] });
  });
});

describe('functions WSO2 removes', () => {
  it.each(['quit', 'exit', 'print', 'echo', 'readFully', 'readLine', 'load', 'printErr', 'loadWithNewGlobal'])('%s only logs that it is restricted', (name) => {
    const r = runScript(onLogin(`var v = ${name}('x'); Log.info(String(v)); executeStep(1);`));
    expect(r.newLogs).toEqual([
      { level: 'error', message: `${name} function is restricted.` },
      { level: 'info', message: 'undefined' },
    ]);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 1 } });
  });
});
