import { describe, expect, it } from 'vitest';
import { logsOf, runScript } from '../_support/sandbox.js';

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8').toString('base64url');
const jwt = (header: unknown, payload: unknown, signature = 'c2lnbmF0dXJl') => `${b64url(header)}.${b64url(payload)}.${signature}`;
const HEADER = { alg: 'RS256', typ: 'JWT', kid: 'key-1' };
const PAYLOAD = { sub: 'alice', exp: 1700000000, ratio: 0.5, admin: true, address: { country: 'LK' }, amr: ['pwd', 'otp'], name: 'Zoë 日本', none: null };

/** The value getValueFromDecodedAssertion gives, run inside the sandbox. */
function decode(token: string, name: string, inPayload: boolean): string {
  const r = runScript(`var onLoginRequest = function (context) {
    Log.info(JSON.stringify(getValueFromDecodedAssertion(${JSON.stringify(token)}, ${JSON.stringify(name)}, ${inPayload})));
    executeStep(1);
  };`);
  expect(r.newEvents).toEqual([]); // decoded inside the sandbox, without the host
  return JSON.parse(logsOf(r)[0]!);
}

describe('getValueFromDecodedAssertion', () => {
  const token = jwt(HEADER, PAYLOAD);

  it('reads a payload claim as text', () => {
    expect(decode(token, 'sub', true)).toBe('alice');
    expect(decode(token, 'exp', true)).toBe('1700000000');
    expect(decode(token, 'ratio', true)).toBe('0.5');
    expect(decode(token, 'admin', true)).toBe('true');
  });

  it('reads objects and arrays as JSON text', () => {
    expect(decode(token, 'address', true)).toBe('{"country":"LK"}');
    expect(decode(token, 'amr', true)).toBe('["pwd","otp"]');
  });

  it('decodes UTF-8 text', () => {
    expect(decode(token, 'name', true)).toBe('Zoë 日本');
  });

  it('reads a header parameter when the third argument is false', () => {
    expect(decode(token, 'kid', false)).toBe('key-1');
    expect(decode(token, 'alg', false)).toBe('RS256');
    expect(decode(token, 'sub', false)).toBe('');
  });

  it('gives an empty string for an absent or null claim', () => {
    expect(decode(token, 'email', true)).toBe('');
    expect(decode(token, 'none', true)).toBe('');
  });

  it('does not verify the signature, as WSO2', () => {
    expect(decode(jwt(HEADER, PAYLOAD, 'forged'), 'sub', true)).toBe('alice');
    expect(decode(jwt(HEADER, PAYLOAD, ''), 'sub', true)).toBe('alice');
  });

  it.each([
    ['garbage', 'not-a-jwt'],
    ['two parts', `${b64url(HEADER)}.${b64url(PAYLOAD)}`],
    ['five parts (a JWE)', `${token}.x.y`],
    ['a header that is not base64url', `*${token}`],
    ['a header that is not JSON', `${b64url('{alg')}.${b64url(PAYLOAD)}.sig`],
    ['a header without alg', jwt({ typ: 'JWT' }, PAYLOAD)],
    ['an unsecured JWT (alg none)', jwt({ alg: 'none' }, PAYLOAD)],
    ['a JWE header (enc)', jwt({ alg: 'RSA-OAEP', enc: 'A256GCM' }, PAYLOAD)],
    ['a payload that is not JSON', `${b64url(HEADER)}.${b64url('hello')}.sig`],
    ['a payload that is a JSON array', jwt(HEADER, ['sub'])],
    ['bytes that are not UTF-8', `${b64url(HEADER)}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.sig`],
  ])('gives an empty string for %s', (_what, bad) => {
    expect(decode(bad, 'sub', true)).toBe('');
  });

  it('gives an empty string for a null JWT or claim name', () => {
    const r = runScript(`var onLoginRequest = function (context) {
      Log.info(JSON.stringify([getValueFromDecodedAssertion(null, 'sub', true), getValueFromDecodedAssertion(${JSON.stringify(token)}, null, true)]));
      executeStep(1);
    };`);
    expect(logsOf(r)).toEqual(['["",""]']);
  });

  it('throws when the third argument is not a boolean, or the JWT not a string', () => {
    const error = (call: string) => {
      const r = runScript(`var onLoginRequest = function (context) { ${call}; };`);
      return r.outcome.kind === 'error' ? r.outcome.error.message : null;
    };
    expect(error(`getValueFromDecodedAssertion('${token}', 'sub', 'true')`)).toBe(
      'TypeError: getValueFromDecodedAssertion: the third argument must be true (a payload claim) or false (a header parameter)',
    );
    expect(error(`getValueFromDecodedAssertion(42, 'sub', true)`)).toBe('TypeError: getValueFromDecodedAssertion: the JWT must be a string');
  });

  it('reads a request parameter holding a JWT, as scripts do', () => {
    const r = runScript(
      `var onLoginRequest = function (context) { Log.info(getValueFromDecodedAssertion(context.request.params.request[0], 'sub', true)); executeStep(1); };`,
      { input: { request: { params: { request: [token] } } } },
    );
    expect(logsOf(r)).toEqual(['alice']);
  });
});
