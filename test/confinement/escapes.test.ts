/**
 * Escapes: a script reaching out of its isolate, into the prelude, or into the host through the
 * classic vm/vm2 routes, and values handed to the API that try to run code inside it.
 */
import { describe, expect, it } from 'vitest';
import type { HostHandler } from '../../runtime/host/tenant-isolate.js';
import { declaredGlobals } from '../_support/api-typings.js';
import { runScript, userStoreHost } from '../_support/sandbox.js';
import {
  AFTER_STEP_1,
  expectHostStillHealthy,
  inStep1Success,
  messages,
  onLogin,
  scriptError,
  WAITING_STEP_1,
} from './_helpers.js';

const NO_CODE = 'is not available in login scripts: code cannot be built from strings inside the sandbox';

describe('constructor chains and code from strings', () => {
  it('a script cannot reach host `process` through this.constructor.constructor', () => {
    const r = runScript(
      onLogin(`
        var got;
        try { got = typeof this.constructor.constructor('return process')(); } catch (e) { got = e.name + ': ' + e.message; }
        Log.info(got);
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([`TypeError: Function ${NO_CODE}`]);
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });

  it('a script cannot reach `process` by climbing from a caught error\u2019s constructor', () => {
    const r = runScript(
      onLogin(`
        try { null.x; } catch (e) { e.constructor.constructor('return process')().exit(1); }
        executeStep(1);`),
    );
    expect(r.outcome).toMatchObject(scriptError(`TypeError: Function ${NO_CODE}`));
  });

  it('a script cannot build code through the generator, async and async generator function constructors', () => {
    const r = runScript(
      onLogin(`
        var samples = [function* () {}, async function () {}, async function* () {}];
        for (var i = 0; i < samples.length; i++) {
          try { Object.getPrototypeOf(samples[i]).constructor('return process'); Log.info('built'); }
          catch (e) { Log.info(e.message); }
        }
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([`GeneratorFunction ${NO_CODE}`, `AsyncFunction ${NO_CODE}`, `AsyncGeneratorFunction ${NO_CODE}`]);
  });

  it('a script cannot evaluate a string with direct or indirect eval', () => {
    const r = runScript(
      onLogin(`
        try { eval('1 + 1'); Log.info('direct ran'); } catch (e) { Log.info(e.message); }
        try { (0, eval)('1 + 1'); Log.info('indirect ran'); } catch (e) { Log.info(e.message); }
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([`eval ${NO_CODE}`, `eval ${NO_CODE}`]);
  });

  it('a script sees none of Node\u2019s globals: process, module, Buffer, global, timers', () => {
    const r = runScript(
      onLogin(`
        Log.info([typeof process, typeof module, typeof exports, typeof Buffer, typeof global,
          typeof setTimeout, typeof setImmediate, typeof queueMicrotask, typeof structuredClone, typeof fetch].join(','));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([Array(10).fill('undefined').join(',')]);
  });

  it('a script\u2019s require loads only the tenant\u2019s script libraries, never Node modules', () => {
    const r = runScript(
      onLogin(`
        try { require('fs'); } catch (e) { Log.info(e.message); }
        try { require('node:child_process'); } catch (e) { Log.info(e.message); }
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([
      'require: there is no script library named "fs"',
      'require: "node:child_process" is not a script library name (letters, digits, spaces, ".", "_" and "-"; 1 to 100 characters)',
    ]);
  });

  it('a script cannot name the prelude\u2019s own bindings (the host channel, the limits, the run entry)', () => {
    const r = runScript(
      onLogin(`
        Log.info([typeof HOST_CALL, typeof CONFIG, typeof CONFIG_JSON, typeof runEntry, typeof run, typeof Halt,
          typeof $Object, typeof SCRIPT_API, typeof runGlobals, typeof GLOBAL_SCOPE].join(','));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual([Array(10).fill('undefined').join(',')]);
  });

  it('the global object holds only the standard built-ins and the WSO2 script API', () => {
    const r = runScript(
      onLogin(`
        Log.info(JSON.stringify(Object.getOwnPropertyNames(globalThis).sort()));
        Log.info(JSON.stringify(Reflect.ownKeys(Object.getPrototypeOf(globalThis))));
        executeStep(1);`),
    );
    const standard = [
      'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date',
      'Error', 'EvalError', 'FinalizationRegistry', 'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array',
      'Int32Array', 'Int8Array', 'Intl', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError',
      'ReferenceError', 'Reflect', 'RegExp', 'Set', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError', 'Uint16Array',
      'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet', 'decodeURI', 'decodeURIComponent',
      'encodeURI', 'encodeURIComponent', 'escape', 'eval', 'globalThis', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
      'undefined', 'unescape',
    ];
    // The API is what runtime/api.d.ts declares (test/types checks that the two agree).
    const api = [...declaredGlobals().keys()];
    expect(JSON.parse(messages(r)[0] ?? 'null')).toEqual([...standard, ...api].sort());
    expect(messages(r)[1]).toBe('[]');
  });

  it('a script cannot use import() to load a module: it gets a Promise and nothing else', () => {
    const r = runScript(
      onLogin(`
        var p = import('node:fs');
        p.catch(function () {});
        Log.info(String(p instanceof Promise));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual(['true']);
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });

  it('an import() the script does not await does not fault the sandbox', () => {
    const r = runScript(onLogin(`import('node:child_process'); executeStep(1);`));
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });
});

describe('callers and stack traces', () => {
  it('arguments.callee.caller gives onLoginRequest and its callbacks no prelude function', () => {
    const src = `var onLoginRequest = function (context) {
      Log.info(String(arguments.callee.caller));
      executeStep(1, { onSuccess: function (c) { Log.info(String(arguments.callee.caller)); } });
    };`;
    const r = runScript(src, { journal: AFTER_STEP_1() });
    expect(messages(r)).toEqual(['null', 'null']);
  });

  it('a getter the API reads gets no prelude function as its caller', () => {
    const r = runScript(
      onLogin(`
        var seen = 'not read';
        var params = {};
        Object.defineProperty(params, 'errorCode', { enumerable: true, get: function getter() {
          seen = String(getter.caller) + ' / ' + String(arguments.callee.caller);
          return 'denied';
        } });
        fail(params);
        Log.info(seen);`),
    );
    expect(messages(r)).toEqual(['null / null']);
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'denied' });
  });

  it('setting Error.prepareStackTrace neither takes effect nor hands a script call sites', () => {
    const r = runScript(
      onLogin(`
        var sites = 'never called';
        Error.prepareStackTrace = function (e, s) { sites = s; return 'prepared'; };
        var stack = new Error('probe').stack;
        try { executeStep('x', 1, 2, 3); Log.error(null.x); } catch (e) { stack += e.stack; }
        Log.info([typeof Error.prepareStackTrace, typeof stack, stack.indexOf('prepared'), String(sites)].join(','));
        executeStep(1);`),
    );
    expect(messages(r).at(-1)).toBe('undefined,string,-1,never called');
  });

  it('a script cannot change Error.stackTraceLimit for itself or for the prelude', () => {
    const r = runScript(
      onLogin(`
        Error.stackTraceLimit = 0;
        Log.info(String(Error.stackTraceLimit) + ' ' + (new Error('x').stack.indexOf('script.js') > 0));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual(['10 true']);
  });

  it('a host failure reaches the script as a message, never as a host stack', () => {
    const failing: HostHandler = (call) => {
      if (call.call === 'getRolesOfUser') throw new Error('user store down');
      return userStoreHost(call);
    };
    const r = runScript(
      inStep1Success(`
        try { hasRole(context.currentKnownSubject, 'admin'); }
        catch (e) { Log.info(e.message); Log.info(String(/tenant-isolate|sandbox\\.ts|node:|\\/work\\//.test(String(e.stack)))); }
        executeStep(2);`),
      { journal: AFTER_STEP_1(), host: failing },
    );
    expect(messages(r)).toEqual(['getRolesOfUser failed: user store down', 'false']);
  });
});

describe('Symbol.species and capped constructors', () => {
  it('Symbol.species and Reflect.construct do not reach an uncapped Array constructor', () => {
    const r = runScript(
      onLogin(`
        class Sub extends Array {}
        var Species = Array[Symbol.species];
        Reflect.construct(Species, [1e9], Sub);
        executeStep(1);`),
    );
    expect(r.outcome).toMatchObject({ kind: 'error', error: { message: expect.stringContaining('maxCollectionLength') } });
  });

  it('Array.from on a subclass cannot allocate an array past the cap', () => {
    const r = runScript(
      onLogin(`
        class Sub extends Array {}
        Sub.from({ length: 1e9 });
        executeStep(1);`),
    );
    expect(r.outcome).toMatchObject({ kind: 'error', error: { message: expect.stringContaining('maxCollectionLength') } });
  });
});

describe('the objects the API hands in', () => {
  it('writes to read-only context members are ignored', () => {
    const r = runScript(
      onLogin(`
        context.tenantDomain = 'evil.example';
        context.serviceProviderName = 'Evil';
        context.request = { ip: '6.6.6.6' };
        delete context.steps;
        Log.info([context.tenantDomain, context.serviceProviderName, String(context.request.ip), String(context.steps.length)].join(' '));
        executeStep(1);`),
    );
    expect(messages(r)).toEqual(['carbon.super Thrift null 4']);
    expect(r.newCommands).toEqual([]);
  });

  it('a script cannot define properties on, freeze, or re-prototype the context', () => {
    const r = runScript(
      onLogin(`
        var attempts = [
          function () { Object.defineProperty(context, 'tenantDomain', { value: 'evil' }); },
          function () { Object.setPrototypeOf(context, { evil: true }); },
          function () { Object.freeze(context); },
        ];
        for (var i = 0; i < attempts.length; i++) {
          try { attempts[i](); Log.info('allowed'); } catch (e) { Log.info(e.name); }
        }
        Log.info(context.tenantDomain + ' ' + context.evil);
        executeStep(1);`),
    );
    expect(messages(r)).toEqual(['TypeError', 'TypeError', 'TypeError', 'carbon.super null']);
  });

  it('the request\u2019s header and parameter maps are read-only to the script', () => {
    const r = runScript(
      onLogin(`
        var req = context.request;
        req.headers['x-forwarded-for'] = '6.6.6.6';
        delete req.headers.host;
        req.params.prompt = ['none'];
        try { Object.defineProperty(req.headers, 'host', { value: 'evil.example' }); } catch (e) { Log.info(e.name); }
        Log.info([String(req.headers['x-forwarded-for']), req.headers.host, JSON.stringify(req.params.prompt)].join(' '));
        executeStep(1);`),
      { input: { request: { headers: { Host: 'idp.example' }, params: { prompt: ['login'] } } } },
    );
    expect(messages(r)).toEqual(['TypeError', 'null idp.example ["login"]']);
    expect(r.newCommands).toEqual([]);
  });

  it('a Proxy around a real user is not taken for that user by the role check', () => {
    const r = runScript(
      inStep1Success(`
        Log.info(String(hasRole(new Proxy(context.currentKnownSubject, {}), 'admin')));
        executeStep(2);`),
      { journal: AFTER_STEP_1() },
    );
    expect(messages(r)).toEqual([
      'hasAnyOfTheRoles: the first argument must be a user (context.currentKnownSubject, context.steps[n].subject, ...)',
      'false',
    ]);
    expect(r.stats.hostCalls).toBe(0);
  });

  it('a look-alike object is not taken for a user by the role check', () => {
    const r = runScript(
      inStep1Success(`
        var fake = { username: 'alice', userStoreDomain: 'PRIMARY', tenantDomain: 'carbon.super', federated: false };
        Log.info(String(hasAnyOfTheRoles(fake, ['admin'])));
        executeStep(2);`),
      { journal: AFTER_STEP_1() },
    );
    expect(messages(r)).toContain('false');
    expect(r.stats.hostCalls).toBe(0);
    expect(r.newEvents).toEqual([]);
  });

  it('the lists a user hands out are copies the script cannot change', () => {
    const r = runScript(
      inStep1Success(`
        var u = context.currentKnownSubject;
        u.roles.push('root');
        u.groups.length = 0;
        Log.info(JSON.stringify([u.roles, u.groups]));
        executeStep(2);`),
      { journal: AFTER_STEP_1() },
    );
    expect(messages(r)).toEqual(['[["admin"],["managers"]]']);
  });

  it('Log.info of the context logs its class name, not its contents', () => {
    const r = runScript(onLogin(`Log.info(context); Log.info(context.request); executeStep(1);`));
    expect(messages(r)).toEqual(['[object JsAuthenticationContext]', '[object JsServletRequest]']);
  });
});

describe('values handed to the API', () => {
  it('executeStep reads each option once, so a getter cannot change its answer between reads', () => {
    const r = runScript(
      onLogin(`
        var reads = 0;
        var options = { get authenticationOptions() { reads++; return [{ idp: reads === 1 ? 'Google' : 'GitHub' }]; } };
        executeStep(1, options, {});
        Log.info(String(reads));`),
    );
    expect(messages(r)).toEqual(['1']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { options: [{ idp: 'Google', authenticator: 'GoogleOIDCAuthenticator' }] } });
  });

  it('a Proxy passed as executeStep options is read once per key', () => {
    const r = runScript(
      onLogin(`
        var n = 0;
        var options = new Proxy({ authenticationOptions: null }, {
          get: function (t, k) { if (k === 'authenticationOptions') { n++; return [{ idp: n === 1 ? 'GitHub' : 'Google' }]; } return undefined; },
        });
        executeStep(1, options, {});
        Log.info(String(n));`),
    );
    expect(messages(r)).toEqual(['1']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { options: [{ idp: 'GitHub', authenticator: 'GithubAuthenticator' }] } });
  });

  it('a throwing getter in executeStep options ends the run with the script\u2019s own error', () => {
    const r = runScript(onLogin(`executeStep(1, { get stepOptions() { throw new Error('getter says no'); } }, {});`));
    expect(r.outcome).toMatchObject(scriptError('Error: getter says no'));
  });

  it('toJSON on the parameters of fail is never called', () => {
    const r = runScript(
      onLogin(`
        var called = false;
        fail({ errorCode: 'real_code', toJSON: function () { called = true; return { errorCode: 'forged' }; } });
        Log.info(String(called));`),
    );
    expect(messages(r)).toEqual(['false']);
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'real_code', params: { errorCode: 'real_code' } });
  });

  it('a getter on the parameters of fail is read once and its first answer is kept', () => {
    const r = runScript(
      onLogin(`
        var reads = 0;
        fail({ get errorCode() { reads++; return reads === 1 ? 'first' : 'second'; } });
        Log.info(String(reads));`),
    );
    expect(messages(r)).toEqual(['1']);
    expect(r.outcome).toMatchObject({ kind: 'fail', code: 'first', params: { errorCode: 'first' } });
  });

  it('sendError passes on one string per parameter, whatever a getter or toString does later', () => {
    const r = runScript(
      onLogin(`
        var reads = 0;
        var sneaky = { toString: function () { reads++; return 'to-string-' + reads; } };
        sendError('https://example.com/denied', { get status() { reads++; return 'status-' + reads; }, other: sneaky });
        Log.info(String(reads));`),
    );
    expect(messages(r)).toEqual(['1']);
    expect(r.outcome).toMatchObject({
      kind: 'fail',
      code: 'SEND_ERROR',
      redirect: { url: 'https://example.com/denied', params: { status: 'status-1', other: '{}' } },
    });
  });

  it('Log.info of an object with a throwing getter logs the object, not the error', () => {
    const r = runScript(onLogin(`Log.info({ get secret() { throw new Error('boom'); } }); executeStep(1);`));
    expect(messages(r)).toEqual(['[object Object]']);
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });

  it('Log.info of a Proxy whose every trap throws logs an unreadable value', () => {
    const r = runScript(
      onLogin(`
        var trap = function () { throw new Error('trap'); };
        var p = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap, has: trap });
        Log.info(p);
        console.log('a', p, 'b');
        executeStep(1);`),
    );
    expect(messages(r)).toEqual(['[unreadable value]', 'a [unreadable value] b']);
    expect(r.outcome).toEqual(WAITING_STEP_1);
  });

  it('a Proxy in place of a callback map cannot make the API run a non-function', () => {
    const r = runScript(
      onLogin(`
        var handlers = new Proxy({ onSuccess: 1 }, { get: function () { return 'not a function'; } });
        executeStep(1, handlers);
        executeStep(2);`),
      { journal: AFTER_STEP_1() },
    );
    expect(messages(r)).toEqual(['Event handler : onSuccess is not a function']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 2 } });
  });
});

describe('after the escape attempts', () => {
  it('the same process still answers, and a normal script still gets its outcome (shared and fresh sandbox)', () => {
    expectHostStillHealthy();
  });
});
