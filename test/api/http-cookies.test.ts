import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HostCall } from '../../runtime/protocol.js';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { simulate } from '../../src/simulate/simulate.js';
import { logsOf, runScript, started, stepOutcome, userStoreHost } from '../_support/sandbox.js';
import { effectsOf, flowLogs, harness, localStep, newUser } from './_flow.js';

const inCallback = (body: string) => `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { var user = context.currentKnownSubject; ${body} } });
};`;
const afterStep1 = { journal: [started(), stepOutcome(1)] };
const scriptError = (r: ReturnType<typeof runScript>) => (r.outcome.kind === 'error' ? r.outcome.error.message : null);
const COOKIE_DEFAULTS = { sign: false, encrypt: false, domain: null, path: null, comment: null, maxAge: null, version: null, httpOnly: null, secure: null, sameSite: null };
const wso2Cookie = (value: unknown, signature: unknown = null) => Buffer.from(JSON.stringify({ value, signature })).toString('base64');

describe('setCookie in the sandbox', () => {
  it('queues the cookie with its properties for the host to build', () => {
    const r = runScript(
      inCallback(`setCookie(context.response, 'deviceAuth', user.identifier, { sign: true, encrypt: true, 'max-age': 63072000, sameSite: 'LAX', path: '/', domain: '.example.com', httpOnly: true, secure: true, version: 1, comment: 'device' });`),
      afterStep1,
    );
    expect(r.newCommands).toEqual([
      { kind: 'setCookie', name: 'deviceAuth', value: 'alice', sign: true, encrypt: true, domain: '.example.com', path: '/', comment: 'device', maxAge: 63072000, version: 1, httpOnly: true, secure: true, sameSite: 'LAX' },
    ]);
  });

  it('queues a plain cookie when only the value is given', () => {
    const r = runScript(inCallback(`setCookie(context.response, 'theme', 'dark');`), afterStep1);
    expect(r.newCommands).toEqual([{ kind: 'setCookie', name: 'theme', value: 'dark', ...COOKIE_DEFAULTS }]);
  });

  it('does nothing without a value or with more than the value and the properties', () => {
    const r = runScript(inCallback(`setCookie(context.response, 'a'); setCookie(context.response, 'b', 'v', {}, {});`), afterStep1);
    expect(r.newCommands).toEqual([]);
  });

  it.each([
    [`{ sign: 'true' }`, 'TypeError: setCookie: the property "sign" must be a boolean, got true'],
    [`{ 'max-age': 1.5 }`, 'TypeError: setCookie: the property "max-age" must be an integer, got 1.5'],
    [`{ sameSite: 'Lax' }`, 'TypeError: setCookie: sameSite must be NONE, LAX or STRICT, got Lax'],
    [`{ path: '/; Domain=evil.com' }`, 'TypeError: setCookie: the path may hold printable characters other than ";" only'],
    [`{ domain: 'evil.com\\r\\nX: y' }`, 'TypeError: setCookie: evil.com\r\nX: y is not a valid cookie domain'],
  ])('throws for the properties %s', (props, message) => {
    expect(scriptError(runScript(inCallback(`setCookie(context.response, 'c', 'v', ${props});`), afterStep1))).toBe(message);
  });

  it('throws for an invalid cookie name, a value that is not a string, and a target that is not the response', () => {
    expect(scriptError(runScript(inCallback(`setCookie(context.response, 'a;b', 'v');`), afterStep1))).toBe('TypeError: setCookie: a;b is not a valid cookie name');
    expect(scriptError(runScript(inCallback(`setCookie(context.response, 'Path', 'v');`), afterStep1))).toBe('TypeError: setCookie: Path is not a valid cookie name');
    expect(scriptError(runScript(inCallback(`setCookie(context.response, 'c', 42);`), afterStep1))).toBe('TypeError: setCookie: the cookie value must be a string');
    expect(scriptError(runScript(inCallback(`setCookie(context.request, 'c', 'v');`), afterStep1))).toBe('TypeError: setCookie: the first argument must be context.response');
  });

  it('logs and sets nothing when asked to sign a null value', () => {
    const r = runScript(inCallback(`setCookie(context.response, 'c', null, { sign: true });`), afterStep1);
    expect(logsOf(r)).toEqual(['setCookie: Error occurred when signing the cookie value: there is no value']);
    expect(r.newCommands).toEqual([]);
  });
});

