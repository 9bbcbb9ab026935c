/**
 * The template library (templates/<id>/). For every template:
 *
 * - template.json validates against the strict TemplateSchema, and its id is its folder's name;
 * - its `parameters` are exactly the `var` declarations at the top of script.js (the ones before
 *   the first function), with the same names, order and default values;
 * - script.js has no loop statement (so it also saves on hosts that forbid loops, like Asgardeo),
 *   type-checks against runtime/api.d.ts, and the analyzer reports no error and no JIT/MFA
 *   conflict for the applications of its scenarios;
 * - it has at least two scenarios, each naming script.js and pinning its behaviour with an
 *   `expect`; every scenario passes, and gives the same trace when the engine restarts between
 *   interactions (as after a crash: the flow lives only in the store).
 *
 * Plus: the ids are unique and there are at least 18; the catalog lists them by category, then
 * title; and the new-device template recognises a device it remembered in an earlier login (a
 * signed cookie verifies only under the same server key, which one scenario file cannot span).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../runtime/host/sandbox.js';
import { lint } from '../../src/analysis/lint.js';
import { SimulatedAuthenticator } from '../../src/authenticators/simulated.js';
import { FlowEngine } from '../../src/flow/engine.js';
import { checkExpectations, type Mismatch } from '../../src/simulate/expectations.js';
import type { Trace } from '../../src/simulate/scenario-schema.js';
import { parseScenario, simulate } from '../../src/simulate/simulate.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { typeCheckScript } from '../_support/api-typings.js';
import { defaultTemplatesDir, loadTemplates, TemplateCatalogError } from '../../src/templates/catalog.js';
import { TEMPLATE_CATEGORIES, TemplateSchema } from '../../src/templates/template-schema.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const folders = readdirSync(TEMPLATES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const scenarioFiles = (id: string) =>
  readdirSync(join(TEMPLATES, id))
    .filter((f) => f.endsWith('.scenario.json'))
    .sort();
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;
const scriptOf = (id: string) => readFileSync(join(TEMPLATES, id, 'script.js'), 'utf8');

// ---------------------------------------------------------------------------------------------
// The top-of-script parameters, read with the TypeScript parser.

interface ScriptParameter {
  readonly name: string;
  readonly value: unknown;
}

/** The `var` declarations before the first function of the script, with their literal values. */
function topOfScriptParameters(source: string): ScriptParameter[] {
  const file = ts.createSourceFile('script.js', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const out: ScriptParameter[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) break;
    const declarations = statement.declarationList.declarations;
    if (declarations.some((d) => d.initializer !== undefined && (ts.isFunctionExpression(d.initializer) || ts.isArrowFunction(d.initializer)))) break;
    if ((statement.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== 0) {
      throw new Error(`line ${lineOf(file, statement)}: parameters are declared with var (WSO2 style), not let or const`);
    }
    for (const d of declarations) {
      if (d.initializer === undefined) throw new Error(`line ${lineOf(file, d)}: the parameter ${d.name.getText(file)} has no default value`);
      out.push({ name: d.name.getText(file), value: literalValue(d.initializer, file) });
    }
  }
  return out;
}

function lineOf(file: ts.SourceFile, node: ts.Node): number {
  return file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
}

/** The value of a literal initializer: JSON.parse where it is JSON, else the literal read from the syntax tree. */
function literalValue(node: ts.Expression, file: ts.SourceFile): unknown {
  try {
    return JSON.parse(node.getText(file)) as unknown;
  } catch {
    return fromSyntax(node, file);
  }
}

function fromSyntax(node: ts.Expression, file: ts.SourceFile): unknown {
  if (ts.isParenthesizedExpression(node)) return fromSyntax(node.expression, file);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) return -(fromSyntax(node.operand, file) as number);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((e) => fromSyntax(e, file));
  if (ts.isObjectLiteralExpression(node)) {
    return Object.fromEntries(
      node.properties.map((p) => {
        if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) throw new Error(`line ${lineOf(file, p)}: not a literal property`);
        return [p.name.text, fromSyntax(p.initializer, file)];
      }),
    );
  }
  if (ts.isBinaryExpression(node)) {
    const [l, r] = [fromSyntax(node.left, file), fromSyntax(node.right, file)];
    if (typeof l === 'number' && typeof r === 'number') {
      switch (node.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken:
          return l + r;
        case ts.SyntaxKind.MinusToken:
          return l - r;
        case ts.SyntaxKind.AsteriskToken:
          return l * r;
        case ts.SyntaxKind.SlashToken:
          return l / r;
      }
    }
  }
  throw new Error(`line ${lineOf(file, node)}: the default value ${node.getText(file)} is not a literal`);
}

