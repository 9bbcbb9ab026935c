// @ts-check
/*
 * The script API of WSO2 Identity Server / Asgardeo conditional authentication, as globals. Calls
 * that change the flow only queue nodes (executeStep, prompt, fail, sendError, the async calls);
 * the step queue runs them. Argument rules follow WSO2 exactly (runtime/api.d.ts documents them).
 */

/** Internal authenticator name -> display name; filters match either (display names ignore case). */
const DISPLAY_NAMES = bag();
for (const [internal, display] of [
  ['BasicAuthenticator', 'basic'],
  ['IdentifierExecutor', 'identifier first'],
  ['totp', 'totp'],
  ['email-otp-authenticator', 'email otp'],
  ['sms-otp-authenticator', 'sms otp'],
  ['FIDOAuthenticator', 'fido'],
  ['MagicLinkAuthenticator', 'magic link'],
  ['SessionExecutor', 'session executor'],
  ['GoogleOIDCAuthenticator', 'google'],
  ['GithubAuthenticator', 'github'],
  ['OpenIDConnectAuthenticator', 'openidconnect'],
  ['SAMLSSOAuthenticator', 'samlsso'],
]) {
  DISPLAY_NAMES[internal] = display;
}

/** A WSO2 "Map" argument: an object that is not an array or a function. @param {unknown} v */
function isMap(v) {
  return typeof v === 'object' && v !== null && !$isArray(v);
}

/** Function-valued entries of a callback map; others are logged and dropped, as WSO2 does. @param {any} map */
function callbackMap(map) {
  const out = bag();
  if (!isMap(map)) return out;
  for (const key of $ownKeys(map)) {
    if (typeof key !== 'string') continue;
    const desc = $getOwnPropertyDescriptor(map, key);
    if (desc === undefined || !desc.enumerable) continue;
    const fn = map[key];
    if (typeof fn === 'function') out[key] = fn;
    else log('error', `Event handler : ${key} is not a function`);
  }
  return out;
}

/** The collector of the code that is running: queued nodes join it. */
function collector() {
  const r = current();
  if (r.collector === null) throw new $TypeError('flow functions can only be called while the script runs');
  return r.collector;
}

/** @param {any} node */
function queueNode(node) {
  const c = collector();
  countQueuedNode();
  c[c.length] = node;
}

/** Boolean.parseBoolean(String.valueOf(v)). @param {unknown} v */
function javaBoolean(v) {
  return typeof v === 'boolean' ? v : typeof v === 'string' && v.toLowerCase() === 'true';
}

/**
 * authenticationOptions -> the step's options that stay. An entry with only `authenticator` means
 * idp LOCAL; only `idp` keeps all of that idp. A filter that keeps nothing is ignored with a warning.
 * @param {number} step @param {any} filter plain data
 */
function filterOptions(step, filter) {
  const configured = current().stepState.app.steps[step - 1].options;
  if (filter === undefined || filter === null) return copyOptions(configured);
  const entries = [];
  const list = $isArray(filter) ? filter : isMap(filter) ? valuesOf(filter) : [];
  for (let i = 0; i < list.length; i++) if (isMap(list[i])) entries[entries.length] = list[i];
  const kept = [];
  for (let i = 0; i < configured.length; i++) {
    const option = configured[i];
    for (let j = 0; j < entries.length; j++) {
      const e = entries[j];
      const idp = typeof e.idp === 'string' ? e.idp : typeof e.authenticator === 'string' ? 'LOCAL' : null;
      if (idp === null || idp !== option.idp) continue;
      if (typeof e.authenticator === 'string' && !authenticatorMatches(option.authenticator, e.authenticator)) continue;
      kept[kept.length] = { idp: option.idp, authenticator: option.authenticator };
      break;
    }
  }
  if (kept.length === 0) {
    log('warn', 'The filtered authenticator list is empty, hence proceeding without filtering');
    return copyOptions(configured);
  }
  return kept;
}

/** @param {string} internal @param {string} wanted */
function authenticatorMatches(internal, wanted) {
  if (internal === wanted) return true;
  const display = DISPLAY_NAMES[internal];
  const w = wanted.toLowerCase();
  return (display !== undefined && display === w) || internal.toLowerCase() === w;
}

