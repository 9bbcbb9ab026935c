// @ts-check
/*
 * The user functions of WSO2's conditional-auth modules (REFERENCE §3.2, §3.3, §3.8, §3.10): roles,
 * federated associations, users by claim values, SSO sessions, the identifier prompt, password
 * updates and emails. Reads go to the host and into the journal; changes are commands the host
 * applies once. Argument rules follow WSO2's Java: where it throws on a wrong argument (a cast
 * that fails, an IllegalArgumentException) the script gets a TypeError; where it logs and returns
 * false or null, so does this.
 */

/** WSO2's SSO cookie: the browser's session, for checkSessionExistence and getAuthenticatedApplications. */
const SSO_COOKIE = 'commonAuthId';
const EMAIL_CLAIM = 'http://wso2.org/claims/emailaddress';

/** @param {unknown} v @param {string} className */
function isHostObject(v, className) {
  return isObjectLike(v) && HOST_OBJECT_NAMES.get(/** @type {object} */ (v)) === className;
}

/** @param {unknown} v */
function isContext(v) {
  return isHostObject(v, 'JsAuthenticationContext');
}

function appTenant() {
  return current().stepState.app.tenantDomain;
}

/** A local user of the application's tenant: the only users the user store can change. @param {any} s */
function isLocalHere(s) {
  return s !== null && !s.federated && s.tenantDomain === appTenant();
}

/** @param {unknown} v */
function isMissing(v) {
  return v === null || v === undefined;
}

/** Whether the browser sent this cookie. @param {string} name */
function hasRequestCookie(name) {
  return $hasOwn(current().input.request.cookies, name);
}

/** A copy of plain data the host answered, for the script to keep and change. @param {any} v */
function answerCopy(v) {
  return v === null || v === undefined ? null : fromJson(v);
}

// ---------------------------------------------------------------------------------------------
// Roles

/**
 * A role list argument; null (logged) when it is not an array.
 * @param {unknown} roles @param {string} fn @returns {string[] | null}
 */
function roleList(roles, fn) {
  if (!$isArray(roles)) {
    log('error', `${fn}: the roles must be an array of role names`);
    return null;
  }
  return nameList(roles, fn);
}

/** @param {string[]} names */
function strippedNames(names) {
  const out = [];
  for (let i = 0; i < names.length; i++) {
    const n = withoutInternalPrefix(names[i]);
    if (!anyOf(out, [n])) out[out.length] = n;
  }
  return out;
}

/**
 * Queues a role change for the host, and applies it to what this run reads from now on.
 * @param {any} s @param {string[]} assign @param {string[]} remove @param {'exact'|'withoutInternalPrefix'} compare
 */
function changeRoles(s, assign, remove, compare) {
  if (assign.length === 0 && remove.length === 0) return;
  emit({ kind: 'updateUserRoles', username: s.username, userStoreDomain: s.userStoreDomain, assign, remove, compare });
  const changes = current().stepState.roleChanges;
  changes[changes.length] = { owner: roleOwner(s), assign, remove, compare };
}

/**
 * assignUserRoles / removeUserRoles (the legacy role model): the listed roles, by exact name.
 * @param {'assignUserRoles'|'removeUserRoles'} fn @param {unknown} user @param {unknown} roles
 */
function legacyRoleChange(fn, user, roles) {
  current();
  if (isMissing(user)) {
    log('error', `${fn}: User is not defined`);
    return false;
  }
  const s = snapshotOf(user, fn);
  if (s === null) return false;
  if (isMissing(roles)) {
    log('error', `${fn}: ${fn === 'assignUserRoles' ? 'Assigning' : 'Removing'} roles are not defined`);
    return false;
  }
  const names = roleList(roles, fn);
  if (names === null) return false;
  if (s.tenantDomain !== appTenant()) {
    log('warn', `${fn}: changing roles in cross tenants is not allowed.`);
    return false;
  }
  if (s.federated) {
    log('error', `${fn}: ${s.username} is a federated user without a local account`);
    return false;
  }
  if (fn === 'assignUserRoles') changeRoles(s, names, [], 'exact');
  else changeRoles(s, [], names, 'exact');
  return true;
}

/** @param {unknown} user @param {unknown} roles */
function assignUserRoles(user, roles) {
  return legacyRoleChange('assignUserRoles', user, roles);
}

/** @param {unknown} user @param {unknown} roles */
function removeUserRoles(user, roles) {
  return legacyRoleChange('removeUserRoles', user, roles);
}