/** The script's code without comments and string or regular-expression literals: what a loop check sees. */
function codeTokens(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, source);
  const tokens: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) {
      // A regular expression where one may start: rescan it as one token.
      const previous = tokens[tokens.length - 1];
      if (previous === undefined || /^[(,=:[!&|?{};]$|^return$/.test(previous)) kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || kind === ts.SyntaxKind.RegularExpressionLiteral) continue;
    tokens.push(scanner.getTokenText());
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------

function describeMismatches(mismatches: readonly Mismatch[], trace: Trace): string {
  const lines = mismatches.map((m) => `  ${m.path}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
  if (trace.error !== null) lines.push(`  (the flow ended with ${trace.error.code}: ${trace.error.message})`);
  if (trace.pending !== null) lines.push(`  (the flow waits for ${JSON.stringify(trace.pending)})`);
  lines.push(`  (steps: ${JSON.stringify(trace.steps)})`, `  (logs: ${JSON.stringify(trace.logs.map((l) => l.message))})`);
  return `the trace does not meet the scenario's expect:\n${lines.join('\n')}`;
}

/** Signed cookies differ between two simulations (each has its own server key): compare the rest. */
function withoutCookieSeals(trace: Trace): Trace {
  return { ...trace, effects: trace.effects.map((e) => (e.kind === 'responseCookie' ? { ...e, value: '(sealed)', header: '(sealed)' } : e)) };
}

const traces = new Map<string, Promise<Trace>>();
function traceOf(id: string, file: string): Promise<Trace> {
  const key = `${id}/${file}`;
  let t = traces.get(key);
  if (t === undefined) {
    t = simulate(readJson(join(TEMPLATES, id, file)), { baseDir: join(TEMPLATES, id) });
    traces.set(key, t);
  }
  return t;
}

const sandboxes: Sandbox[] = [];
afterAll(() => sandboxes.forEach((s) => s.dispose()));

describe('the template library', () => {
  it('has at least 18 templates, with unique ids', async () => {
    const all = await loadTemplates(TEMPLATES);
    expect(all.length).toBeGreaterThanOrEqual(18);
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(all.map((t) => t.id).sort()).toEqual(folders);
  });

  it('lists the templates by category (access control, adaptive MFA, user attributes, JIT), then title, with their scripts', async () => {
    const all = await loadTemplates(TEMPLATES);
    const order = all.map((t) => [TEMPLATE_CATEGORIES.indexOf(t.category), t.title] as const);
    const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1], 'en'));
    expect(order).toEqual(sorted);
    for (const t of all) expect(t.script).toBe(scriptOf(t.id));
    expect(new Set(all.map((t) => t.category))).toEqual(new Set(TEMPLATE_CATEGORIES));
  });

  it('is the library the package ships (defaultTemplatesDir)', async () => {
    expect((await loadTemplates(defaultTemplatesDir())).map((t) => t.id)).toEqual((await loadTemplates(TEMPLATES)).map((t) => t.id));
    const pkg = readJson(fileURLToPath(new URL('../../package.json', import.meta.url))) as { files: string[] };
    expect(pkg.files).toContain('templates');
  });

  it('covers the WSO2 template set and the templates WSO2 lacks', async () => {
    const ids = (await loadTemplates(TEMPLATES)).map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'role-based-step-up',
        'role-based-step-up-v2',
        'group-based-step-up',
        'group-based-access-control',
        'user-age-based',
        'tenant-based-step-up',
        'user-store-based-step-up',
        'ip-based-step-up',
        'new-device-step-up',
        'login-attempts-step-up',
        'acr-based-step-up',
        'skip-mfa-external-connections',
        'concurrent-session-limit',
        'risk-based-step-up',
        'role-assignment-on-login',
        'passkey-progressive-enrollment',
        'jit-group-roles-domain-allow-list',
        'time-of-day-access',
        'new-country-step-up',
        'block-disposable-email-signups',
      ]),
    );
  });

  it('reports every problem of a broken library, with the file and the path', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'authscript-templates-'));
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'template.json'), JSON.stringify({ id: 'b', title: 'A', category: 'mfa', summary: 's', parameters: [], steps: [], wso2: null, extra: 1 }));
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'script.js'), 'var onLoginRequest = function (context) { executeStep(1); };');
    const error = await loadTemplates(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateCatalogError);
    const problems = (error as TemplateCatalogError).problems.join('\n');
    expect(problems).toContain('a/template.json: category');
    expect(problems).toContain('a/template.json: steps');
    expect(problems).toContain('Unrecognized key: "extra"');
    expect(problems).toContain('a/script.js: missing');
    expect(problems).toContain('c/template.json: missing');
  });

  it('refuses a parameter default that does not fit its type', () => {
    const base = { id: 'x', title: 'X', category: 'access-control', summary: 's', steps: [{ description: 'd', options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }], wso2: null };
    const param = (type: string, value: unknown) => ({ ...base, parameters: [{ name: 'p', type, default: value, description: 'd' }] });
    expect(TemplateSchema.safeParse(param('cidr[]', ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1'])).success).toBe(true);
    expect(TemplateSchema.safeParse(param('cidr[]', ['10.0.0.0/33'])).success).toBe(false);
    expect(TemplateSchema.safeParse(param('cidr[]', ['2001:db8::/129'])).success).toBe(false);
    expect(TemplateSchema.safeParse(param('number', '18')).success).toBe(false);
    expect(TemplateSchema.safeParse(param('boolean', 'true')).success).toBe(false);
    expect(TemplateSchema.safeParse(param('string[]', ['a', 1])).success).toBe(false);
    expect(TemplateSchema.safeParse(param('connection', 'Google')).success).toBe(true);
    expect(TemplateSchema.safeParse(param('object', {})).success).toBe(false);
  });
});

describe.each(folders)('template %s', (id) => {
  const dir = join(TEMPLATES, id);
  const files = scenarioFiles(id);

  it('has a valid template.json whose id is its folder', () => {
    const parsed = TemplateSchema.safeParse(readJson(join(dir, 'template.json')));
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual([]);
    expect(parsed.data?.id).toBe(id);
  });

  it('declares exactly the var parameters at the top of script.js, with their defaults', () => {
    const metadata = TemplateSchema.parse(readJson(join(dir, 'template.json')));
    const declared = topOfScriptParameters(scriptOf(id));
    expect(metadata.parameters.map((p) => ({ name: p.name, value: p.default }))).toEqual(declared);
  });

  it('defines onLoginRequest and uses no loop statement', () => {
    const tokens = codeTokens(scriptOf(id));
    expect(tokens).toContain('onLoginRequest');
    expect(tokens.filter((t) => t === 'for' || t === 'while' || t === 'forEach')).toEqual([]);
  });

  it('type-checks against runtime/api.d.ts, as the editor checks it', () => {
    expect(typeCheckScript(scriptOf(id))).toEqual([]);
  });

  it('draws no error and no JIT/MFA conflict from the analyzer, for the application of each scenario', () => {
    const sandbox = new Sandbox();
    sandboxes.push(sandbox);
    const script = scriptOf(id);
    const found = files.flatMap((file) => {
      const scenario = parseScenario(readJson(join(dir, file)));
      return lint(script, { application: scenario.application, connections: scenario.connections, sandbox }).diagnostics
        .filter((d) => d.severity === 'error' || d.code === 'JIT_MFA_CONFLICT')
        .map((d) => `${file}: ${d.severity} ${d.code} ${d.line}:${d.column} ${d.message}`);
    });
    expect(found).toEqual([]);
  });

  it('has at least two scenarios, each running script.js with a name and an expect', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const scenario = parseScenario(readJson(join(dir, file)));
      expect(scenario.script, file).toBe('script.js');
      expect(scenario.name, file).toBeTruthy();
      expect(scenario.expect, file).toBeDefined();
      expect(scenario.expect?.outcome, `${file} pins the outcome`).toBeDefined();
    }
  });

  describe.each(files)('%s', (file) => {
    it('meets its expect', async () => {
      const scenario = parseScenario(readJson(join(dir, file)));
      const trace = await traceOf(id, file);
      const mismatches = checkExpectations(scenario.expect ?? {}, trace);
      expect(mismatches, describeMismatches(mismatches, trace)).toEqual([]);
    });

    it('gives the same trace when the engine restarts between interactions', async () => {
      const restarted = await simulate(readJson(join(dir, file)), { baseDir: dir, restartBetweenInteractions: true });
      expect(withoutCookieSeals(restarted)).toEqual(withoutCookieSeals(await traceOf(id, file)));
    });
  });
});

