/**
 * Tenant script libraries: `require(name)` and `loadLocalLibrary(name)` (REFERENCE §1.2, §3.1).
 * Libraries are compiled on the host as `(module, exports, require)` functions, handed to the run
 * with the script, and are part of the version a flow is pinned to.
 */
import { describe, expect, it } from 'vitest';
import { Sandbox, type RunResult } from '../../runtime/host/sandbox.js';
import { flowVersion } from '../../runtime/host/libraries.js';
import { scriptVersion } from '../../runtime/host/tenant-isolate.js';
import { RunInputSchema, type JournalEventInput, type LimitsInput } from '../../runtime/protocol.js';
import { SimulatedAuthenticator } from '../../src/authenticators/simulated.js';
import { FlowEngine } from '../../src/flow/engine.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { APP, logsOf, sharedSandbox, started, stepOutcome } from '../_support/sandbox.js';

const UTIL = `exports.twice = function (x) { return x * 2; };
exports.fail = function () {
  return null.missing;
};`;

interface Options {
  readonly libraries?: Readonly<Record<string, string>>;
  readonly journal?: JournalEventInput[];
  readonly version?: string;
  readonly sandbox?: Sandbox;
  readonly limits?: LimitsInput;
  readonly tenant?: string;
}

function run(source: string, options: Options = {}): RunResult {
  const sandbox = options.sandbox ?? (options.limits ? new Sandbox({ limits: options.limits }) : sharedSandbox());
  try {
    return sandbox.run({
      tenant: options.tenant ?? 'tenant-libraries',
      source,
      input: RunInputSchema.parse({ application: APP, journal: options.journal ?? [started()] }),
      ...(options.libraries === undefined ? {} : { libraries: options.libraries }),
      ...(options.version === undefined ? {} : { version: options.version }),
    });
  } finally {
    if (options.limits && !options.sandbox) sandbox.dispose();
  }
}

/** A script whose onLoginRequest runs `body`, then queues step 1. */
const onLogin = (body: string) => `var onLoginRequest = function (context) {\n${body}\nexecuteStep(1);\n};`;

const errorOf = (r: RunResult) => (r.outcome.kind === 'error' ? r.outcome.error : null);

