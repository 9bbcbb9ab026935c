import { describe, expect, it } from 'vitest';
import { logsOf, runScript, started, stepOutcome } from '../_support/sandbox.js';

const waitingStep = (r: ReturnType<typeof runScript>) =>
  r.outcome.kind === 'waiting' && r.outcome.waiting.kind === 'step' ? r.outcome.waiting.step : null;

describe('the step queue (WSO2 ordering)', () => {
  it('runs the first queued step first and waits for its outcome', () => {
    const r = runScript('var onLoginRequest = function (c) { executeStep(1); executeStep(2); };');
    expect(waitingStep(r)).toBe(1);
  });

  it('runs code after executeStep at once, because executeStep only queues', () => {
    const r = runScript("var onLoginRequest = function (c) { executeStep(1); Log.info('after'); };");
    expect(logsOf(r)).toEqual(['after']);
    expect(waitingStep(r)).toBe(1);
  });

  it('runs steps queued in a callback before steps queued earlier at top level', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { onSuccess: function (c) { executeStep(2); } });
      executeStep(3);
    };`;
    expect(waitingStep(runScript(src, { journal: [started(), stepOutcome(1)] }))).toBe(2);
    expect(waitingStep(runScript(src, { journal: [started(), stepOutcome(1), stepOutcome(2)] }))).toBe(3);
    const done = runScript(src, { journal: [started(), stepOutcome(1), stepOutcome(2), stepOutcome(3)] });
    expect(done.outcome).toEqual({ kind: 'success', subjectStep: 3, attributeStep: 3 });
  });

  it('fails the login when a step fails and has no onFail', () => {
    const r = runScript('var onLoginRequest = function (c) { executeStep(1); executeStep(2); };', {
      journal: [started(), stepOutcome(1, 'fail')],
    });
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'STEP_FAILED' });
  });

  it('fails the login after onFail returns with nothing queued and nothing left', () => {
    const src = "var onLoginRequest = function (c) { executeStep(1, { onFail: function (c) { Log.info('failed'); } }); };";
    const r = runScript(src, { journal: [started(), stepOutcome(1, 'fail')] });
    expect(logsOf(r)).toEqual(['failed']);
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'STEP_FAILED' });
  });

  it('goes on after onFail when it queues a retry of the step', () => {
    const src = `var onLoginRequest = function (c) { login(); };
      function login() { executeStep(1, { onFail: function (c) { login(); } }); }`;
    const r = runScript(src, { journal: [started(), stepOutcome(1, 'fail'), stepOutcome(1)] });
    expect(r.outcome).toEqual({ kind: 'success', subjectStep: 1, attributeStep: 1 });
  });

  it('uses the step failure reason as the code when there is one', () => {
    const r = runScript(TWO, {
      journal: [started(), stepOutcome(1), stepOutcome(2, 'fail', { reason: { code: 'LOCAL_ACCOUNT_REQUIRED', message: 'no local account' } })],
    });
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'LOCAL_ACCOUNT_REQUIRED' });
  });

  it('continues when an outcome has no handler (fallback, abort)', () => {
    const r = runScript(TWO, { journal: [started(), stepOutcome(1, 'abort')] });
    expect(waitingStep(r)).toBe(2);
  });

  it('treats the only extra argument as callbacks, not options (the WSO2 trap)', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { authenticationOptions: [{ idp: 'Google' }] });
    };`;
    const r = runScript(src);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { step: 1 } });
    if (r.outcome.kind === 'waiting' && r.outcome.waiting.kind === 'step') expect(r.outcome.waiting.options).toHaveLength(3);
    expect(logsOf(r)).toContain('Event handler : authenticationOptions is not a function');
  });

  it('filters the options with exactly two extra arguments', () => {
    const src = `var onLoginRequest = function (c) { executeStep(1, { authenticationOptions: [{ idp: 'Google' }, { authenticator: 'basic' }] }, {}); };`;
    const r = runScript(src);
    expect(r.outcome).toMatchObject({
      kind: 'waiting',
      waiting: { options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] },
    });
  });

  it('ignores a filter that would remove every option, with a warning', () => {
    const src = `var onLoginRequest = function (c) { executeStep(1, { authenticationOptions: [{ idp: 'Okta' }] }, {}); };`;
    const r = runScript(src);
    expect(r.newLogs).toContainEqual({ level: 'warn', message: 'The filtered authenticator list is empty, hence proceeding without filtering' });
    if (r.outcome.kind === 'waiting' && r.outcome.waiting.kind === 'step') expect(r.outcome.waiting.options).toHaveLength(3);
  });

  it('ignores an unknown step id with an error log', () => {
    const r = runScript('var onLoginRequest = function (c) { executeStep(9); executeStep(1); };');
    expect(r.newLogs).toContainEqual({ level: 'error', message: 'Given Authentication Step :9 is not in Environment' });
    expect(waitingStep(r)).toBe(1);
  });

  it('accepts stepOptions given as true or "true"', () => {
    const src = `var onLoginRequest = function (c) {
      executeStep(1, { stepOptions: { forceAuth: 'true', markAsSubjectIdentifierStep: true } }, {});
      executeStep(2);
    };`;
    expect(runScript(src).outcome).toMatchObject({ waiting: { stepOptions: { forceAuth: true } } });
    const done = runScript(src, { journal: [started(), stepOutcome(1), stepOutcome(2)] });
    expect(done.outcome).toEqual({ kind: 'success', subjectStep: 1, attributeStep: 2 });
  });

  it('fails with NO_ENTRY_POINT when onLoginRequest is missing', () => {
    expect(runScript('var x = 1;').outcome).toMatchObject({ kind: 'error', error: { code: 'NO_ENTRY_POINT' } });
  });

  it('fails with NO_STEPS when onLoginRequest queues nothing', () => {
    expect(runScript('var onLoginRequest = function (c) {};').outcome).toMatchObject({ kind: 'error', error: { code: 'NO_STEPS' } });
  });

  it('reports a syntax error with its line and column', () => {
    const r = runScript('var onLoginRequest = function (c) {\n  executeStep(1;\n};');
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_SYNTAX', line: 2 } });
  });

  it('reports a runtime error in a callback with its line', () => {
    const src = 'var onLoginRequest = function (c) {\n  executeStep(1, { onSuccess: function (c) {\n    undefinedThing.x = 1;\n  } });\n};';
    const r = runScript(src, { journal: [started(), stepOutcome(1)] });
    expect(r.outcome).toMatchObject({ kind: 'error', error: { code: 'SCRIPT_RUNTIME', line: 3, message: 'ReferenceError: undefinedThing is not defined' } });
  });

  it('lets fail() at top level end the login with the script\u2019s own code', () => {
    const r = runScript("var onLoginRequest = function (c) { fail({ errorCode: 'access_denied', errorMessage: 'nope' }); };");
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'access_denied', message: 'nope' });
  });

  it('ends with SEND_ERROR and a redirect after sendError', () => {
    const r = runScript("var onLoginRequest = function (c) { sendError('https://example.com/denied', { status: 'Unauthorized', code: 401 }); };");
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'SEND_ERROR', redirect: { url: 'https://example.com/denied', params: { status: 'Unauthorized', code: '401' } } });
  });

  it('keeps closures between steps (unlike WSO2)', () => {
    const src = `var onLoginRequest = function (context) {
      var secret = 'kept-' + 'by-closure';
      executeStep(1, { onSuccess: function (c) { Log.info(secret); } });
    };`;
    expect(logsOf(runScript(src, { journal: [started(), stepOutcome(1)] }))).toEqual(['kept-by-closure']);
  });

  it('keeps implicit globals within a flow across callbacks', () => {
    const src = `var onLoginRequest = function (context) {
      executeStep(1, { onSuccess: function (c) { subject = c.currentKnownSubject; executeStep(2, { onSuccess: function (c) { Log.info(subject.username); } }); } });
    };`;
    expect(logsOf(runScript(src, { journal: [started(), stepOutcome(1), stepOutcome(2)] }))).toEqual(['alice']);
  });
});

const TWO = 'var onLoginRequest = function (c) { executeStep(1); executeStep(2); };';