/** @param {any} o */
function valuesOf(o) {
  const out = [];
  for (const k of $ownKeys(o)) if (typeof k === 'string') out[out.length] = o[k];
  return out;
}

/** authenticatorParams values are strings, as in WSO2. @param {any} params */
function stringParams(params) {
  if (!isMap(params)) return {};
  const out = {};
  for (const group of ['common', 'local', 'federated']) {
    const g = params[group];
    if (!isMap(g)) continue;
    const copy = {};
    for (const k of $ownKeys(g)) {
      if (typeof k !== 'string') continue;
      const v = g[k];
      if (group === 'common') $defineProperty(copy, k, { value: stringValue(v), enumerable: true, writable: true, configurable: true });
      else if (isMap(v)) {
        const inner = {};
        for (const ik of $ownKeys(v)) {
          if (typeof ik === 'string') $defineProperty(inner, ik, { value: stringValue(v[ik]), enumerable: true, writable: true, configurable: true });
        }
        $defineProperty(copy, k, { value: inner, enumerable: true, writable: true, configurable: true });
      }
    }
    $defineProperty(out, group, { value: copy, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * @param {unknown} stepId
 * @param {unknown[]} params
 */
function executeStep(stepId, ...params) {
  const r = current();
  const count = r.stepState.app.steps.length;
  if (typeof stepId !== 'number' || !$isInteger(stepId) || stepId < 1 || stepId > count) {
    log('error', `Given Authentication Step :${describe(stepId)} is not in Environment`);
    return;
  }
  let callbacks = bag();
  let options = null;
  if (params.length >= 1) {
    const last = params[params.length - 1];
    if (isMap(last)) callbacks = callbackMap(last);
    else log('error', 'Invalid argument and hence ignored. Last argument should be a Map of event listeners.');
  }
  // Options are read only with exactly two extra arguments: executeStep(1, {options}) is callbacks.
  if (params.length === 2 && isMap(params[0])) options = toPlain(params[0], 'the options of executeStep');
  const stepOptions = isMap(options) ? options.stepOptions : undefined;
  const flag = (/** @type {string} */ name) => isMap(stepOptions) && javaBoolean(stepOptions[name]);
  queueNode({
    kind: 'step',
    step: stepId,
    options: filterOptions(stepId, isMap(options) ? options.authenticationOptions : undefined),
    authenticatorParams: stringParams(isMap(options) ? options.authenticatorParams : undefined),
    forceAuth: flag('forceAuth'),
    skipPrompt: flag('skipPrompt'),
    markAsSubjectIdentifierStep: flag('markAsSubjectIdentifierStep'),
    markAsSubjectAttributeStep: flag('markAsSubjectAttributeStep'),
    callbacks,
  });
}

/** @param {unknown} [params] */
function fail(params) {
  current();
  queueNode({ kind: 'fail', params: isMap(params) ? toPlain(params, 'the parameters of fail') : {} });
}

/** @param {unknown} url @param {unknown} [params] */
function sendError(url, params) {
  current();
  const out = bag();
  if (isMap(params)) {
    const plain = toPlain(params, 'the parameters of sendError');
    for (const k of $ownKeys(plain)) out[/** @type {string} */ (k)] = stringValue(plain[/** @type {string} */ (k)]);
  }
  const target = url === null || url === undefined || url === '' ? null : stringValue(url);
  queueNode({ kind: 'sendError', url: target, params: out });
}

/** @param {unknown} templateId @param {unknown[]} rest */
function prompt(templateId, ...rest) {
  current();
  if (typeof templateId !== 'string' || templateId === '') {
    throw new $TypeError('prompt: the first argument must be the template id, a non-empty string');
  }
  const data = rest.length >= 2 ? rest[0] : undefined;
  const handlers = rest.length >= 1 ? rest[rest.length - 1] : undefined;
  queueNode({
    kind: 'prompt',
    templateId,
    data: isMap(data) ? toPlain(data, 'the data of prompt') : {},
    callbacks: callbackMap(handlers),
  });
}

/**
 * A long-wait call: queued like a step; its result arrives from the host through the journal.
 * @param {string} call @param {any} args @param {unknown} callbacks
 */
function queueAsync(call, args, callbacks) {
  const r = current();
  if (++r.asyncCalls > CONFIG.asyncCallsPerFlow) {
    throw limitError('asyncCallsPerFlow', `the flow made more than ${CONFIG.asyncCallsPerFlow} async calls (sandbox limit asyncCallsPerFlow)`);
  }
  queueNode({ kind: 'async', call, args, callbacks: callbackMap(callbacks) });
}

/** @param {string} name @param {unknown[]} args @param {string[]} shape names of the optional maps */
function asyncArguments(name, args, shape) {
  const [url, ...rest] = args;
  if (typeof url !== 'string' || url === '') throw new $TypeError(`${name}: the first argument must be the URL, a string`);
  if (rest.length < 1 || rest.length > shape.length + 1) {
    throw new $TypeError(`${name}: expected ${name}(url, ${shape.map((s) => `[${s}]`).join(', ')}, callbacks), got ${args.length} arguments`);
  }
  for (let i = 0; i < rest.length; i++) {
    if (!isMap(rest[i])) throw new $TypeError(`${name}: argument ${i + 2} must be an object`);
  }
  const out = { url };
  for (let i = 0; i < rest.length - 1; i++) {
    $defineProperty(out, shape[i], { value: toPlain(rest[i], `the ${shape[i]} of ${name}`), enumerable: true, writable: true, configurable: true });
  }
  const headers = /** @type {any} */ (out).headers;
  if (isMap(headers)) {
    for (const k of $ownKeys(headers)) {
      if (typeof headers[/** @type {string} */ (k)] !== 'string') throw new $TypeError(`${name}: header ${$String(k)} must be a string`);
    }
  }
  return { args: out, callbacks: rest[rest.length - 1] };
}

/** @param {unknown[]} args */
function httpGet(...args) {
  current();
  const a = asyncArguments('httpGet', args, ['headers', 'authConfig']);
  queueAsync('httpGet', a.args, a.callbacks);
}

/** @param {unknown[]} args */
function httpPost(...args) {
  current();
  const a = asyncArguments('httpPost', args, ['payload', 'headers', 'authConfig']);
  queueAsync('httpPost', a.args, a.callbacks);
}

/** @param {'debug'|'info'|'warn'|'error'} level */
function logger(level) {
  return function (/** @type {unknown} */ message) {
    current();
    log(level, describe(message));
  };
}

const Log = $freeze({
  info: logger('info'),
  log: logger('info'),
  debug: logger('debug'),
  warn: logger('warn'),
  error: logger('error'),
});

/** @param {'debug'|'info'|'warn'|'error'} level */
function consoleMethod(level) {
  return function (/** @type {unknown[]} */ ...parts) {
    current();
    let line = '';
    for (let i = 0; i < parts.length; i++) line += (i > 0 ? ' ' : '') + describe(parts[i]);
    log(level, line);
  };
}

const scriptConsole = $freeze({
  log: consoleMethod('info'),
  info: consoleMethod('info'),
  debug: consoleMethod('debug'),
  warn: consoleMethod('warn'),
  error: consoleMethod('error'),
});

/** @param {unknown} _context @param {unknown} supported */
function selectAcrFrom(_context, supported) {
  const requested = current().input.request.acrValues;
  if (!$isArray(supported)) return null;
  const list = toPlain(supported, 'the ACR list of selectAcrFrom');
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < requested.length; j++) if (list[i] === requested[j]) return list[i];
  }
  return null;
}

/** The snapshot behind a user wrapper, or null (logged) for anything else. @param {unknown} user @param {string} fn */
function snapshotOf(user, fn) {
  const s = isObjectLike(user) ? USER_SNAPSHOTS.get(/** @type {object} */ (user)) : undefined;
  if (s === undefined) {
    log('error', `${fn}: the first argument must be a user (context.currentKnownSubject, context.steps[n].subject, ...)`);
    return null;
  }
  return s;
}

/** @param {unknown} names @param {string} fn @returns {string[]} */
function nameList(names, fn) {
  if (!$isArray(names)) {
    log('error', `${fn}: the list of names must be an array`);
    return [];
  }
  const plain = toPlain(names, `the names given to ${fn}`);
  const out = [];
  for (let i = 0; i < plain.length; i++) if (typeof plain[i] === 'string') out[out.length] = plain[i];
  return out;
}

/** @param {string[]} have @param {string[]} wanted */
function anyOf(have, wanted) {
  for (let i = 0; i < wanted.length; i++) for (let j = 0; j < have.length; j++) if (have[j] === wanted[i]) return true;
  return false;
}

/** @param {any} s */
function userKey(s) {
  return { username: s.username, userStoreDomain: s.userStoreDomain, tenantDomain: s.tenantDomain };
}

/** @param {unknown} user @param {unknown} roles */
function hasAnyOfTheRoles(user, roles) {
  current();
  const s = snapshotOf(user, 'hasAnyOfTheRoles');
  const wanted = nameList(roles, 'hasAnyOfTheRoles');
  if (s === null || s.federated || wanted.length === 0) return false;
  if (s.tenantDomain !== current().stepState.app.tenantDomain) {
    log('error', 'hasAnyOfTheRoles: Cross-tenant role check is not allowed');
    return false;
  }
  return anyOf(rolesNow(s, hostRead('getRolesOfUser', userKey(s))), wanted);
}

/** @param {unknown} user @param {unknown} role */
function hasRole(user, role) {
  return hasAnyOfTheRoles(user, [role]);
}

/** @param {unknown} user @param {unknown} groups */
function isMemberOfAnyOfGroups(user, groups) {
  current();
  const s = snapshotOf(user, 'isMemberOfAnyOfGroups');
  const wanted = nameList(groups, 'isMemberOfAnyOfGroups');
  if (s === null || wanted.length === 0) return false;
  if (s.federated) {
    // A federated user's groups come from the IdP's groups claim (the connection's groupsClaim):
    // the host resolved them into the user; a bare claim is the fallback.
    if (s.groups.length > 0) return anyOf(s.groups, wanted);
    const raw = s.remoteClaims.groups ?? s.localClaims['http://wso2.org/claims/groups'];
    return typeof raw === 'string' && anyOf(raw.split(','), wanted);
  }
  const have = hostRead('getGroupsOfUser', userKey(s));
  return $isArray(have) && anyOf(have, wanted);
}

/** Every character but the first and the last becomes '*'. @param {unknown} value */
function getMaskedValue(value) {
  current();
  if (value === null || value === undefined) return value;
  const s = stringValue(value);
  if (s.length <= 2) return s;
  return s[0] + '*'.repeat(s.length - 2) + s[s.length - 1];
}

/** @param {unknown} options @param {unknown} exclude */
function filterAuthenticators(options, exclude) {
  current();
  const list = $isArray(options) ? toPlain(options, 'the options of filterAuthenticators') : [];
  const out = {};
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const o = list[i];
    if (!isMap(o) || o.authenticator === exclude) continue;
    const entry = o.idp === 'LOCAL' ? { authenticator: o.authenticator } : { idp: o.idp };
    $defineProperty(out, $String(n++), { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The API as globals: read-only, and frozen with everything else before any script runs. */
const SCRIPT_API = bag();

/** @param {string} name @param {unknown} value */
function installApi(name, value) {
  SCRIPT_API[name] = value;
  $defineProperty(globalThis, name, { value, writable: false, enumerable: false, configurable: false });
}

for (const [name, value] of /** @type {[string, unknown][]} */ ([
  ['executeStep', executeStep],
  ['fail', fail],
  ['sendError', sendError],
  ['prompt', prompt],
  ['httpGet', httpGet],
  ['httpPost', httpPost],
  ['Log', Log],
  ['console', scriptConsole],
  ['selectAcrFrom', selectAcrFrom],
  ['hasRole', hasRole],
  ['hasAnyOfTheRoles', hasAnyOfTheRoles],
  ['isMemberOfAnyOfGroups', isMemberOfAnyOfGroups],
  ['getMaskedValue', getMaskedValue],
  ['filterAuthenticators', filterAuthenticators],
])) {
  installApi(name, value);
}