describe('require', () => {
  it('returns the library\u2019s module.exports', () => {
    const r = run(onLogin(`Log.info(require('util').twice(21));`), { libraries: { util: UTIL } });
    expect(logsOf(r)).toEqual(['42']);
  });

  it('returns what the library assigned to module.exports', () => {
    const r = run(onLogin(`Log.info(require('greeting')('alice'));`), {
      libraries: { greeting: `module.exports = function (name) { return 'hello ' + name; };` },
    });
    expect(logsOf(r)).toEqual(['hello alice']);
  });

  it('returns the same exports object on a second require in the same run, evaluating the library once', () => {
    const r = run(onLogin(`var a = require('counter'); var b = require('counter'); Log.info(String(a === b) + ' ' + a.loads);`), {
      libraries: { counter: `loads = (typeof loads === 'undefined' ? 0 : loads) + 1; exports.loads = loads;` },
    });
    expect(logsOf(r)).toEqual(['true 1']);
  });

  it('lets a library require another library', () => {
    const r = run(onLogin(`Log.info(require('four').value);`), {
      libraries: { util: UTIL, four: `var util = require('util'); module.exports = { value: util.twice(2) };` },
    });
    expect(logsOf(r)).toEqual(['4']);
  });

  it('works in callbacks of later steps, against the same per-run cache', () => {
    const r = run(`var util = require('util');
      var onLoginRequest = function (context) {
        executeStep(1, { onSuccess: function (context) { Log.info(String(require('util') === util) + ' ' + util.twice(5)); executeStep(2); } });
      };`, { libraries: { util: UTIL }, journal: [started(), stepOutcome(1)] });
    expect(logsOf(r)).toEqual(['true 10']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 2 } });
  });

  it('throws an Error naming a library the tenant does not have', () => {
    const r = run(onLogin(`try { require('missing.js'); } catch (e) { Log.info(e.name + ': ' + e.message); }`), { libraries: { util: UTIL } });
    expect(logsOf(r)).toEqual(['Error: require: there is no script library named "missing.js"']);
  });

  it('refuses names with "..", "/" or "\\\\" as paths', () => {
    const r = run(
      onLogin(`['../util', 'lib/util', 'lib\\\\util', '..'].forEach(function (n) {
        try { require(n); Log.info('loaded ' + n); } catch (e) { Log.info(e.message); }
      });`),
      { libraries: { util: UTIL } },
    );
    expect(logsOf(r)).toEqual([
      'require: "../util" is a path; script libraries have plain names (no "/", "\\" or "..")',
      'require: "lib/util" is a path; script libraries have plain names (no "/", "\\" or "..")',
      'require: "lib\\util" is a path; script libraries have plain names (no "/", "\\" or "..")',
      'require: ".." is a path; script libraries have plain names (no "/", "\\" or "..")',
    ]);
  });

  it('refuses a library set whose names are paths, before running anything', () => {
    const r = run(onLogin(''), { libraries: { '../etc/passwd': 'exports.x = 1;' } });
    expect(errorOf(r)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"../etc/passwd" is a path') });
  });

  it('ends the run in SCRIPT_SYNTAX naming the library and the line of a library that does not compile', () => {
    const r = run(onLogin(`require('broken');`), { libraries: { broken: `exports.a = 1;\nexports.b = ;\n` } });
    expect(errorOf(r)).toEqual({
      code: 'SCRIPT_SYNTAX',
      message: "SyntaxError: Unexpected token ';' (at library:broken.js:2:13)",
      line: 2,
      column: 13,
    });
  });

  it('does not fail a run that never requires the library that does not compile', () => {
    const r = run(onLogin(`Log.info(require('util').twice(1));`), { libraries: { util: UTIL, broken: 'exports.b = ;' } });
    expect(logsOf(r)).toEqual(['2']);
    expect(r.outcome.kind).toBe('waiting');
  });

  it('reports a runtime error inside a library at library:<name>.js and the library\u2019s line', () => {
    const r = run(onLogin(`require('util').fail();`), { libraries: { util: UTIL } });
    expect(errorOf(r)).toEqual({
      code: 'SCRIPT_RUNTIME',
      message: "TypeError: Cannot read properties of null (reading 'missing') (at library:util.js:3:15)",
      line: 3,
      column: 15,
    });
  });

  it('keeps a library\u2019s implicit globals out of the next run', () => {
    const libraries = { leaky: `counter = (typeof counter === 'undefined' ? 0 : counter) + 1; globalThis.marker = 'set'; exports.n = counter;` };
    const first = run(onLogin(`Log.info(require('leaky').n + ' ' + marker);`), { libraries });
    const second = run(onLogin(`Log.info(typeof counter + ' ' + typeof marker + ' ' + require('leaky').n);`), { libraries });
    expect(logsOf(first)).toEqual(['1 set']);
    expect(logsOf(second)).toEqual(['undefined undefined 1']);
  });

  it('cannot keep state on its own function between runs', () => {
    const libraries = { sticky: `var self = arguments.callee; try { self.stash = (self.stash || 0) + 1; } catch (e) {} exports.n = String(self.stash); exports.frozen = Object.isFrozen(self);` };
    run(onLogin(`require('sticky');`), { libraries });
    const r = run(onLogin(`var m = require('sticky'); Log.info(m.n + ' ' + m.frozen);`), { libraries });
    expect(logsOf(r)).toEqual(['undefined true']);
  });

  it('cannot build code from strings: eval and Function throw inside a library', () => {
    const r = run(onLogin(`var m = require('evil'); Log.info(m.results.join(' | '));`), {
      libraries: {
        evil: `var results = [];
          try { eval('1 + 1'); results.push('eval ran'); } catch (e) { results.push(e.message); }
          try { Function('return 1')(); results.push('Function ran'); } catch (e) { results.push(e.message); }
          exports.results = results;`,
      },
    });
    expect(logsOf(r)).toEqual([
      'eval is not available in login scripts: code cannot be built from strings inside the sandbox | Function is not available in login scripts: code cannot be built from strings inside the sandbox',
    ]);
  });

  it('runs a library\u2019s top-level code under the run\u2019s time limit', () => {
    const r = run(onLogin(`require('spin');`), { libraries: { spin: 'for (;;) {}' }, limits: { wallMsPerRun: 50, cpuMsPerRun: 50 } });
    expect(errorOf(r)).toMatchObject({ code: 'TIMEOUT' });
  });

  it('lets a library\u2019s top-level code use the script API', () => {
    const r = run(`var onLoginRequest = function (context) { require('steps'); };`, {
      libraries: { steps: `Log.info('queued by a library'); executeStep(1);` },
    });
    expect(logsOf(r)).toEqual(['queued by a library']);
    expect(r.outcome).toMatchObject({ kind: 'waiting', waiting: { kind: 'step', step: 1 } });
  });
});