describe('new-device-step-up across logins', () => {
  const TENANT = 'templates';
  const T0 = Date.parse('2026-11-23T10:00:00Z');
  const APPLICATION = {
    name: 'Thrift',
    steps: [{ options: [{ idp: 'LOCAL', authenticator: 'BasicAuthenticator' }] }, { options: [{ idp: 'LOCAL', authenticator: 'totp' }] }],
  };
  const source = () => scriptOf('new-device-step-up');

  async function engineWithUsers(): Promise<FlowEngine> {
    const store = new MemoryStore();
    for (const username of ['bob', 'eve']) {
      await store.createUser(TENANT, {
        username,
        userStoreDomain: 'PRIMARY',
        passwordHash: null,
        roles: [],
        groups: [],
        claims: { 'http://wso2.org/claims/emailaddress': `${username}@example.com` },
        totpSecret: 'device',
        locked: false,
        disabled: false,
        provisionedBy: null,
      });
    }
    const runner = new Sandbox();
    sandboxes.push(runner);
    // One server key for both logins, as on a real server.
    return new FlowEngine({ runner, store, authenticator: new SimulatedAuthenticator(), clock: () => T0, cookieKey: Buffer.alloc(32, 7) });
  }
  const step = (n: number, authenticator: string, username?: string) => ({ kind: 'step' as const, step: n, idp: 'LOCAL', authenticator, outcome: 'success' as const, username });

  /** The first login from a new browser: step-up, then the signed cookie it sets. */
  async function firstLogin(engine: FlowEngine, username: string): Promise<string> {
    let flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: source() });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', username));
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    flow = await engine.advance(flow.id, step(2, 'totp'));
    expect(flow.status).toBe('success');
    const cookie = flow.effects.find((e) => e.kind === 'responseCookie');
    expect(cookie).toMatchObject({ name: 'deviceAuth' });
    return String(cookie!.value);
  }

  it('skips the second factor on the device it remembered', async () => {
    const engine = await engineWithUsers();
    const value = await firstLogin(engine, 'bob');
    let flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: source(), request: { cookies: { deviceAuth: { value } } } });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', 'bob'));
    expect(flow.status).toBe('success');
    expect(flow.effects.filter((e) => e.kind === 'sendEmail' || e.kind === 'setCookie')).toEqual([]);
  });

  it('still steps up another user on that device (the cookie names the user)', async () => {
    const engine = await engineWithUsers();
    const value = await firstLogin(engine, 'bob');
    let flow = await engine.start({ tenant: TENANT, application: APPLICATION, source: source(), request: { cookies: { deviceAuth: { value } } } });
    flow = await engine.advance(flow.id, step(1, 'BasicAuthenticator', 'eve'));
    expect(flow.waiting).toMatchObject({ kind: 'step', step: 2 });
    expect(flow.effects).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'sendEmail', username: 'eve', template: 'UnseenDeviceLogin' })]));
  });
});
