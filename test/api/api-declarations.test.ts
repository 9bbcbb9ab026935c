import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { declaredGlobals, typeCheckScript } from '../_support/api-typings.js';
import { logsOf, runScript } from '../_support/sandbox.js';

const declarations = declaredGlobals;
const check = typeCheckScript;

describe('runtime/api.d.ts and the installed globals', () => {
  it('declares every global the sandbox adds to the standard built-ins, and the sandbox installs every declared one', () => {
    const r = runScript(`var onLoginRequest = function (c) { Log.info(JSON.stringify(Object.getOwnPropertyNames(globalThis))); executeStep(1); };`);
    const installed = JSON.parse(logsOf(r)[0]!) as string[];
    const standard = new Set(runInContext('Object.getOwnPropertyNames(globalThis)', createContext()) as string[]);
    const declared = declarations();
    expect(installed.filter((n) => !standard.has(n) && !declared.has(n))).toEqual([]);
    expect([...declared.keys()].filter((n) => !installed.includes(n))).toEqual([]);
  });

  it('documents every declared global with an @example', () => {
    expect([...declarations()].filter(([, documented]) => !documented).map(([name]) => name)).toEqual([]);
  });
});

describe('runtime/api.d.ts types the user, http and jwt functions', () => {
  it('accepts the new-device template (cookies and email)', () => {
    expect(
      check(`
var deviceRememberPeriod = 60 * 60 * 24 * 365 * 2;
var onLoginRequest = function (context) {
  executeStep(1, {
    onSuccess: function (context) {
      subject = context.currentKnownSubject;
      if (getCookieValue(context.request, 'deviceAuth', { validateSignature: true }) !== subject.identifier) {
        sendEmail(subject, 'UnseenDeviceLogin', { username: subject.identifier, 'login-time': new Date().toUTCString() });
        executeStep(2, {
          onSuccess: function (context) {
            setCookie(context.response, 'deviceAuth', subject.identifier, { sign: true, 'max-age': deviceRememberPeriod, sameSite: 'LAX' });
          }
        });
      }
    }
  });
};
var subject;`),
    ).toEqual([]);
  });

  it('accepts role, association, session, look-up and password calls as WSO2 scripts make them', () => {
    expect(
      check(`
var onLoginRequest = function (context) {
  promptIdentifierForStep(1, { onSkip: function (context) { executeStep(1); }, onSuccess: function (context, data) { executeStep(1); } });
  executeStep(1, {
    onSuccess: function (context) {
      var user = context.steps[1].subject;
      if (!hasAnyOfTheRolesV2(context, ['office365Role'])) assignUserRolesV2(context, ['office365Role']);
      var local = getAssociatedLocalUser(user);
      if (local === null) doAssociationWithLocalUser(user, 'alice', context.tenantDomain, 'PRIMARY');
      var sessions = getUserSessions(user);
      if (sessions !== null && sessions.length > 2) terminateUserSession(user, sessions[0].id);
      var found = getUniqueUserWithClaimValues({ 'http://wso2.org/claims/emailaddress': 'a@x.com' }, context);
      if (found !== null && !isAnyOfTheRolesAssignedToUser(found, ['admin'])) removeUserRoles(found, ['admin']);
      updateUserPassword(user, 'n3w-Secret', { onSuccess: function (c, d) {}, onFail: function (c, d) {} }, true);
      var sub = getValueFromDecodedAssertion(context.request.params.request[0], 'sub', true);
      callChoreo({ url: 'https://x.choreoapis.dev/r', consumerKey: secrets.key, consumerSecret: getSecretByName('secret') }, { sub: sub }, {});
    }
  });
};`),
    ).toEqual([]);
  });

  it('rejects a sameSite value WSO2 would refuse', () => {
    expect(check("setCookie(null, 'c', 'v', { sameSite: 'Lax' });").join()).toMatch(/"Lax"' is not assignable/);
  });

  it('rejects a boolean where updateUserPassword wants its callbacks', () => {
    expect(check("updateUserPassword(null, 'pw', true);").join()).toMatch(/has no properties in common with type 'PasswordCallbacks'/);
  });
});
