import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { logsOf, runScript } from '../_support/sandbox.js';

const API = fileURLToPath(new URL('../../runtime/api.d.ts', import.meta.url));

/** Type-checks a login script as the editor does: plain JS, checkJs on, only ES2022 and api.d.ts. */
function check(script: string): string[] {
  const file = '/virtual/script.js';
  const options: ts.CompilerOptions = { allowJs: true, checkJs: true, noEmit: true, strict: false, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? script : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || exists(f);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang) => (f === file ? ts.createSourceFile(f, script, lang) : getSource(f, lang));
  const program = ts.createProgram([file, API], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('runtime/api.d.ts', () => {
  it('accepts a typical WSO2 script', () => {
    expect(
      check(`
var rolesToStepUp = ['admin'];
var onLoginRequest = function (context) {
  executeStep(1, {
    onSuccess: function (context) {
      var user = context.currentKnownSubject;
      if (context.steps[1].idp == 'LOCAL' && hasAnyOfTheRoles(user, rolesToStepUp)) {
        Log.info('step-up for ' + getMaskedValue(user.username) + ' from ' + context.request.headers['user-agent']);
        user.localClaims['http://wso2.org/claims/lastLogin'] = String(Date.now());
        context.selectedAcr = selectAcrFrom(context, ['acr2', 'acr1']);
        executeStep(2, { authenticationOptions: [{ authenticator: 'totp' }], stepOptions: { forceAuth: 'true' } }, {});
      } else if (!isMemberOfAnyOfGroups(user, ['staff'])) {
        sendError('', { status: 'Unauthorized' });
      }
    },
    onFail: function (context) { fail({ errorCode: 'access_denied' }); }
  });
};`),
    ).toEqual([]);
  });

  it('rejects a step id given as a string', () => {
    expect(check("executeStep('1');").join()).toMatch(/not assignable to parameter of type 'number'/);
  });

  it('rejects a misspelt API function', () => {
    expect(check("Log.warning('x');").join()).toMatch(/Property 'warning' does not exist/);
  });

  it('types the entry point through JSDoc', () => {
    expect(check('/** @param {AuthContext} context */\nfunction onLoginRequest(context) { Log.info(context.serviceProviderName); executeStep(1); }')).toEqual([]);
  });

  it('rejects writing a read-only context member', () => {
    expect(check('executeStep(1, { onSuccess: function (context) { context.tenantDomain = "x"; } });').join()).toMatch(/read-only/);
  });

  it('declares every global the sandbox installs, and nothing more', () => {
    const declared = new Set<string>();
    const source = ts.createSourceFile(API, ts.sys.readFile(API) ?? '', ts.ScriptTarget.ES2022);
    for (const s of source.statements) {
      if (ts.isFunctionDeclaration(s) && s.name) declared.add(s.name.text);
      // `declare const` are the API; `declare var` are the entry points a script defines itself.
      if (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.Const) {
        for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) declared.add(d.name.text);
      }
    }
    const names = [...declared].sort();
    const probe = `var onLoginRequest = function (c) {
      Log.info(${JSON.stringify(names)}.filter(function (n) { return typeof globalThis[n] === 'undefined'; }).join(','));
      executeStep(1);
    };`;
    expect(logsOf(runScript(probe))).toEqual(['']);
  });
});
