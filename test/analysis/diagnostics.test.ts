import { describe, expect, it } from 'vitest';
import { API_FUNCTIONS, API_OBJECTS, RESTRICTED } from '../../src/analysis/api-catalog.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DiagnosticSchema, type Diagnostic } from '../../src/analysis/diagnostic.js';
import { declaredGlobals } from '../_support/api-typings.js';

const APP = { steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }] };
const wrap = (body: string) => `var onLoginRequest = function (context) {\n${body}\n};`;
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const only = (src: string, code: string, ctx = {}) => analyze(src, ctx).filter((d) => d.code === code);

describe('the analyzer', () => {
  it('reports a syntax error with acorn\u2019s message and position', () => {
    expect(analyze('var onLoginRequest = function (c) {\n  executeStep(1;\n};')).toEqual([
      { severity: 'error', code: 'SYNTAX', message: 'Unexpected token', line: 2, column: 15, endLine: 2, endColumn: 16 },
    ]);
  });

  it('reports a script without onLoginRequest', () => {
    expect(codes(analyze('var x = 1;'))).toEqual(['NO_ENTRY_POINT']);
  });

  it('reports the legacy onInitialRequest with a rename fix', () => {
    const [d] = analyze('var onInitialRequest = function (c) { executeStep(1); };');
    expect(d).toMatchObject({ code: 'LEGACY_ENTRY_POINT', severity: 'error', fix: { title: 'Rename to onLoginRequest', edits: [{ line: 1, column: 4, endColumn: 20, text: 'onLoginRequest' }] } });
  });

  it('accepts onLoginRequest as a function declaration or an assignment', () => {
    expect(analyze('function onLoginRequest(c) { executeStep(1); }')).toEqual([]);
    // WSO2 looks the entry point up as a global, so assigning it without var is not a mistake.
    expect(analyze('onLoginRequest = function (c) { executeStep(1); };')).toEqual([]);
  });

  it('names an unknown function with a suggestion', () => {
    expect(only(wrap('executeStep(1, { onSuccess: function (c) { if (hasAnyOfTheRole(c.currentKnownSubject, ["a"])) executeStep(2); } });'), 'UNKNOWN_FUNCTION')[0]?.message).toBe(
      'hasAnyOfTheRole is not defined: did you mean hasAnyOfTheRoles?',
    );
  });

  it('explains WSO2\u2019s unregistered hasAnyOfTheGroups', () => {
    expect(only(wrap('hasAnyOfTheGroups(context.currentKnownSubject, ["a"]); executeStep(1);'), 'UNKNOWN_FUNCTION')[0]?.message).toMatch(/use isMemberOfAnyOfGroups/);
  });

  it('names an unknown Log function with a suggestion', () => {
    expect(only(wrap("Log.warning('x'); executeStep(1);"), 'UNKNOWN_FUNCTION')[0]?.message).toBe('Log.warning is not a function of Log: did you mean Log.warn?');
  });

  it('does not report functions the script declares', () => {
    expect(analyze('function helper() {}\nvar onLoginRequest = function (c) { helper(); executeStep(1); };')).toEqual([]);
  });

  it('reports the wrong number of arguments to an API function', () => {
    expect(only(wrap('executeStep(1); hasAnyOfTheRoles(context.currentKnownSubject);'), 'WRONG_ARITY')[0]?.message).toBe('hasAnyOfTheRoles takes 2 arguments, not 1');
  });

  it('reports a step id that is not a number', () => {
    expect(only(wrap("executeStep('1');"), 'WRONG_ARGUMENT')[0]?.message).toBe('executeStep needs the step number, not "1"');
  });

  it('reports a step id the application lacks', () => {
    expect(only(wrap('executeStep(1); executeStep(3);'), 'UNKNOWN_STEP', { application: APP })[0]?.message).toMatch(/^step 3 is not in the application \(it has 2 steps\)/);
  });

  it('reports options given as the only extra argument, with the {} fix', () => {
    const [d] = only(wrap("executeStep(1, { authenticationOptions: [{ idp: 'Google' }] });"), 'OPTIONS_AS_CALLBACKS');
    expect(d).toMatchObject({ severity: 'error', fix: { edits: [{ line: 2, column: 61, endColumn: 61, text: ', {}' }] } });
  });

  it('does not report options with callbacks after them', () => {
    expect(only(wrap("executeStep(1, { authenticationOptions: [{ idp: 'Google' }] }, {});"), 'OPTIONS_AS_CALLBACKS')).toEqual([]);
  });

  it('reports a callback with an unknown event name', () => {
    expect(only(wrap('executeStep(1, { onSucess: function (c) {} });'), 'UNKNOWN_EVENT')[0]?.message).toBe('onSucess is not an event of executeStep: it never runs (did you mean onSuccess?)');
  });

  it('reports httpGet callbacks with an event it does not have', () => {
    expect(only(wrap("executeStep(1); httpGet('https://x', { onError: function () {} });"), 'UNKNOWN_EVENT')[0]?.message).toMatch(/^onError is not an event of httpGet/);
  });

  it('lets prompt handlers use any on<Action>', () => {
    expect(only(wrap("prompt('genericForm', {}, { onRetry: function () {}, onSuccess: function () {} });"), 'UNKNOWN_EVENT')).toEqual([]);
  });

  it('notes Log.warn and console as authscript\u2019s, for scripts meant for WSO2 too', () => {
    expect(only(wrap("Log.warn('x'); console.log('y'); executeStep(1);"), 'WSO2_PORTABILITY').map((d) => d.severity)).toEqual(['info', 'info']);
  });

  it('notes fail() outside a callback as authscript\u2019s', () => {
    expect(only(wrap('fail();'), 'WSO2_PORTABILITY')[0]?.message).toMatch(/binds fail only inside callbacks/);
    expect(only(wrap('executeStep(1, { onFail: function (c) { fail(); } });'), 'WSO2_PORTABILITY')).toEqual([]);
  });

  it('warns about loops, or reports them as errors when the host forbids them', () => {
    const src = wrap('for (var i = 0; i < 2; i++) {} [1].forEach(function () {}); executeStep(1);');
    expect(only(src, 'LOOP').map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(only(src, 'LOOP', { loopsAsErrors: true }).map((d) => d.severity)).toEqual(['error', 'error']);
  });

  it('warns about an implicit global once per name', () => {
    expect(only(wrap('subject = context.currentKnownSubject; subject = null; executeStep(1);'), 'IMPLICIT_GLOBAL')).toHaveLength(1);
  });

  it('warns about work queued after fail or sendError in the same block', () => {
    expect(only(wrap("sendError('x', {});\nexecuteStep(1);"), 'UNREACHABLE_AFTER_END')[0]?.message).toBe('executeStep here never takes effect: the flow ends at sendError() on line 2');
  });

  it('reports names that do not exist in login scripts', () => {
    expect(only(wrap('setTimeout(function () {}, 10); new Function("x"); executeStep(1);'), 'NOT_AVAILABLE').map((d) => d.message)).toEqual([
      'setTimeout is not available: there are no timers in login scripts: queue work with executeStep, prompt or an async call',
      'Function is not available: code cannot be built from strings in login scripts',
    ]);
  });

  it('warns about WSO2\u2019s restricted functions', () => {
    expect(only(wrap("print('x'); executeStep(1);"), 'RESTRICTED_FUNCTION')).toHaveLength(1);
  });

  it('reports path tricks in require', () => {
    expect(only(wrap("require('../secrets'); executeStep(1);"), 'REQUIRE_PATH')).toHaveLength(1);
  });

  it('notes a callback that uses a local of onLoginRequest, which WSO2 would lose', () => {
    const ds = only(wrap("var user = context.currentKnownSubject;\nexecuteStep(1, { onSuccess: function (c) { Log.info(user.username); } });"), 'CLOSURE_ACROSS_STEPS');
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ severity: 'info', line: 3 });
  });

  it('says nothing about a clean script', () => {
    expect(analyze(wrap("executeStep(1, { onSuccess: function (context) { if (context.steps[1].idp == 'LOCAL') executeStep(2); } });"), { application: APP })).toEqual([]);
  });

  it('produces diagnostics that match the published schema', () => {
    for (const d of analyze(wrap("executeStep('x'); Log.warn(1); fail(); executeStep(9);"), { application: APP })) DiagnosticSchema.parse(d);
  });

  it('knows exactly the API that runtime/api.d.ts declares', () => {
    const catalog = new Set([...Object.keys(API_FUNCTIONS), ...Object.keys(API_OBJECTS), ...RESTRICTED]);
    expect([...catalog].sort()).toEqual([...declaredGlobals().keys()].sort());
  });
});
