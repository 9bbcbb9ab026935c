import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TraceSchema } from '../../src/simulate/scenario-schema.js';
import { captureOutput } from '../_support/cli-output.js';

const io = captureOutput();

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const EXAMPLE = join(FIXTURES, 'github-skips-mfa.scenario.json');


function tempScenario(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'authscript-sim-'));
  const path = join(dir, 'x.scenario.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('authscript simulate', () => {
  it('prints exactly one JSON trace on stdout with --json, and exits 0', async () => {
    expect(await main(['simulate', EXAMPLE, '--json'])).toBe(0);
    const trace = TraceSchema.parse(JSON.parse(io.out));
    expect(trace).toMatchObject({ outcome: 'success', subject: { username: 'gh-42', federated: true, idp: 'GitHub' } });
  });

  it('prints a readable trace by default', async () => {
    await main(['simulate', EXAMPLE]);
    expect(io.out).toContain('step 1  GitHub/GithubAuthenticator  success');
    expect(io.out).toContain('outcome: success');
  });

  it('exits 0 with an error trace when the script fails, since a trace was produced', async () => {
    const path = tempScenario({ source: 'var onLoginRequest = ;', application: { name: 'A', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] } });
    expect(await main(['simulate', path, '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ outcome: 'error', error: { code: 'SCRIPT_SYNTAX', line: 1 } });
  });

  it('prints a SCENARIO_INVALID trace and the problems on stderr for an invalid file, and exits 1', async () => {
    const path = tempScenario({ source: 'x', application: { name: 'A', steps: [] }, extra: true });
    expect(await main(['simulate', path, '--json'])).toBe(1);
    expect(JSON.parse(io.out)).toMatchObject({ outcome: 'error', error: { code: 'SCENARIO_INVALID' } });
    expect(io.err).toContain('(root): Unrecognized key: "extra"');
  });

  it('still prints a trace, with MEMORY_LIMIT, when the script kills its process', async () => {
    const path = tempScenario({
      source: "var o = {}; for (var i = 0; i < 1e8; i++) o['k' + i] = i; var onLoginRequest = function (c) { executeStep(1); };",
      application: { name: 'A', steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }] },
    });
    expect(await main(['simulate', path, '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ outcome: 'error', error: { code: expect.stringMatching(/^(MEMORY_LIMIT|TIMEOUT)$/) } });
  }, 60_000);

  it('treats a file that is not JSON as invalid', async () => {
    expect(await main(['simulate', tempScenario('{ nope'), '--json'])).toBe(1);
    expect(JSON.parse(io.out)).toMatchObject({ error: { code: 'SCENARIO_INVALID' } });
  });

  it('treats a missing file as invalid', async () => {
    expect(await main(['simulate', '/nonexistent/a.scenario.json', '--json'])).toBe(1);
    expect(io.err).toContain('no such file');
  });
});

describe('authscript test', () => {
  it('passes the README example and closes with the count line', async () => {
    expect(await main(['test', FIXTURES])).toBe(0);
    expect(io.out).toMatch(/PASS .*github-skips-mfa\.scenario\.json \(GitHub logins skip MFA\)/);
    expect(io.out.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('reports each unmet expectation and exits 1', async () => {
    const path = tempScenario({
      source: 'var onLoginRequest = function (c) { executeStep(1); executeStep(2); };',
      application: { name: 'A', steps: [{ options: [{ idp: 'GitHub', authenticator: 'GithubAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }] },
      connections: [{ name: 'GitHub', jit: { enabled: false } }],
      interactions: [{ step: 1, idp: 'GitHub', subject: 'gh-1' }, { step: 2 }],
      expect: { outcome: 'success' },
    });
    expect(await main(['test', path])).toBe(1);
    expect(io.err).toContain('outcome: expected "success", got "fail"');
    expect(io.err).toContain('LOCAL_ACCOUNT_REQUIRED');
    expect(io.out.trim().split('\n')).toEqual([expect.stringMatching(/^FAIL .*x\.scenario\.json$/), '0 passed, 1 failed']);
  });
});
