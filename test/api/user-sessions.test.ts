import { describe, expect, it, vi } from 'vitest';
import type { HostCall, Json } from '../../runtime/protocol.js';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { ssoSessionId } from '../../src/flow/host-reads.js';
import type { UserSession } from '../../src/store/types.js';
import { logsOf, runScript, started, stepOutcome, T0, userStoreHost } from '../_support/sandbox.js';
import { effectsOf, flowLogs, harness, localStep, newUser, TENANT } from './_flow.js';

const inCallback = (body: string) => `var onLoginRequest = function (context) {
  executeStep(1, { onSuccess: function (context) { var user = context.currentKnownSubject; ${body} } });
};`;
const afterStep1 = { journal: [started(), stepOutcome(1)] };
const SESSION = { id: 's-1', ip: '10.0.0.1', loginTime: '1', lastAccessTime: '2', createdTime: 1, userAgent: { rawString: null, browser: 'Other', platform: 'Other', device: 'Other' }, applications: [] };
const withSso = { request: { cookies: { commonAuthId: { value: 'browser-cookie' } } } };

function host(answers: Record<string, Json>, calls: HostCall[] = []): HostHandler {
  return (call) => {
    calls.push(call);
    return call.call in answers ? { kind: 'value', value: answers[call.call]! } : userStoreHost(call);
  };
}