describe('getCookieValue in the sandbox', () => {
  const withCookie = { input: { request: { cookies: { deviceAuth: { value: 'sealed' } } } } };
  function cookieHost(calls: HostCall[]): HostHandler {
    return (call) => {
      calls.push(call);
      return call.call === 'getCookieValue' ? { kind: 'value', value: 'alice' } : userStoreHost(call);
    };
  }

  it('asks the host to decode, decrypt and check the request cookie', () => {
    const calls: HostCall[] = [];
    const r = runScript(`var onLoginRequest = function (context) {
      Log.info(getCookieValue(context.request, 'deviceAuth', { validateSignature: true, decrypt: true })); executeStep(1); };`, { ...withCookie, host: cookieHost(calls) });
    expect(logsOf(r)).toEqual(['alice']);
    expect(calls).toEqual([{ call: 'getCookieValue', args: { name: 'deviceAuth', decrypt: true, validateSignature: true } }]);
  });

  it('is null for a cookie the request does not have, without asking the host', () => {
    const calls: HostCall[] = [];
    const r = runScript(`var onLoginRequest = function (context) { Log.info(String(getCookieValue(context.request, 'other'))); executeStep(1); };`, { ...withCookie, host: cookieHost(calls) });
    expect(logsOf(r)).toEqual(['null']);
    expect(calls).toEqual([]);
  });

  it('is null without a name or with more than the name and the properties', () => {
    const r = runScript(`var onLoginRequest = function (context) {
      Log.info(getCookieValue(context.request) + ' ' + getCookieValue(context.request, 'deviceAuth', {}, {})); executeStep(1); };`, withCookie);
    expect(logsOf(r)).toEqual(['null null']);
  });

  it('throws for a name that is not a string and a flag that is not a boolean', () => {
    expect(scriptError(runScript(`var onLoginRequest = function (context) { getCookieValue(context.request, 7); };`))).toBe('TypeError: getCookieValue: the cookie name must be a string');
    expect(scriptError(runScript(`var onLoginRequest = function (context) { getCookieValue(context.request, 'deviceAuth', { decrypt: 'yes' }); };`, withCookie))).toBe(
      'TypeError: getCookieValue: the property "decrypt" must be a boolean, got yes',
    );
  });
});