describe('loadLocalLibrary', () => {
  it('returns the library\u2019s source text', () => {
    const r = run(onLogin(`Log.info(loadLocalLibrary('util'));`), { libraries: { util: UTIL } });
    expect(logsOf(r)).toEqual([UTIL]);
  });

  it('returns null and logs an error for a library the tenant does not have, as WSO2 does', () => {
    const r = run(onLogin(`Log.info(String(loadLocalLibrary('missing')));`), { libraries: {} });
    expect(r.newLogs).toEqual([
      { level: 'error', message: 'loadLocalLibrary: there is no script library named "missing"' },
      { level: 'info', message: 'null' },
    ]);
  });

  it('refuses a path as a name', () => {
    const r = run(onLogin(`try { loadLocalLibrary('../util'); } catch (e) { Log.info(e.message); }`), { libraries: { util: UTIL } });
    expect(logsOf(r)).toEqual(['loadLocalLibrary: "../util" is a path; script libraries have plain names (no "/", "\\" or "..")']);
  });
});

describe('limits', () => {
  it('counts library bytes against scriptBytes', () => {
    const source = onLogin('');
    const r = run(source, { libraries: { big: `// ${'x'.repeat(600)}` }, limits: { scriptBytes: 512 } });
    expect(errorOf(r)).toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/^the script and its 1 library are \d+ bytes, over the sandbox limit scriptBytes \(512\)$/) });
  });

  it('accepts 50 libraries', () => {
    const libraries = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`lib${i}`, `exports.i = ${i};`]));
    expect(logsOf(run(onLogin(`Log.info(require('lib49').i);`), { libraries }))).toEqual(['49']);
  });

  it('refuses more than 50 libraries', () => {
    const libraries = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`lib${i}`, `exports.i = ${i};`]));
    const r = run(onLogin(''), { libraries });
    expect(errorOf(r)).toMatchObject({ code: 'LIMIT_EXCEEDED', message: 'the tenant has 51 script libraries, over the sandbox limit of 50 libraries' });
  });
});