/**
 * The flow's subject for the V2 functions, which take the context: null (logged) when the first
 * argument is not the context or no step has authenticated anyone yet (WSO2 throws a
 * NullPointerException then, product-is #22755; authscript returns false instead).
 * @param {unknown} context @param {string} fn
 */
function subjectOfContext(context, fn) {
  if (!isContext(context)) {
    log('error', `${fn}: the first argument must be the context`);
    return null;
  }
  const s = knownSubject();
  if (s === null) log('error', `${fn}: the flow has no subject yet: no step has authenticated a user`);
  return s;
}

/**
 * assignUserRolesV2 / removeUserRolesV2 (the role model of IS 7 / Asgardeo): role names compared
 * without an `Internal/` prefix, for the flow's subject.
 * @param {'assignUserRolesV2'|'removeUserRolesV2'} fn @param {unknown} context @param {unknown} roles
 */
function roleChangeV2(fn, context, roles) {
  current();
  if (!$isArray(roles) || roles.length === 0) return false;
  const names = strippedNames(nameList(roles, fn));
  if (names.length === 0) return false;
  const s = subjectOfContext(context, fn);
  if (s === null || !isLocalHere(s)) return false;
  if (fn === 'assignUserRolesV2') changeRoles(s, names, [], 'withoutInternalPrefix');
  else changeRoles(s, [], names, 'withoutInternalPrefix');
  return true;
}

/** @param {unknown} context @param {unknown} roles */
function assignUserRolesV2(context, roles) {
  return roleChangeV2('assignUserRolesV2', context, roles);
}

/** @param {unknown} context @param {unknown} roles */
function removeUserRolesV2(context, roles) {
  return roleChangeV2('removeUserRolesV2', context, roles);
}

/** @param {unknown} context @param {unknown} roles */
function hasAnyOfTheRolesV2(context, roles) {
  current();
  if (!$isArray(roles) || roles.length === 0) return false;
  const wanted = strippedNames(nameList(roles, 'hasAnyOfTheRolesV2'));
  const s = subjectOfContext(context, 'hasAnyOfTheRolesV2');
  if (s === null || !isLocalHere(s) || wanted.length === 0) return false;
  return anyOf(strippedNames(rolesNow(s, hostRead('getRolesOfUser', userKey(s)))), wanted);
}

/** Like hasAnyOfTheRoles, read from the user store without its cache. @param {unknown} user @param {unknown} roles */
function isAnyOfTheRolesAssignedToUser(user, roles) {
  current();
  const s = snapshotOf(user, 'isAnyOfTheRolesAssignedToUser');
  const wanted = nameList(roles, 'isAnyOfTheRolesAssignedToUser');
  if (s === null || !isLocalHere(s) || wanted.length === 0) return false;
  return anyOf(rolesNow(s, hostRead('getRolesOfUser', userKey(s))), wanted);
}

// ---------------------------------------------------------------------------------------------
// Federated associations

/** The federated account behind a federated user: its IdP and the subject it arrived with. @param {any} s */
function federatedAccount(s) {
  if (typeof s.idp !== 'string' || s.idp === '') return null;
  const subject = FEDERATED_SUBJECTS.get(s) ?? s.username;
  return { idp: s.idp, subject };
}

/** @param {unknown} federatedUser */
function getAssociatedLocalUser(federatedUser) {
  current();
  const s = snapshotOf(federatedUser, 'getAssociatedLocalUser');
  if (s === null || !s.federated) return null;
  const account = federatedAccount(s);
  if (account === null) return null;
  const found = hostRead('getAssociatedLocalUser', account);
  return isMap(found) ? userObject(answerCopy(found)) : null;
}

/**
 * @param {unknown} federatedUser @param {unknown} username @param {unknown} tenantDomain
 * @param {unknown} userStoreDomain
 */