describe('getUserSessions and terminateUserSession in the sandbox', () => {
  it('getUserSessions returns the user’s sessions as plain objects', () => {
    const r = runScript(inCallback(`var s = getUserSessions(user); s[0].ip = 'changed'; Log.info(s.length + ' ' + s[0].id + ' ' + getUserSessions(user)[0].ip);`), {
      ...afterStep1,
      host: host({ getUserSessions: [SESSION] }),
    });
    expect(logsOf(r)).toEqual(['1 s-1 10.0.0.1']);
  });

  it('getUserSessions is null for something that is not a user, and empty for a federated user', () => {
    const calls: HostCall[] = [];
    const federated = stepOutcome(1, 'success', { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', subject: { username: 'g-1', federated: true, idp: 'Google', userStoreDomain: null } });
    const r = runScript(inCallback(`Log.info(getUserSessions({ username: 'alice' }) + ' ' + JSON.stringify(getUserSessions(user)));`), { journal: [started(), federated], host: host({}, calls) });
    expect(logsOf(r).at(-1)).toBe('null []');
    expect(calls).toEqual([]);
  });

  it('terminateUserSession returns true and queues the termination of the user’s session', () => {
    const r = runScript(inCallback(`Log.info(String(terminateUserSession(user, 's-1')));`), { ...afterStep1, host: host({ getUserSessions: [SESSION] }) });
    expect(logsOf(r)).toEqual(['true']);
    expect(r.newCommands).toEqual([{ kind: 'terminateUserSession', username: 'alice', userStoreDomain: 'PRIMARY', sessionId: 's-1' }]);
  });

  it('terminateUserSession returns false without a command for a session that is not the user’s', () => {
    const r = runScript(inCallback(`Log.info(terminateUserSession(user, 's-2') + ' ' + terminateUserSession(user, 42));`), { ...afterStep1, host: host({ getUserSessions: [SESSION] }) });
    expect(logsOf(r)).toEqual(['terminateUserSession: the session id must be a string', 'false false']);
    expect(r.newCommands).toEqual([]);
  });
});

describe('getAuthenticatedApplications and checkSessionExistence in the sandbox', () => {
  it('getAuthenticatedApplications is empty without an SSO cookie, without asking the host', () => {
    const calls: HostCall[] = [];
    const r = runScript(`var onLoginRequest = function (context) { Log.info(JSON.stringify(getAuthenticatedApplications(context))); executeStep(1); };`, { host: host({}, calls) });
    expect(logsOf(r)).toEqual(['[]']);
    expect(calls).toEqual([]);
  });

  it('getAuthenticatedApplications returns the applications of the browser’s session', () => {
    const apps = [{ subject: 'alice', appName: 'Console', appId: 'app-1' }];
    const r = runScript(`var onLoginRequest = function (context) { Log.info(getAuthenticatedApplications(context)[0].appName); executeStep(1); };`, {
      input: withSso,
      host: host({ getAuthenticatedApplications: apps }),
    });
    expect(logsOf(r)).toEqual(['Console']);
  });

  it('checkSessionExistence is true for a step whose option this login already authenticated with', () => {
    const calls: HostCall[] = [];
    const r = runScript(inCallback(`Log.info(checkSessionExistence(1, context) + ' ' + checkSessionExistence(2, context));`), { ...afterStep1, host: host({}, calls) });
    expect(logsOf(r)).toEqual(['true false']);
    expect(calls.filter((c) => c.call === 'checkSessionExistence')).toEqual([]);
  });

  it('checkSessionExistence asks about the browser’s SSO session with the step’s options', () => {
    const calls: HostCall[] = [];
    const r = runScript(`var onLoginRequest = function (context) { Log.info(String(checkSessionExistence(2, context))); executeStep(1); };`, {
      input: withSso,
      host: host({ checkSessionExistence: true }, calls),
    });
    expect(logsOf(r)).toEqual(['true']);
    expect(calls).toEqual([{ call: 'checkSessionExistence', args: { options: [{ idp: 'LOCAL', authenticator: 'totp' }] } }]);
  });

  it('checkSessionExistence throws for a step that is not a number, and is false for an unknown step', () => {
    const bad = runScript(`var onLoginRequest = function (context) { checkSessionExistence('1', context); };`);
    expect(bad.outcome).toMatchObject({ kind: 'error', error: { message: 'TypeError: checkSessionExistence: the first argument must be a step number' } });
    const unknown = runScript(`var onLoginRequest = function (context) { Log.info(String(checkSessionExistence(9, context))); executeStep(1); };`);
    expect(logsOf(unknown)).toEqual(['checkSessionExistence: step 9 is not a step of the application', 'false']);
  });
});

describe('promptIdentifierForStep', () => {
  const waitingPrompt = { kind: 'waiting', waiting: { kind: 'prompt', templateId: 'username', data: { step: 1 } } };

  it('shows the identifier prompt for the step when the user has no session', () => {
    const r = runScript(`var onLoginRequest = function (context) { promptIdentifierForStep(1, { onSkip: function (c) { Log.info('skipped'); } }); };`);
    expect(r.outcome).toEqual(waitingPrompt);
    expect(logsOf(r)).toEqual([]);
  });

  it('continues with onSuccess when the user answers', () => {
    const r = runScript(`var onLoginRequest = function (context) {
      promptIdentifierForStep(1, { onSuccess: function (c, data) { Log.info('identified ' + data.username); executeStep(1); } });
    };`, { journal: [started(), { kind: 'prompt', at: T0 + 1, action: '', data: { username: 'alice' } }] });
    expect(logsOf(r)).toEqual(['identified alice']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 1 } });
  });

  it('skips the prompt and runs onSkip when the browser has a session for the step', () => {
    const r = runScript(`var onLoginRequest = function (context) {
      promptIdentifierForStep(1, { onSkip: function (c) { Log.info('skipped'); executeStep(2); } });
    };`, { input: withSso, host: host({ checkSessionExistence: true }) });
    expect(logsOf(r)).toEqual(['skipped']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 2 } });
  });

  it('uses a preHandler from the second of two maps, which WSO2 also takes as the callbacks', () => {
    const r = runScript(`var onLoginRequest = function (context) {
      promptIdentifierForStep(1, { preHandler: function () { return false; } }, {
        preHandler: function (step, c) { Log.info('asked for step ' + step); return true; },
        onSkip: function (c) { executeStep(2); }
      });
    };`);
    expect(logsOf(r)).toEqual(['asked for step 1']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 2 } });
  });

  it('skips only when the preHandler returns the boolean true', () => {
    const r = runScript(`var onLoginRequest = function (context) {
      promptIdentifierForStep(1, {}, { preHandler: function () { return 'yes'; }, onSkip: function (c) { Log.info('skipped'); } });
    };`);
    expect(r.outcome).toEqual(waitingPrompt);
  });

  it('replays the preHandler’s session check from the journal', () => {
    const src = `var onLoginRequest = function (context) { promptIdentifierForStep(1, { onSkip: function (c) { executeStep(2); } }); };`;
    const first = runScript(src, { input: withSso, host: host({ checkSessionExistence: false }) });
    expect(first.outcome).toEqual(waitingPrompt);
    const replay = runScript(src, {
      input: withSso,
      journal: [started(), ...first.newEvents, { kind: 'prompt', at: T0 + 5, action: '', data: {} }],
      host: host({ checkSessionExistence: true }),
    });
    expect(replay.outcome).toMatchObject({ kind: 'success' });
  });

  it('throws when the step is not a number', () => {
    const r = runScript(`var onLoginRequest = function (context) { promptIdentifierForStep('1', {}); };`);
    expect(r.outcome).toMatchObject({ kind: 'error', error: { message: 'TypeError: promptIdentifierForStep: the first argument must be a step number' } });
  });
});