describe('versions', () => {
  const source = onLogin(`Log.info(require('util').twice(1));`);

  it('keeps the script\u2019s own hash as the version when there are no libraries', () => {
    expect(run(source).scriptVersion).toBe(scriptVersion(source));
    expect(run(source, { libraries: {} }).scriptVersion).toBe(scriptVersion(source));
  });

  it('changes the version when a library changes, and not when the libraries are listed in another order', () => {
    const v1 = run(source, { libraries: { util: UTIL, other: 'exports.x = 1;' } }).scriptVersion;
    const reordered = run(source, { libraries: { other: 'exports.x = 1;', util: UTIL } }).scriptVersion;
    const v2 = run(source, { libraries: { util: UTIL + '\n// v2', other: 'exports.x = 1;' } }).scriptVersion;
    expect(v1).not.toBe(scriptVersion(source));
    expect(reordered).toBe(v1);
    expect(v2).not.toBe(v1);
    expect(v1).toBe(flowVersion(source, { util: UTIL, other: 'exports.x = 1;' }));
  });

  it('refuses with NONDETERMINISM a run pinned to a version whose library changed', () => {
    const v1 = run(source, { libraries: { util: UTIL } }).scriptVersion;
    const r = run(source, { libraries: { util: 'exports.twice = function (x) { return x * 3; };' }, version: v1 });
    expect(errorOf(r)).toMatchObject({ code: 'NONDETERMINISM', message: expect.stringContaining(`the flow is pinned to script version ${v1}`) });
  });

  it('refuses with NONDETERMINISM a run pinned to a version whose library is gone', () => {
    const v1 = run(source, { libraries: { util: UTIL } }).scriptVersion;
    expect(errorOf(run(source, { version: v1 }))).toMatchObject({ code: 'NONDETERMINISM' });
  });
});

describe('a flow and its libraries', () => {
  it('keeps the libraries it started with on later advances, even when the tenant\u2019s libraries change', async () => {
    const store = new MemoryStore();
    await store.createUser('t', { username: 'alice', userStoreDomain: 'PRIMARY', passwordHash: null, roles: [], groups: [], claims: {}, totpSecret: 'dev', locked: false, disabled: false, provisionedBy: null });
    let current: Record<string, string> = { greet: `exports.word = 'v1';` };
    const engine = new FlowEngine({ runner: new Sandbox(), store, authenticator: new SimulatedAuthenticator(), libraries: () => current });
    const source = `var greet = require('greet');
      var onLoginRequest = function (context) {
        executeStep(1, { onSuccess: function (context) { Log.info('step 1 ' + greet.word); executeStep(2); } });
      };`;
    const application = { name: 'App', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }] };
    let flow = await engine.start({ tenant: 't', application, source });
    const pinned = flow.scriptVersion;
    expect(flow.libraries).toEqual({ greet: `exports.word = 'v1';` });

    current = { greet: `exports.word = 'v2';` };
    flow = await engine.advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'success', username: 'alice' });
    expect(flow.logs.map((l) => l.message)).toEqual(['step 1 v1']);
    flow = await engine.advance(flow.id, { kind: 'step', step: 2, idp: 'LOCAL', authenticator: 'totp', outcome: 'success' });
    expect(flow.status).toBe('success');
    expect(flow.scriptVersion).toBe(pinned);

    const next = await engine.start({ tenant: 't', application, source });
    expect(next.libraries).toEqual({ greet: `exports.word = 'v2';` });
    expect(next.scriptVersion).not.toBe(pinned);
  });

  it('ends in NONDETERMINISM when its stored libraries no longer hash to its version', async () => {
    const store = new MemoryStore();
    const engine = new FlowEngine({ runner: new Sandbox(), store, authenticator: new SimulatedAuthenticator(), libraries: () => ({ greet: `exports.word = 'v1';` }) });
    const application = { name: 'App', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] };
    const flow = await engine.start({ tenant: 't', application, source: `var g = require('greet'); var onLoginRequest = function (context) { executeStep(1); };` });
    const stored = (await store.getFlow(flow.id))!;
    await store.saveFlow({ ...stored, revision: stored.revision + 1, libraries: { greet: `exports.word = 'tampered';` } });
    const after = await engine.advance(flow.id, { kind: 'step', step: 1, idp: 'LOCAL', authenticator: 'BasicAuthenticator', outcome: 'fail' });
    expect(after.status).toBe('error');
    expect(after.result?.error).toMatchObject({ code: 'NONDETERMINISM' });
  });
});
