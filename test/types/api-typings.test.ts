import { describe, expect, it } from 'vitest';
import { declaredGlobals, typeCheckScript } from '../_support/api-typings.js';
import { logsOf, runScript } from '../_support/sandbox.js';

const check = typeCheckScript;

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
    const names = [...declaredGlobals().keys()].sort();
    const probe = `var onLoginRequest = function (c) {
      Log.info(${JSON.stringify(names)}.filter(function (n) { return typeof globalThis[n] === 'undefined'; }).join(','));
      executeStep(1);
    };`;
    expect(logsOf(runScript(probe))).toEqual(['']);
  });
});
