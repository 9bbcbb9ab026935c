import { describe, expect, it } from 'vitest';
import { AuthenticatorRegistry } from '../../src/authenticators/registry.js';
import { addUser, attempt, federated, KEY, known, openStore, reasonOf } from './_support.js';

const registry = AuthenticatorRegistry.standard({ secretKey: KEY });

describe('the authenticator registry', () => {
  it('registers BasicAuthenticator, totp and email-otp-authenticator', () => {
    expect(registry.names()).toEqual(['BasicAuthenticator', 'totp', 'email-otp-authenticator']);
  });

  it('sends a local option to the authenticator registered under its name', async () => {
    const store = await openStore('memory');
    await addUser(store, 'alice', { password: 'right' });
    expect(await registry.authenticate(attempt('BasicAuthenticator', { credentials: { username: 'alice', password: 'right' } }), store)).toMatchObject({ outcome: 'success' });
    // A reported success is never taken for a registered authenticator: the password decides.
    expect(reasonOf(await registry.authenticate(attempt('BasicAuthenticator', { credentials: { username: 'alice', password: 'wrong' } }), store))).toBe('INVALID_CREDENTIALS');
  });

  it('takes the outcome, subject and claims that the identity server reports for a federated option', async () => {
    const store = await openStore('memory');
    const v = await registry.authenticate(attempt('GoogleOIDCAuthenticator', { option: { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }, subject: 'g-1', claims: { email: 'a@b.c' } }), store);
    expect(v).toEqual({ kind: 'federated', outcome: 'success', subject: 'g-1', claims: { email: 'a@b.c' } });
    const aborted = await registry.authenticate(attempt('GoogleOIDCAuthenticator', { option: { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }, outcome: 'abort' }), store);
    expect(aborted).toMatchObject({ kind: 'federated', outcome: 'abort' });
  });

  it('refuses a local authenticator it does not run with AUTHENTICATOR_NOT_AVAILABLE naming it', async () => {
    const store = await openStore('memory');
    const alice = await addUser(store, 'alice');
    const v = await registry.authenticate(attempt('FIDOAuthenticator', { knownSubject: known(alice) }), store);
    expect(v).toMatchObject({ kind: 'local', outcome: 'fail', reason: { code: 'AUTHENTICATOR_NOT_AVAILABLE' } });
    expect(v.kind === 'local' && v.reason?.message).toMatch(/^FIDOAuthenticator is not available on this server \(it runs BasicAuthenticator, totp, email-otp-authenticator\)/);
    // Giving up on it needs nothing.
    expect(await registry.authenticate(attempt('FIDOAuthenticator', { outcome: 'fallback' }), store)).toMatchObject({ outcome: 'fallback' });
  });

  it('takes the reported outcome of a listed trustReportedOutcomes authenticator, with the account rules around it', async () => {
    const store = await openStore('memory');
    const trusting = AuthenticatorRegistry.standard({ secretKey: KEY, trustReportedOutcomes: ['sms-otp-authenticator'] });
    const alice = await addUser(store, 'alice', { claims: { 'http://wso2.org/claims/mobile': '+15550100' } });
    expect(await trusting.authenticate(attempt('sms-otp-authenticator', { knownSubject: known(alice) }), store)).toMatchObject({ outcome: 'success', user: { username: 'alice' } });
    expect(reasonOf(await trusting.authenticate(attempt('sms-otp-authenticator', { knownSubject: federated('octocat') }), store))).toBe('LOCAL_ACCOUNT_REQUIRED');
  });

  it('refuses to trust the reported outcome of an authenticator it runs', () => {
    expect(() => AuthenticatorRegistry.standard({ secretKey: KEY, trustReportedOutcomes: ['totp'] })).toThrow('trustReportedOutcomes lists totp, which is registered: its outcome is checked, never taken as reported');
  });

  it('answers no challenge for an option without one', async () => {
    const store = await openStore('memory');
    expect(await registry.challenge(attempt('BasicAuthenticator'), store)).toBeNull();
    expect(await registry.challenge(attempt('FIDOAuthenticator'), store)).toBeNull();
    expect(await registry.challenge(attempt('x', { option: { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' } }), store)).toBeNull();
  });
});