function doAssociationWithLocalUser(federatedUser, username, tenantDomain, userStoreDomain) {
  current();
  if (isMissing(federatedUser)) {
    log('warn', 'doAssociationWithLocalUser: Federated user is null');
    return false;
  }
  const s = snapshotOf(federatedUser, 'doAssociationWithLocalUser');
  if (s === null) return false;
  if (!s.federated) {
    log('warn', `doAssociationWithLocalUser: User ${s.username} is not a federated user.`);
    return false;
  }
  if (typeof tenantDomain !== 'string' || tenantDomain.toLowerCase() !== $String(s.tenantDomain).toLowerCase()) {
    log('error', `Association failed due to mismatch in tenant. The tenant sent for association: ${describe(tenantDomain)} does not match the tenant of the federated user: ${s.tenantDomain}`);
    return false;
  }
  if (typeof username !== 'string' || username === '') {
    log('error', 'doAssociationWithLocalUser: the local username must be a non-empty string');
    return false;
  }
  if (!isMissing(userStoreDomain) && (typeof userStoreDomain !== 'string' || userStoreDomain === '')) {
    log('error', 'doAssociationWithLocalUser: the user store domain must be a string');
    return false;
  }
  const account = federatedAccount(s);
  if (account === null) {
    log('warn', `doAssociationWithLocalUser: the federated user ${s.username} names no identity provider`);
    return false;
  }
  const domain = typeof userStoreDomain === 'string' ? userStoreDomain : 'PRIMARY';
  emit({ kind: 'associateLocalUser', idp: account.idp, subject: account.subject, username, userStoreDomain: domain });
  return true;
}

