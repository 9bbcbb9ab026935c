import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../_support/cli-output.js';
import { APP, started, stepOutcome } from '../_support/sandbox.js';

const io = captureOutput();

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'authscript-cli-'));
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const SCRIPT = "var onLoginRequest = function (c) { executeStep(1, { onSuccess: function (c) { Log.info('hello ' + c.currentKnownSubject.username); executeStep(2); } }); };";

describe('authscript replay', () => {
  it('prints what the flow waits for after replaying the journal', async () => {
    const code = await main(['replay', file('s.js', SCRIPT), file('in.json', JSON.stringify({ application: APP, journal: [started(), stepOutcome(1)] }))]);
    expect(code).toBe(0);
    expect(io.out).toContain('log info  hello alice');
    expect(io.out).toContain('waiting for {"kind":"step","step":2');
  });

  it('prints one JSON document with --json', async () => {
    await main(['replay', file('s.js', SCRIPT), file('in.json', JSON.stringify({ application: APP, journal: [started()] })), '--json']);
    expect(JSON.parse(io.out)).toMatchObject({ outcome: { kind: 'waiting', waiting: { step: 1 } } });
  });

  it('names every invalid field of the input with its path, and exits 2', async () => {
    const code = await main(['replay', file('s.js', SCRIPT), file('in.json', JSON.stringify({ application: { name: 3, steps: [] }, journal: [{ kind: 'nope' }] }))]);
    expect(code).toBe(2);
    expect(io.err).toContain('application.name');
    expect(io.err).toContain('journal.0.kind');
  });

  it('says which file is not JSON', async () => {
    const path = file('in.json', '{ nope');
    expect(await main(['replay', file('s.js', SCRIPT), path])).toBe(2);
    expect(io.err).toContain(`${path} is not valid JSON`);
  });

  it('exits 1 when the script ends in an error', async () => {
    const code = await main(['replay', file('s.js', 'var onLoginRequest = ;'), file('in.json', JSON.stringify({ application: APP, journal: [started()] }))]);
    expect(code).toBe(1);
    expect(io.out).toMatch(/error SCRIPT_SYNTAX at line 1/);
  });
});
