import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../_support/cli-output.js';

const io = captureOutput();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authscript-lint-'));
});

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
    expect(io.out).toContain(`${script}:2:3: error UNKNOWN_FUNCTION: executeStp is not defined: did you mean executeStep?`);
    expect(io.out.trim().split('\n').at(-1)).toBe('1 error(s), 0 warning(s), 0 note(s)');
  });

  it('exits 0 with warnings only, and reads the application from --app', async () => {
    const script = file('s.js', 'var onLoginRequest = function (c) { executeStep(1); executeStep(2); };');
    expect(await main(['lint', script, '--app', file('app.json', JSON.stringify(APP))])).toBe(0);
    expect(io.out).toContain('warning JIT_MFA_CONFLICT: GitHub has JIT provisioning off');
  });

  it('prints JSON with the graph', async () => {
    const script = file('s.js', 'var onLoginRequest = function (c) { executeStep(1); };');
    await main(['lint', script, '--app', file('app.json', JSON.stringify(APP)), '--json', '--graph']);
    const result = JSON.parse(io.out) as { diagnostics: unknown[]; graph: { nodes: { id: string }[] } };
    expect(result.diagnostics).toEqual([]);
    expect(result.graph.nodes.map((n) => n.id)).toContain('success');
  });

  it('accepts a scenario file as --app', async () => {
    const scenario = file('x.scenario.json', JSON.stringify({ source: 'x', ...APP, interactions: [] }));
    expect(await main(['lint', file('s.js', 'var onLoginRequest = function (c) { executeStep(3); };'), '--app', scenario])).toBe(1);
    expect(io.out).toContain('UNKNOWN_STEP');
  });

  it('names what is wrong in an --app file, and exits 2', async () => {
    expect(await main(['lint', file('s.js', 'var onLoginRequest = function (c) { executeStep(1); };'), '--app', file('app.json', '{"application": {"name": 1}}')])).toBe(2);
    expect(io.err).toContain('application.name');
  });
});
