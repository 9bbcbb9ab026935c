import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let dir: string;
let out = '';
let err = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authscript-lint-'));
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const APP = {
  application: { name: 'Thrift', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }, { idp: 'GitHub', authenticator: 'GithubAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }] },
  connections: [{ name: 'GitHub', jit: { enabled: false } }],
};

describe('authscript lint', () => {
  it('prints diagnostics like a compiler and exits 1 on an error', async () => {
    const script = file('s.js', 'var onLoginRequest = function (c) {\n  executeStp(1);\n};');
    expect(await main(['lint', script])).toBe(1);
    expect(out).toContain(`${script}:2:3: error UNKNOWN_FUNCTION: executeStp is not defined: did you mean executeStep?`);
    expect(out.trim().split('\n').at(-1)).toBe('1 error(s), 0 warning(s), 0 note(s)');
  });

  it('exits 0 with warnings only, and reads the application from --app', async () => {
    const script = file('s.js', 'var onLoginRequest = function (c) { executeStep(1); executeStep(2); };');
    expect(await main(['lint', script, '--app', file('app.json', JSON.stringify(APP))])).toBe(0);
    expect(out).toContain('warning JIT_MFA_CONFLICT: GitHub has JIT provisioning off');
  });

  it('prints JSON with the graph', async () => {
    const script = file('s.js', 'var onLoginRequest = function (c) { executeStep(1); };');
    await main(['lint', script, '--app', file('app.json', JSON.stringify(APP)), '--json', '--graph']);
    const result = JSON.parse(out) as { diagnostics: unknown[]; graph: { nodes: { id: string }[] } };
    expect(result.diagnostics).toEqual([]);
    expect(result.graph.nodes.map((n) => n.id)).toContain('success');
  });

  it('accepts a scenario file as --app', async () => {
    const scenario = file('x.scenario.json', JSON.stringify({ source: 'x', ...APP, interactions: [] }));
    expect(await main(['lint', file('s.js', 'var onLoginRequest = function (c) { executeStep(3); };'), '--app', scenario])).toBe(1);
    expect(out).toContain('UNKNOWN_STEP');
  });

  it('names what is wrong in an --app file, and exits 2', async () => {
    expect(await main(['lint', file('s.js', 'var onLoginRequest = function (c) { executeStep(1); };'), '--app', file('app.json', '{"application": {"name": 1}}')])).toBe(2);
    expect(err).toContain('application.name');
  });
});
