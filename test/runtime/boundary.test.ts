import { describe, expect, it } from 'vitest';
import { GuestProtocolError, parseGuestResult } from '../../runtime/host/parse-guest-result.js';
import { logsOf, runScript, started, stepOutcome } from '../_support/sandbox.js';

const VALID = {
  outcome: { kind: 'success', subjectStep: 1, attributeStep: 1 },
  newCommands: [],
  newLogs: [],
  newEvents: [],
  queuedNodes: 1,
};

describe('the host side of the boundary', () => {
  it('accepts a well-formed guest result', () => {
    expect(parseGuestResult(JSON.stringify(VALID), 1000)).toEqual(VALID);
  });

  it('rejects a guest answer that is not a string', () => {
    expect(() => parseGuestResult({ outcome: 1 }, 1000)).toThrow(GuestProtocolError);
  });

  it('rejects a guest answer far over the result limit', () => {
    expect(() => parseGuestResult(' '.repeat(10_000) + JSON.stringify(VALID), 10)).toThrow(/answered with \d+ bytes/);
  });

  it('rejects invalid JSON from the guest', () => {
    expect(() => parseGuestResult('{"outcome":', 1000)).toThrow(/invalid JSON/);
  });

  it('rejects a result that does not match the protocol, naming the path', () => {
    const bad = { ...VALID, newCommands: [{ kind: 'runShell', command: 'rm -rf /' }] };
    expect(() => parseGuestResult(JSON.stringify(bad), 1000)).toThrow(/newCommands\.0/);
  });

  it('drops __proto__ keys so a result cannot pollute host prototypes', () => {
    const text = JSON.stringify(VALID).replace('"newCommands":[]', '"newCommands":[{"kind":"setEndpointParam","name":"x","value":{"__proto__":{"polluted":true}}}]');
    const parsed = parseGuestResult(text, 10_000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.newCommands[0]).toEqual({ kind: 'setEndpointParam', name: 'x', value: {} });
  });

  it('drops a __proto__ key spelled with escapes too', () => {
    const text = JSON.stringify(VALID).replace('"newCommands":[]', '"newCommands":[{"kind":"setEndpointParam","name":"x","value":{"\\u005f_proto__":{"polluted":true}}}]');
    const parsed = parseGuestResult(text, 10_000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.newCommands[0]).toEqual({ kind: 'setEndpointParam', name: 'x', value: {} });
  });

  it('gives the script a plain message, without a host stack, when a host read fails', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { onSuccess: function (c) {
        try { hasAnyOfTheRoles(c.currentKnownSubject, ['admin']); } catch (e) { Log.info(e.message + ' | ' + (e.stack || '')); }
        executeStep(2);
      } });
    };`;
    const host = () => {
      throw new Error('database is down');
    };
    const [line] = logsOf(runScript(src, { journal: [started(), stepOutcome(1)], host }));
    expect(line).toMatch(/^getRolesOfUser failed: database is down \| /);
    expect(line).not.toMatch(/node:|\.ts:|file:\/\//);
  });

  it('copies values out of the script once, so a getter cannot change them between check and use', () => {
    const src = `var onLoginRequest = function (c) {
      var n = 0;
      var options = { get authenticationOptions() { n++; return n === 1 ? [{ idp: 'Google' }] : [{ idp: 'Okta' }]; } };
      executeStep(1, options, {});
    };`;
    const r = runScript(src);
    expect(r.outcome).toMatchObject({ waiting: { options: [{ idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] } });
  });
});

describe('headers a script sets', () => {
  it('refuses a response header name that could start another header', () => {
    const r = runScript("var onLoginRequest = function (c) { c.response.headers['X-A\\r\\nSet-Cookie: x'] = 'v'; executeStep(1); };");
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/not a valid header name/) } });
  });

  it('refuses a response header value with a line break', () => {
    const r = runScript("var onLoginRequest = function (c) { c.response.headers['X-Risk'] = 'low\\r\\nSet-Cookie: admin=1'; executeStep(1); };");
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', message: expect.stringMatching(/control characters/) } });
  });

  it('accepts an ordinary response header as a command', () => {
    const r = runScript("var onLoginRequest = function (c) { c.response.headers['X-Risk'] = 'low'; executeStep(1); };");
    expect(r.newCommands).toEqual([{ kind: 'setResponseHeader', name: 'X-Risk', value: 'low' }]);
  });

  it('rejects, on the host, a command whose cookie attribute could inject another attribute', () => {
    const text = JSON.stringify({ ...VALID, newCommands: [{ kind: 'setCookie', name: 'a', value: 'v', sign: false, encrypt: false, domain: null, path: '/; Domain=evil.example', comment: null, maxAge: null, version: null, httpOnly: null, secure: null, sameSite: null }] });
    expect(() => parseGuestResult(text, 10_000)).toThrow(/newCommands\.0\.path/);
  });
});