/** @param {unknown} federatedUser */
function removeAssociatedLocalUser(federatedUser) {
  current();
  const s = snapshotOf(federatedUser, 'removeAssociatedLocalUser');
  if (s === null || !s.federated) return false;
  const account = federatedAccount(s);
  if (account === null) return false;
  // WSO2 answers false when there is no association to remove: look first (journaled).
  if (!isMap(hostRead('getAssociatedLocalUser', account))) return false;
  emit({ kind: 'removeAssociatedLocalUser', idp: account.idp, subject: account.subject });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Users by claim values

/**
 * The claim map as ordered [claim, value] pairs; the first pair selects the candidates.
 * WSO2 also deletes the first entry from the map passed in (a side effect of its Java code);
 * authscript leaves the script's map as it is.
 * @param {unknown} claimMap @param {string} fn
 */
function claimPairs(claimMap, fn) {
  if (!isMap(claimMap)) throw new $TypeError(`${fn}: the claims must be an object of claim URIs to values`);
  const plain = toPlain(claimMap, `the claims given to ${fn}`);
  const pairs = [];
  for (const k of $ownKeys(plain)) {
    if (typeof k === 'string') pairs[pairs.length] = [k, stringValue(plain[k])];
  }
  // WSO2 takes the map's first entry without checking: an empty map throws there.
  if (pairs.length === 0) throw new $TypeError(`${fn}: the claim map is empty`);
  return pairs;
}

/** @param {unknown} claimMap @param {string} profile @param {string} fn @returns {any[]} */
function usersWithClaims(claimMap, profile, fn) {
  const found = hostRead('getUsersWithClaimValues', { claims: claimPairs(claimMap, fn), profile });
  return $isArray(found) ? found : [];
}

/** @param {unknown} claimMap @param {unknown[]} params */
function getUniqueUserWithClaimValues(claimMap, ...params) {
  current();
  if (isMissing(claimMap)) return null;
  // (claims, context) or (claims, context, profile); anything else has no tenant, so no user.
  let context = null;
  let profile = 'default';
  if (params.length === 2) {
    if (isContext(params[0])) context = params[0];
    if (typeof params[1] === 'string') profile = params[1];
  }
  if (params.length === 1 && isContext(params[0])) context = params[0];
  if (context === null) return null;
  const users = usersWithClaims(claimMap, profile, 'getUniqueUserWithClaimValues');
  return users.length === 1 ? userObject(answerCopy(users[0])) : null;
}

/** @param {unknown} claimMap @param {unknown} context @param {unknown[]} params */
function getUsersWithClaimValues(claimMap, context, ...params) {
  current();
  if (isMissing(claimMap) || isMissing(context)) return null;
  if (!isContext(context)) throw new $TypeError('getUsersWithClaimValues: the second argument must be the context');
  const profile = params.length > 0 && typeof params[0] === 'string' ? params[0] : 'default';
  const users = usersWithClaims(claimMap, profile, 'getUsersWithClaimValues');
  if (users.length === 0) return null;
  const out = [];
  for (let i = 0; i < users.length; i++) out[i] = userObject(answerCopy(users[i]));
  return out;
}

/** @param {unknown} loginIdentifier @param {unknown} tenantDomain */
function resolveMultiAttributeLoginIdentifier(loginIdentifier, tenantDomain) {
  current();
  if (typeof loginIdentifier !== 'string' || loginIdentifier === '') return null;
  if (tenantDomain !== appTenant()) return null;
  const resolved = hostRead('resolveMultiAttributeLoginIdentifier', { loginIdentifier });
  return typeof resolved === 'string' ? resolved : null;
}

// ---------------------------------------------------------------------------------------------
// Sessions

/** @param {unknown} user */
function getUserSessions(user) {
  current();
  const s = snapshotOf(user, 'getUserSessions');
  if (s === null || s.tenantDomain !== appTenant()) return null;
  // Sessions are recorded for local accounts; a federated user without one has none.
  if (s.federated) return [];
  const sessions = hostRead('getUserSessions', userKey(s));
  return $isArray(sessions) ? answerCopy(sessions) : [];
}

/** @param {unknown} user @param {unknown} sessionId */
function terminateUserSession(user, sessionId) {
  current();
  const s = snapshotOf(user, 'terminateUserSession');
  if (s === null || !isLocalHere(s)) return false;
  if (typeof sessionId !== 'string' || sessionId === '') {
    log('error', 'terminateUserSession: the session id must be a string');
    return false;
  }
  // WSO2 answers false for a session that is not the user's: look first (journaled).
  const sessions = hostRead('getUserSessions', userKey(s));
  let owned = false;
  if ($isArray(sessions)) for (let i = 0; i < sessions.length && !owned; i++) owned = isMap(sessions[i]) && sessions[i].id === sessionId;
  if (!owned) return false;
  emit({ kind: 'terminateUserSession', username: s.username, userStoreDomain: s.userStoreDomain, sessionId });
  return true;
}

/** @param {unknown} context */
function getAuthenticatedApplications(context) {
  current();
  if (!isContext(context)) {
    log('error', 'getAuthenticatedApplications: the argument must be the context');
    return [];
  }
  if (!hasRequestCookie(SSO_COOKIE)) return [];
  const apps = hostRead('getAuthenticatedApplications', {});
  return $isArray(apps) ? answerCopy(apps) : [];
}

/**
 * Whether the options of step `stepId` include an (idp, authenticator) the user already
 * authenticated with: in this flow, or in the browser's SSO session.
 * @param {unknown} stepId @param {unknown} context
 */
function checkSessionExistence(stepId, context) {
  const r = current();
  if (typeof stepId !== 'number' || !$isInteger(stepId)) throw new $TypeError('checkSessionExistence: the first argument must be a step number');
  if (!isContext(context)) throw new $TypeError('checkSessionExistence: the second argument must be the context');
  const steps = r.stepState.app.steps;
  if (stepId < 1 || stepId > steps.length) {
    log('error', `checkSessionExistence: step ${stepId} is not a step of the application`);
    return false;
  }
  const options = steps[stepId - 1].options;
  const done = r.stepState.authenticated;
  for (let i = 0; i < options.length; i++) {
    for (let j = 0; j < done.length; j++) {
      if (done[j].idp === options[i].idp && done[j].authenticator === options[i].authenticator) return true;
    }
  }
  if (!hasRequestCookie(SSO_COOKIE)) return false;
  return hostRead('checkSessionExistence', { options: copyOptions(options) }) === true;
}

/** WSO2's default preHandler of promptIdentifierForStep. @param {unknown} step @param {unknown} context */
function skipIdentifierWithSession(step, context) {
  return checkSessionExistence(step, context);
}

/**
 * Queues WSO2's identifier prompt (template `username`, data `{step}`), skipped with `onSkip`
 * when its preHandler returns true. WSO2 reads the handler map from the *second* extra argument
 * when there are exactly two, which is also the callbacks map; kept as is.
 * @param {unknown} stepId @param {unknown[]} params
 */
function promptIdentifierForStep(stepId, ...params) {
  current();
  if (typeof stepId !== 'number' || !$isInteger(stepId)) throw new $TypeError('promptIdentifierForStep: the first argument must be a step number');
  const validators = params.length === 2 && isMap(params[1]) ? params[1] : null;
  const last = params.length > 0 ? params[params.length - 1] : undefined;
  const preHandler = validators !== null ? /** @type {any} */ (validators).preHandler : undefined;
  queueNode({
    kind: 'prompt',
    templateId: 'username',
    data: { step: stepId },
    callbacks: callbackMap(isMap(last) ? last : undefined),
    preHandler: typeof preHandler === 'function' ? preHandler : skipIdentifierWithSession,
  });
}

// ---------------------------------------------------------------------------------------------
// Password and email

/** @param {unknown} user @param {unknown[]} params */
function updateUserPassword(user, ...params) {
  current();
  if (isMissing(user)) throw new $TypeError('updateUserPassword: User is not defined.');
  const s = isObjectLike(user) ? USER_SNAPSHOTS.get(/** @type {object} */ (user)) : undefined;
  if (s === undefined) throw new $TypeError('updateUserPassword: the first argument must be a user');
  if (params.length === 0 || isMissing(params[0])) throw new $TypeError('updateUserPassword: Password is not defined.');
  const password = params[0];
  if (typeof password !== 'string') throw new $TypeError('updateUserPassword: the password must be a string');
  let callbacks = null;
  let skipPasswordValidation = false;
  if (params.length >= 2) {
    if (!isMap(params[1])) throw new $TypeError('updateUserPassword: Invalid argument type. Expected eventHandlers (Map<String, Object>).');
    callbacks = params[1];
  }
  if (params.length >= 3) {
    if (typeof params[2] !== 'boolean') throw new $TypeError('updateUserPassword: Invalid argument type. Expected skipPasswordValidation(Boolean).');
    skipPasswordValidation = params[2];
  }
  if (password === '') throw new $TypeError('updateUserPassword: The provided password is empty.');
  const refused = s.federated ? `${s.username} is a federated user without a local account` : s.tenantDomain !== appTenant() ? 'Invalid user provided.' : null;
  if (callbacks !== null) {
    // A long-wait call: the host sets the password and answers onSuccess or onFail, with {}.
    queueAsync('updateUserPassword', { username: s.username, userStoreDomain: s.userStoreDomain, password, skipPasswordValidation, refused }, callbacks);
    return;
  }
  if (refused !== null) {
    log('error', `updateUserPassword: Error occurred while updating the user password. ${refused}`);
    return;
  }
  emit({ kind: 'updateUserPassword', username: s.username, userStoreDomain: s.userStoreDomain, password, skipPasswordValidation });
}

/** @param {unknown} user @param {unknown} templateId @param {unknown} placeholders */
function sendEmail(user, templateId, placeholders) {
  current();
  const s = snapshotOf(user, 'sendEmail');
  if (s === null) return false;
  if (typeof templateId !== 'string') throw new $TypeError('sendEmail: the template id must be a string');
  if (!isMap(placeholders)) throw new $TypeError('sendEmail: the placeholders must be an object ({} for none)');
  if (s.tenantDomain !== appTenant()) {
    log('warn', 'sendEmail: Send Emails in cross tenants is not allowed.');
    return false;
  }
  const plain = toPlain(placeholders, 'the placeholders of sendEmail');
  const values = {};
  for (const k of $ownKeys(plain)) {
    if (typeof k === 'string') $defineProperty(values, k, { value: stringValue(plain[k]), enumerable: true, writable: true, configurable: true });
  }
  // A local user's address is the user store's; a federated user's comes from the IdP's claims.
  const address = s.federated ? (s.localClaims[EMAIL_CLAIM] ?? s.remoteClaims.email ?? null) : null;
  emit({ kind: 'sendEmail', username: s.username, userStoreDomain: s.userStoreDomain, federated: s.federated === true, address, template: templateId, placeholders: values });
  return true;
}

for (const [name, value] of /** @type {[string, unknown][]} */ ([
  ['hasAnyOfTheRolesV2', hasAnyOfTheRolesV2],
  ['isAnyOfTheRolesAssignedToUser', isAnyOfTheRolesAssignedToUser],
  ['assignUserRoles', assignUserRoles],
  ['removeUserRoles', removeUserRoles],
  ['assignUserRolesV2', assignUserRolesV2],
  ['removeUserRolesV2', removeUserRolesV2],
  ['getAssociatedLocalUser', getAssociatedLocalUser],
  ['doAssociationWithLocalUser', doAssociationWithLocalUser],
  ['removeAssociatedLocalUser', removeAssociatedLocalUser],
  ['getUniqueUserWithClaimValues', getUniqueUserWithClaimValues],
  ['getUsersWithClaimValues', getUsersWithClaimValues],
  ['resolveMultiAttributeLoginIdentifier', resolveMultiAttributeLoginIdentifier],
  ['getUserSessions', getUserSessions],
  ['terminateUserSession', terminateUserSession],
  ['getAuthenticatedApplications', getAuthenticatedApplications],
  ['checkSessionExistence', checkSessionExistence],
  ['promptIdentifierForStep', promptIdentifierForStep],
  ['updateUserPassword', updateUserPassword],
  ['sendEmail', sendEmail],
])) {
  installApi(name, value);
}
