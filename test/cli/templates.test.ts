import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TemplateSchema } from '../../src/templates/template-schema.js';
import { captureOutput } from '../_support/cli-output.js';

const io = captureOutput();



const SCRIPT = readFileSync(new URL('../../templates/skip-mfa-external-connections/script.js', import.meta.url), 'utf8');

describe('authscript templates', () => {
  it('lists the packaged templates: one line each with id, category and title', async () => {
    expect(await main(['templates', 'list'])).toBe(0);
    const lines = io.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(18);
    expect(lines.find((l) => l.startsWith('skip-mfa-external-connections '))).toMatch(/^skip-mfa-external-connections\s+adaptive-mfa\s+Skip MFA for external connections$/);
    expect(lines[0]).toMatch(/\saccess-control\s/);
  });

  it('lists the templates as JSON, without their scripts', async () => {
    expect(await main(['templates', 'list', '--json'])).toBe(0);
    const list = JSON.parse(io.out) as Record<string, unknown>[];
    expect(list.length).toBeGreaterThanOrEqual(18);
    for (const t of list) {
      expect(t).not.toHaveProperty('script');
      const { scenarios: _scenarios, ...metadata } = t;
      expect(TemplateSchema.safeParse(metadata).success).toBe(true);
    }
  });

  it('shows a template: metadata, parameters, steps and the script', async () => {
    expect(await main(['templates', 'show', 'ip-based-step-up'])).toBe(0);
    expect(io.out).toContain('ip-based-step-up: IP-based MFA (IPv4 and IPv6)');
    expect(io.out).toContain('category: adaptive-mfa');
    expect(io.out).toContain('corpNetwork: cidr[] = ["192.168.1.0/24","10.100.0.0/16","2001:db8:1234::/48"]');
    expect(io.out).toContain('2. Second factor: TOTP (an authenticator app): LOCAL/totp');
    expect(io.out).toContain('var onLoginRequest = function (context) {');
  });

  it('shows a template as JSON, with its script', async () => {
    expect(await main(['templates', 'show', 'skip-mfa-external-connections', '--json'])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ id: 'skip-mfa-external-connections', category: 'adaptive-mfa', script: SCRIPT, parameters: [{ name: 'connectionsRequiringMfa', type: 'connection[]', default: [] }] });
  });

  it('exits 1 for an unknown id, suggesting the closest ones', async () => {
    expect(await main(['templates', 'show', 'ip-based'])).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toContain('no template "ip-based" (did you mean ip-based-step-up?)');
  });
});