describe('cookies through the flow engine', () => {
  const SET = (props: string) => inCallback(`setCookie(context.response, 'deviceAuth', user.identifier, ${props});`);
  const GET = (props: string) => `var onLoginRequest = function (context) { Log.info(String(getCookieValue(context.request, 'deviceAuth', ${props}))); executeStep(1); };`;
  const request = (value: string) => ({ request: { cookies: { deviceAuth: { value } } } });

  async function setAndGet(setProps: string, getProps: string, tamper: (value: string) => string = (v) => v) {
    const h = await harness([newUser('alice')]);
    const set = await h.login(SET(setProps), [localStep(1)]);
    const [cookie] = effectsOf(set, 'responseCookie') as { value: string; header: string }[];
    const got = await h.login(GET(getProps), [], request(tamper(cookie!.value)));
    return { cookie: cookie!, value: flowLogs(got)[0] };
  }

  it('round-trips a signed cookie set by setCookie through getCookieValue with validateSignature', async () => {
    const { cookie, value } = await setAndGet('{ sign: true }', '{ validateSignature: true }');
    expect(value).toBe('alice');
    const stored = JSON.parse(Buffer.from(cookie.value, 'base64').toString('utf8'));
    expect(stored).toEqual({ value: 'alice', signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
  });

  it('round-trips an encrypted cookie, whose value does not show the plaintext', async () => {
    const { cookie, value } = await setAndGet('{ encrypt: true, sign: true }', '{ decrypt: true, validateSignature: true }');
    expect(value).toBe('alice');
    expect(Buffer.from(cookie.value, 'base64').toString('utf8')).not.toContain('alice');
  });

  it('reads a tampered signed cookie as null', async () => {
    const tamper = (v: string) => {
      const stored = JSON.parse(Buffer.from(v, 'base64').toString('utf8'));
      return wso2Cookie('mallory', stored.signature);
    };
    expect((await setAndGet('{ sign: true }', '{ validateSignature: true }', tamper)).value).toBe('null');
    // Without validateSignature WSO2 trusts the value as it is, so the tampered value comes through.
    expect((await setAndGet('{ sign: true }', '{}', tamper)).value).toBe('mallory');
  });

  it('reads a tampered encrypted cookie as null', async () => {
    const tamper = (v: string) => {
      const stored = JSON.parse(Buffer.from(v, 'base64').toString('utf8'));
      const sealed = Buffer.from(stored.value, 'base64');
      sealed[sealed.length - 1]! ^= 1;
      return wso2Cookie(sealed.toString('base64'), null);
    };
    expect((await setAndGet('{ encrypt: true }', '{ decrypt: true }', tamper)).value).toBe('null');
  });

  it('reads a cookie signed with another server key, an unsigned cookie, or garbage as null when validating', async () => {
    const h = await harness([newUser('alice')]);
    const other = await harness([newUser('alice')], { cookieKey: randomBytes(32) });
    const set = await other.login(SET('{ sign: true }'), [localStep(1)]);
    const foreign = (effectsOf(set, 'responseCookie')[0] as { value: string }).value;
    for (const value of [foreign, wso2Cookie('alice'), 'not base64 json', Buffer.from('[1]').toString('base64')]) {
      expect(flowLogs(await h.login(GET('{ validateSignature: true }'), [], request(value)))).toEqual(['null']);
    }
  });

  it('builds the Set-Cookie header from the properties', async () => {
    const { cookie } = await setAndGet("{ 'max-age': 3600, path: '/', domain: 'example.com', httpOnly: true, secure: true, sameSite: 'STRICT' }", '{}');
    expect(cookie.header).toBe(`deviceAuth=${cookie.value}; Domain=example.com; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Strict`);
    expect(JSON.parse(Buffer.from(cookie.value, 'base64').toString('utf8'))).toEqual({ value: 'alice', signature: null });
  });

  it('sets no signed cookie and reads none when the server has no cookie key', async () => {
    const h = await harness([newUser('alice')], { cookieKey: undefined });
    const set = await h.login(SET('{ sign: true }'), [localStep(1)]);
    expect(effectsOf(set, 'responseCookie')).toEqual([]);
    expect(effectsOf(set, 'commandSkipped')).toEqual([{ kind: 'commandSkipped', command: 'setCookie', reason: 'the server has no cookie key, so it can neither sign nor encrypt cookies' }]);
    expect(flowLogs(await h.login(GET('{ validateSignature: true }'), [], request(wso2Cookie('alice', 'c2ln'))))).toEqual(['null']);
  });

  it('sets cookies in the simulator, which holds a cookie key for the run', async () => {
    const trace = await simulate({
      source: SET('{ sign: true }'),
      application: { name: 'Thrift', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] },
      users: [{ username: 'alice' }],
      interactions: [{ step: 1, username: 'alice' }],
    });
    expect(trace.outcome).toBe('success');
    expect(trace.effects.filter((e) => e.kind === 'responseCookie')).toEqual([{ kind: 'responseCookie', name: 'deviceAuth', value: expect.any(String), header: expect.stringMatching(/^deviceAuth=/) }]);
  });
});
