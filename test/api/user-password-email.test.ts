import { describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../../src/authenticators/passwords.js';
import { userStoreAsyncCalls } from '../../src/flow/user-async-calls.js';
import { ALICE, logsOf, runScript, started, stepOutcome, T0 } from '../_support/sandbox.js';
import { effectsOf, flowLogs, googleStep, harness, localStep, newUser, TENANT } from './_flow.js';

const inCallback = (body: string) => `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { var user = context.currentKnownSubject; ${body} } });
};`;
const afterStep1 = { journal: [started(), stepOutcome(1)] };
const GOOGLE_USER = { username: 'g-1', federated: true, idp: 'Google', userStoreDomain: null, remoteClaims: { email: 'g1@gmail.com' } };
const federated = { journal: [started(), stepOutcome(1, 'success', { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: GOOGLE_USER })] };
const scriptError = (r: ReturnType<typeof runScript>) => (r.outcome.kind === 'error' ? r.outcome.error.message : null);

describe('updateUserPassword in the sandbox', () => {
  it('queues the new password as a command when there are no callbacks', () => {
    const r = runScript(inCallback(`Log.info(String(updateUserPassword(user, 'n3w-Secret')));`), afterStep1);
    expect(logsOf(r)).toEqual(['undefined']);
    expect(r.newCommands).toEqual([{ kind: 'updateUserPassword', username: 'alice', userStoreDomain: 'PRIMARY', password: 'n3w-Secret', skipPasswordValidation: false }]);
  });

  it('waits for the update when there are callbacks, and continues with onSuccess and {}', () => {
    const src = inCallback(`updateUserPassword(user, 'n3w-Secret', { onSuccess: function (c, data) { Log.info('updated ' + JSON.stringify(data)); } }, true);`);
    const waiting = runScript(src, afterStep1);
    expect(waiting.outcome).toEqual({
      kind: 'waiting',
      waiting: { kind: 'async', call: 'updateUserPassword', args: { username: 'alice', userStoreDomain: 'PRIMARY', password: 'n3w-Secret', skipPasswordValidation: true, refused: null } },
    });
    expect(waiting.newCommands).toEqual([]);
    const done = runScript(src, { journal: [...afterStep1.journal, { kind: 'async', at: T0 + 5000, outcome: 'onSuccess', data: {} }] });
    expect(logsOf(done)).toEqual(['updated {}']);
  });

  it.each([
    ['updateUserPassword(null, "x")', 'TypeError: updateUserPassword: User is not defined.'],
    ['updateUserPassword(user)', 'TypeError: updateUserPassword: Password is not defined.'],
    ['updateUserPassword(user, null)', 'TypeError: updateUserPassword: Password is not defined.'],
    ['updateUserPassword(user, 12345)', 'TypeError: updateUserPassword: the password must be a string'],
    ['updateUserPassword(user, "n3w-Secret", true)', 'TypeError: updateUserPassword: Invalid argument type. Expected eventHandlers (Map<String, Object>).'],
    ['updateUserPassword(user, "n3w-Secret", null, true)', 'TypeError: updateUserPassword: Invalid argument type. Expected eventHandlers (Map<String, Object>).'],
    ['updateUserPassword(user, "n3w-Secret", {}, "true")', 'TypeError: updateUserPassword: Invalid argument type. Expected skipPasswordValidation(Boolean).'],
    ['updateUserPassword(user, "")', 'TypeError: updateUserPassword: The provided password is empty.'],
    ['updateUserPassword({ username: "alice" }, "n3w-Secret")', 'TypeError: updateUserPassword: the first argument must be a user'],
  ])('throws for %s', (call, message) => {
    expect(scriptError(runScript(inCallback(`${call};`), afterStep1))).toBe(message);
  });

  it('logs and changes nothing for a federated user without callbacks', () => {
    const r = runScript(inCallback(`updateUserPassword(user, 'n3w-Secret');`), federated);
    expect(logsOf(r)).toEqual(['updateUserPassword: Error occurred while updating the user password. g-1 is a federated user without a local account']);
    expect(r.newCommands).toEqual([]);
  });

  it('replays a password update the host applied without keeping the password', () => {
    const src = inCallback(`updateUserPassword(user, 'n3w-Secret'); executeStep(2);`);
    const first = runScript(src, afterStep1);
    const applied = first.newCommands.map((c) => (c.kind === 'updateUserPassword' ? { ...c, password: '[redacted]' } : c));
    const replay = runScript(src, { journal: [...afterStep1.journal, stepOutcome(2)], input: { appliedCommands: applied } });
    expect(replay.outcome).toMatchObject({ kind: 'success' });
  });
});

describe('updateUserPassword through the flow engine', () => {
  it('sets the new password in the store once, and keeps no copy of it in the flow', async () => {
    const h = await harness([newUser('alice', { totpSecret: 'device' })]);
    const updates = vi.spyOn(h.store, 'updateUser');
    const flow = await h.login(inCallback(`updateUserPassword(user, 'n3w-Secret'); executeStep(2);`), [localStep(1), localStep(2)]);
    expect(flow.status).toBe('success');
    expect(verifyPassword('n3w-Secret', (await h.user('alice')).passwordHash!)).toBe(true);
    expect(updates.mock.calls.filter(([, , patch]) => patch.passwordHash !== undefined)).toHaveLength(1);
    expect(JSON.stringify([flow.appliedCommands, flow.effects, flow.journal])).not.toContain('n3w-Secret');
    expect(flow.appliedCommands).toContainEqual({ kind: 'updateUserPassword', username: 'alice', userStoreDomain: 'PRIMARY', password: '[redacted]', skipPasswordValidation: false });
  });

  it('keeps the old password when the new one breaks the user store pattern, unless validation is skipped', async () => {
    const h = await harness([newUser('alice')]);
    const flow = await h.login(inCallback(`updateUserPassword(user, 'abc');`), [localStep(1)]);
    expect((await h.user('alice')).passwordHash).toBeNull();
    expect(effectsOf(flow, 'commandSkipped')).toEqual([{ kind: 'commandSkipped', command: 'updateUserPassword', reason: 'the password does not match the user store password pattern' }]);
    const skipped = await harness([newUser('alice')], (store) => ({ asyncCalls: userStoreAsyncCalls(store) }));
    await skipped.login(inCallback(`updateUserPassword(user, 'abc', {}, true);`), [localStep(1)]);
    expect(verifyPassword('abc', (await skipped.user('alice')).passwordHash!)).toBe(true);
  });

  it('continues with onSuccess or onFail when the host performs the update with callbacks', async () => {
    const h = await harness([newUser('alice')], (store) => ({ asyncCalls: userStoreAsyncCalls(store) }));
    const src = (password: string) =>
      inCallback(`updateUserPassword(user, '${password}', { onSuccess: function (c) { Log.info('ok'); }, onFail: function (c, d) { Log.info('failed ' + JSON.stringify(d)); } });`);
    expect(flowLogs(await h.login(src('n3w-Secret'), [localStep(1)]))).toEqual(['ok']);
    expect(verifyPassword('n3w-Secret', (await h.user('alice')).passwordHash!)).toBe(true);
    expect(flowLogs(await h.login(src('has space'), [localStep(1)]))).toEqual(['failed {}']);
  });
});

describe('sendEmail in the sandbox', () => {
  it('returns true and queues the email with its placeholders as strings', () => {
    const r = runScript(inCallback(`Log.info(String(sendEmail(user, 'UnseenDeviceLogin', { username: user.identifier, attempts: 3, when: new Date() })));`), afterStep1);
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([
      {
        kind: 'sendEmail',
        username: 'alice',
        userStoreDomain: 'PRIMARY',
        federated: false,
        address: null,
        template: 'UnseenDeviceLogin',
        placeholders: { username: 'alice', attempts: '3', when: new Date(T0 + 1000).toISOString() },
      },
    ]);
  });

  it('sends to a federated user’s email claim', () => {
    const r = runScript(inCallback(`sendEmail(user, 'Welcome', {});`), federated);
    expect(r.newCommands).toMatchObject([{ kind: 'sendEmail', username: 'g-1', federated: true, address: 'g1@gmail.com' }]);
  });

  it('returns false without an email for a user of another tenant', () => {
    const r = runScript(inCallback(`Log.info(String(sendEmail(user, 'Welcome', {})));`), { journal: [started(), stepOutcome(1, 'success', { subject: { ...ALICE, tenantDomain: 'other.example' } })] });
    expect(logsOf(r)).toEqual(['sendEmail: Send Emails in cross tenants is not allowed.', 'false']);
    expect(r.newCommands).toEqual([]);
  });

  it('throws for a template id that is not a string and for missing placeholders', () => {
    expect(scriptError(runScript(inCallback(`sendEmail(user, 7, {});`), afterStep1))).toBe('TypeError: sendEmail: the template id must be a string');
    expect(scriptError(runScript(inCallback(`sendEmail(user, 'Welcome');`), afterStep1))).toBe('TypeError: sendEmail: the placeholders must be an object ({} for none)');
  });
});

describe('sendEmail through the flow engine', () => {
  const SCRIPT = `var onLoginRequest = function (context) {
    executeStep(1, { onSuccess: function (context) {
      sendEmail(context.currentKnownSubject, 'UnseenDeviceLogin', { 'login-time': new Date().toUTCString() });
      executeStep(2);
      executeStep(3);
    } });
  };`;

  it('puts an email sent in a callback into the outbox once, although the flow replays', async () => {
    const h = await harness([newUser('alice', { totpSecret: 'device', claims: { 'http://wso2.org/claims/emailaddress': 'alice@example.com' } })]);
    const flow = await h.login(SCRIPT, [localStep(1), localStep(2), localStep(3)]);
    expect(flow.status).toBe('success');
    expect(await h.store.emails(TENANT)).toEqual([
      { id: expect.any(String), tenant: TENANT, flowId: flow.id, to: 'alice@example.com', template: 'UnseenDeviceLogin', placeholders: { 'login-time': new Date(T0).toUTCString() }, createdAt: T0 },
    ]);
  });

  it('sends a federated user’s email to the address the IdP asserted', async () => {
    const h = await harness();
    await h.login(inCallback(`sendEmail(context.steps[1].subject, 'Welcome', {});`), [googleStep('g-1', { email: 'g1@gmail.com' })]);
    expect((await h.store.emails(TENANT)).map((e) => e.to)).toEqual(['g1@gmail.com']);
  });

  it('records why no email went to a user without an address', async () => {
    const h = await harness([newUser('alice')]);
    const flow = await h.login(inCallback(`sendEmail(user, 'Welcome', {});`), [localStep(1)]);
    expect(await h.store.emails(TENANT)).toEqual([]);
    expect(effectsOf(flow, 'commandSkipped')).toEqual([{ kind: 'commandSkipped', command: 'sendEmail', reason: 'alice has no email address' }]);
  });
});