describe('sessions through the flow engine', () => {
  const COOKIE = 'browser-cookie-of-alice';
  async function withSessions() {
    const h = await harness([newUser('alice')]);
    const alice = await h.user('alice');
    const session = (id: string, createdTime: number, userAgent: string): UserSession => ({
      id,
      tenant: TENANT,
      userId: alice.id,
      ip: '198.51.100.7',
      userAgent,
      loginTime: createdTime,
      lastAccessTime: createdTime + 60_000,
      createdTime,
      applications: [{ subject: 'alice', appName: 'Thrift', appId: 'app-thrift' }],
      authenticated: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }],
    });
    await h.store.createSession(session(ssoSessionId(COOKIE), T0 - 3_600_000, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'));
    await h.store.createSession(session('other-session', T0 - 60_000, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'));
    return h;
  }

  it('gives getUserSessions the store’s sessions shaped as WSO2’s', async () => {
    const h = await withSessions();
    const flow = await h.login(inCallback(`Log.info(JSON.stringify(getUserSessions(user)[1]));`), [localStep(1)]);
    expect(JSON.parse(flowLogs(flow)[0]!)).toEqual({
      id: 'other-session',
      ip: '198.51.100.7',
      loginTime: String(T0 - 60_000),
      lastAccessTime: String(T0),
      createdTime: T0 - 60_000,
      userAgent: {
        rawString: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
        browser: 'Mobile Safari',
        platform: 'iOS',
        device: 'iPhone',
      },
      applications: [{ subject: 'alice', appName: 'Thrift', appId: 'app-thrift' }],
    });
  });

  it('ends a session in the store once with terminateUserSession', async () => {
    const h = await withSessions();
    const terminate = vi.spyOn(h.store, 'terminateSession');
    const flow = await h.login(inCallback(`Log.info(String(terminateUserSession(user, getUserSessions(user)[0].id))); executeStep(2);`), [localStep(1), localStep(2)]);
    expect(flowLogs(flow)).toEqual(['true']);
    expect(terminate).toHaveBeenCalledTimes(1);
    expect((await h.store.sessionsOfUser(TENANT, (await h.user('alice')).id)).map((s) => s.id)).toEqual(['other-session']);
    expect(effectsOf(flow, 'terminateUserSession')).toHaveLength(1);
  });

  it('skips the identifier prompt for a browser whose SSO session authenticated the step', async () => {
    const h = await withSessions();
    const src = `var onLoginRequest = function (context) {
      Log.info(getAuthenticatedApplications(context).map(function (a) { return a.appName; }).join(','));
      promptIdentifierForStep(1, { onSkip: function (context) { Log.info('known browser'); executeStep(1); } });
    };`;
    const known = await h.login(src, [], { request: { cookies: { commonAuthId: { value: COOKIE } } } });
    expect(flowLogs(known)).toEqual(['Thrift', 'known browser']);
    expect(known.waiting).toMatchObject({ kind: 'step', step: 1 });
    const stranger = await h.login(src, [], { request: { cookies: { commonAuthId: { value: 'someone-else' } } } });
    expect(flowLogs(stranger)).toEqual(['']);
    expect(stranger.waiting).toEqual({ kind: 'prompt', templateId: 'username', data: { step: 1 } });
  });
});
