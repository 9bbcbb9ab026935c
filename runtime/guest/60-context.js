// @ts-check
/*
 * The objects a script sees: context, steps, users, request, response. They behave like WSO2's
 * host objects: every member name exists, an unknown member reads as null, a write to a read-only
 * member is ignored without an error, and a write to a writable one becomes a command.
 */

/** Wrapper proxy -> WSO2 class name, for logging and `[object X]`. */
const HOST_OBJECT_NAMES = new WeakMap();

/** Traps every host object shares: a script cannot define, re-prototype or seal one. */
const FIXED_SHAPE = $freeze({
  defineProperty() {
    return false;
  },
  setPrototypeOf() {
    return false;
  },
  preventExtensions() {
    return false;
  },
});

/**
 * A host object's proxy, registered under its WSO2 class name.
 * @param {string} className @param {object} target @param {ProxyHandler<any>} traps
 */
function hostProxy(className, target, traps) {
  const proxy = new $Proxy(target, { ...FIXED_SHAPE, ...traps });
  HOST_OBJECT_NAMES.set(proxy, className);
  return proxy;
}
/** User wrapper -> its snapshot, so API functions can tell a real user from a look-alike. */
const USER_SNAPSHOTS = new WeakMap();
/**
 * Federated user snapshot -> the IdP's subject it arrived with. A script may rename the user
 * (`user.username = ...`); associations still key on the subject, as WSO2's on the authenticated
 * subject identifier.
 */
const FEDERATED_SUBJECTS = new WeakMap();

/**
 * @typedef {{ get: () => any, set?: (v: any) => void, remove?: () => void }} Member
 * @param {string} className
 * @param {Record<string, Member>} members a bag (no prototype)
 */
function hostObject(className, members) {
  const toString = function toString() {
    return `[object ${className}]`;
  };
  return hostProxy(className, {}, {
    get(_t, key) {
      if (typeof key !== 'string') return key === $symbolToStringTag ? className : undefined;
      const m = members[key];
      if (m !== undefined) return m.get();
      return key === 'toString' ? toString : null;
    },
    set(_t, key, value) {
      const m = typeof key === 'string' ? members[key] : undefined;
      if (m !== undefined && m.set !== undefined) m.set(value);
      return true;
    },
    deleteProperty(_t, key) {
      const m = typeof key === 'string' ? members[key] : undefined;
      if (m !== undefined && m.remove !== undefined) m.remove();
      return true;
    },
    has(_t, key) {
      return typeof key === 'string';
    },
    ownKeys() {
      return $ownKeys(members);
    },
    getOwnPropertyDescriptor(_t, key) {
      const m = typeof key === 'string' ? members[key] : undefined;
      if (m === undefined) return undefined;
      return { value: m.get(), writable: m.set !== undefined, enumerable: true, configurable: true };
    },
  });
}

/**
 * A string-keyed map (claims, headers, parameters): a missing key reads as null; writes go to
 * `write` when the map is writable.
 * @param {string} className @param {Record<string, any>} entries a bag
 * @param {((key: string, value: any) => void) | null} write
 */
function mapObject(className, entries, write) {
  return hostProxy(className, {}, {
    get(_t, key) {
      if (typeof key !== 'string') return key === $symbolToStringTag ? className : undefined;
      const v = entries[key];
      return v === undefined ? null : v;
    },
    set(_t, key, value) {
      if (typeof key === 'string' && write !== null) write(key, value);
      return true;
    },
    deleteProperty(_t, key) {
      if (typeof key === 'string' && write !== null) write(key, null);
      return true;
    },
    has(_t, key) {
      return typeof key === 'string' && entries[key] !== undefined;
    },
    ownKeys() {
      return $ownKeys(entries);
    },
    getOwnPropertyDescriptor(_t, key) {
      if (typeof key !== 'string' || entries[key] === undefined) return undefined;
      return { value: entries[key], writable: write !== null, enumerable: true, configurable: true };
    },
  });
}

/** A member built on first read: most scripts touch only a few members of each object. @param {() => any} build */
function lazy(build) {
  let value;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}

/** @param {Record<string, any>} plain @returns {Record<string, any>} */
function bagOf(plain) {
  const b = bag();
  if (plain) for (const k of $ownKeys(plain)) b[/** @type {string} */ (k)] = plain[/** @type {string} */ (k)];
  return b;
}

/** Claim values are strings in WSO2; null removes. @param {unknown} v */
function claimValue(v) {
  return v === null || v === undefined ? null : stringValue(v);
}

/** @param {any} snapshot a user from the journal (plain data owned by the prelude) */
function userObject(snapshot) {
  const r = current();
  const cached = r.stepState.userWrappers.get(snapshot);
  if (cached !== undefined) return cached;
  const isLocal = !snapshot.federated;
  if (!isLocal && !FEDERATED_SUBJECTS.has(snapshot)) FEDERATED_SUBJECTS.set(snapshot, snapshot.username);
  /** @type {Record<string, Member>} */
  const members = bag();
  members.username = { get: () => snapshot.username, set: (v) => { snapshot.username = stringValue(v); } };
  members.userStoreDomain = {
    get: () => snapshot.userStoreDomain,
    set: (v) => { snapshot.userStoreDomain = v === null || v === undefined ? null : stringValue(v); },
  };
  members.identifier = { get: () => userIdentifier(snapshot) };
  members.uniqueId = { get: () => snapshot.uniqueId };
  members.tenantDomain = { get: () => snapshot.tenantDomain };
  members.roles = { get: () => rolesNow(snapshot, snapshot.roles) };
  members.groups = { get: () => copyStrings(snapshot.groups) };
  const localClaims = lazy(() => {
    const claims = bagOf(snapshot.localClaims);
    return mapObject('JsClaims', claims, (claim, value) => {
      const v = claimValue(value);
      if (v === null) delete claims[claim];
      else claims[claim] = v;
      // A local user's claims live in the user store: the write is an effect the host applies.
      if (isLocal) emit({ kind: 'setLocalClaim', username: snapshot.username, userStoreDomain: snapshot.userStoreDomain, claim, value: v });
    });
  });
  members.localClaims = { get: localClaims };
  members.remoteClaims = {
    get: lazy(() => {
      const claims = bagOf(snapshot.remoteClaims);
      return mapObject('JsClaims', claims, (claim, value) => {
        const v = claimValue(value);
        if (v === null) delete claims[claim];
        else claims[claim] = v;
      });
    }),
  };
  members.claims = {
    get: lazy(() => {
      const runtimeClaims = r.stepState.runtimeClaims;
      const claims = new $Proxy(localClaims(), {
        get(t, key) {
          if (typeof key === 'string' && runtimeClaims[key] !== undefined) return runtimeClaims[key];
          return Reflect.get(t, key);
        },
        set(_t, key, value) {
          if (typeof key === 'string') setRuntimeClaim(key, value);
          return true;
        },
      });
      HOST_OBJECT_NAMES.set(claims, 'JsRuntimeClaims');
      return claims;
    }),
  };
  const wrapper = hostObject('JsAuthenticatedUser', members);
  USER_SNAPSHOTS.set(wrapper, snapshot);
  r.stepState.userWrappers.set(snapshot, wrapper);
  return wrapper;
}

/** @param {string} claim @param {unknown} value */
function setRuntimeClaim(claim, value) {
  const v = claimValue(value);
  const claims = current().stepState.runtimeClaims;
  if (v === null) delete claims[claim];
  else claims[claim] = v;
  emit({ kind: 'setRuntimeClaim', claim, value: v });
}

/** @param {any} u */
function userIdentifier(u) {
  if (u.federated || !u.userStoreDomain || u.userStoreDomain === 'PRIMARY') return u.username;
  return `${u.userStoreDomain}/${u.username}`;
}

/**
 * The user store's roles of a user, with the role changes this run made so far (the commands of
 * assignUserRoles and friends apply only after the run): reads later in the run see them.
 * @param {any} s a user snapshot @param {unknown} roles as the journal holds them
 * @returns {string[]}
 */
function rolesNow(s, roles) {
  let out = $isArray(roles) ? copyStrings(/** @type {string[]} */ (roles)) : [];
  const key = roleOwner(s);
  const changes = current().stepState.roleChanges;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    if (c.owner === key) out = updateRoles(out, c.assign, c.remove, c.compare);
  }
  return out;
}

/** @param {any} s */
function roleOwner(s) {
  return `${s.tenantDomain}\u0000${$String(s.userStoreDomain ?? 'PRIMARY').toUpperCase()}\u0000${s.username}`;
}

/**
 * The rule the host applies (src/flow/apply-command.ts updateRoles): removals, then assignments
 * of roles not held; names compared as given or without an `Internal/` prefix.
 * @param {string[]} roles @param {string[]} assign @param {string[]} remove @param {string} compare
 */
function updateRoles(roles, assign, remove, compare) {
  const key = compare === 'exact' ? (/** @type {string} */ r) => r : withoutInternalPrefix;
  const out = [];
  for (let i = 0; i < roles.length; i++) {
    let removed = false;
    for (let j = 0; j < remove.length && !removed; j++) removed = key(remove[j]) === key(roles[i]);
    if (!removed) out[out.length] = roles[i];
  }
  for (let i = 0; i < assign.length; i++) {
    let held = false;
    for (let j = 0; j < out.length && !held; j++) held = key(out[j]) === key(assign[i]);
    if (!held) out[out.length] = assign[i];
  }
  return out;
}

/** WSO2's V2 role functions drop an `Internal/` prefix (any case) before comparing. @param {string} role */
function withoutInternalPrefix(role) {
  return role.toLowerCase().startsWith('internal/') ? role.slice(9) : role;
}

/** @param {string[]} list */
function copyStrings(list) {
  const out = [];
  for (let i = 0; i < list.length; i++) out[i] = list[i];
  return out;
}

/** @param {any} snapshot */
function userOrNull(snapshot) {
  return snapshot === null || snapshot === undefined ? null : userObject(snapshot);
}

/** The per-run model the context reads; rebuilt as replay consumes the journal. @param {any} app */
function newStepState(app) {
  return {
    app,
    /** step number -> { idp, authenticator, subject } of its latest execution */
    executed: bag(),
    /** step numbers in the order they succeeded */
    succeeded: [],
    subjectStep: app.subjectStep ?? null,
    attributeStep: app.attributeStep ?? null,
    current: null,
    lastFailedUser: null,
    selectedAcr: null,
    runtimeClaims: bag(),
    userWrappers: new $Map(),
    /** Role changes of this run, in order: { owner, assign, remove, compare }. */
    roleChanges: [],
    /** Every (idp, authenticator) that completed a step of this flow: checkSessionExistence reads them. */
    authenticated: [],
  };
}

/** The subject of the flow so far: the subject step's user if it ran, else the last authenticated one. */
function knownSubject() {
  const s = current().stepState;
  const flagged = s.subjectStep !== null ? s.executed[s.subjectStep] : undefined;
  if (flagged !== undefined && flagged.subject !== null) return flagged.subject;
  for (let i = s.succeeded.length - 1; i >= 0; i--) {
    const e = s.executed[s.succeeded[i]];
    if (e !== undefined && e.subject !== null) return e.subject;
  }
  return null;
}

/** @param {number} n */
function stepObject(n) {
  const s = current().stepState;
  const configured = s.app.steps[n - 1];
  /** @type {Record<string, Member>} */
  const members = bag();
  members.idp = { get: () => s.executed[n]?.idp ?? null };
  members.authenticator = { get: () => s.executed[n]?.authenticator ?? null };
  members.subject = { get: () => userOrNull(s.executed[n]?.subject) };
  members.options = { get: () => copyOptions(configured.options) };
  return hostObject('JsStep', members);
}

/** @param {{idp: string, authenticator: string}[]} options */
function copyOptions(options) {
  const out = [];
  for (let i = 0; i < options.length; i++) out[i] = { idp: options[i].idp, authenticator: options[i].authenticator };
  return out;
}

function stepsObject() {
  const s = current().stepState;
  const count = s.app.steps.length;
  const cache = bag();
  return hostProxy('JsSteps', [], {
    get(t, key) {
      if (key === 'length') return count + 1; // index 0 is unused, as in WSO2
      if (typeof key !== 'string') return Reflect.get(t, key);
      const n = $Number(key);
      if (!$isInteger(n) || n < 1 || n > count) return null;
      return (cache[key] ??= stepObject(n));
    },
    set() {
      return true;
    },
    deleteProperty() {
      return true;
    },
  });
}

/** @param {any} request */
function requestObject(request) {
  /** @type {Record<string, Member>} */
  const members = bag();
  const headers = lazy(() => {
    const entries = bag();
    for (const k of $ownKeys(request.headers)) {
      // Header names are case-insensitive; scripts use lower case (headers['user-agent']).
      entries[$String(k).toLowerCase()] = request.headers[/** @type {string} */ (k)];
    }
    const map = mapObject('JsHeaders', entries, null);
    return new $Proxy(map, {
      get(t, key) {
        return Reflect.get(t, typeof key === 'string' ? key.toLowerCase() : key);
      },
    });
  });
  const params = lazy(() => {
    const entries = bag();
    for (const k of $ownKeys(request.params)) entries[/** @type {string} */ (k)] = copyStrings(request.params[/** @type {string} */ (k)]);
    return mapObject('JsParameters', entries, null);
  });
  const cookies = lazy(() => {
    const entries = bag();
    for (const k of $ownKeys(request.cookies)) entries[/** @type {string} */ (k)] = cookieObject(/** @type {string} */ (k), request.cookies[/** @type {string} */ (k)]);
    return mapObject('JsCookies', entries, null);
  });
  members.ip = { get: () => request.ip };
  members.headers = { get: headers };
  members.params = { get: params };
  members.cookies = { get: cookies };
  return hostObject('JsServletRequest', members);
}

/** @param {string} name @param {any} c */
function cookieObject(name, c) {
  /** @type {Record<string, Member>} */
  const members = bag();
  members.name = { get: () => name };
  members.value = { get: () => c.value };
  members.domain = { get: () => c.domain };
  members.path = { get: () => c.path };
  members['max-age'] = { get: () => c.maxAge };
  members.secure = { get: () => c.secure };
  members.httpOnly = { get: () => c.httpOnly };
  members.version = { get: () => 0 };
  members.comment = { get: () => null };
  return hostObject('JsCookie', members);
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;

function responseObject() {
  const headers = bag();
  const headerMap = mapObject('JsWritableParameters', headers, (name, value) => {
    if (value === null || value === undefined) return;
    const v = stringValue(value);
    // A header the server would send as given: no way to end it early and start another.
    if ($apply($RegExpExec, HEADER_NAME, [name]) === null) throw new $TypeError(`${describe(name)} is not a valid header name`);
    if ($apply($RegExpExec, HEADER_VALUE, [v]) === null) throw new $TypeError(`the value of header ${name} may not hold control characters`);
    headers[name] = v;
    emit({ kind: 'setResponseHeader', name, value: v });
  });
  /** @type {Record<string, Member>} */
  const members = bag();
  members.headers = { get: () => headerMap };
  return hostObject('JsServletResponse', members);
}

function contextObject() {
  const r = current();
  const s = r.stepState;
  const input = r.input;
  const endpointParams = bag();
  const endpointMap = lazy(() =>
    mapObject('JsWritableParameters', endpointParams, (name, value) => {
      const v = toPlain(value, 'an endpoint parameter');
      endpointParams[name] = v;
      emit({ kind: 'setEndpointParam', name, value: v === undefined ? null : v });
    }),
  );
  const request = lazy(() => requestObject(input.request));
  const response = lazy(responseObject);
  const steps = lazy(stepsObject);
  /** @type {Record<string, Member>} */
  const members = bag();
  members.requestedAcr = { get: () => copyStrings(input.request.acrValues) };
  members.selectedAcr = {
    get: () => s.selectedAcr,
    set: (v) => {
      s.selectedAcr = v === null || v === undefined ? null : stringValue(v);
      emit({ kind: 'setSelectedAcr', value: s.selectedAcr });
    },
    remove: () => {
      s.selectedAcr = null;
      emit({ kind: 'setSelectedAcr', value: null });
    },
  };
  members.tenantDomain = { get: () => s.app.tenantDomain };
  members.serviceProviderName = { get: () => s.app.name };
  members.lastLoginFailedUser = { get: () => userOrNull(s.lastFailedUser) };
  members.request = { get: request };
  members.response = { get: response };
  members.steps = { get: steps };
  members.currentStep = { get: () => s.current };
  members.currentKnownSubject = { get: () => userOrNull(knownSubject()) };
  members.subject = { get: () => userOrNull(knownSubject()) };
  members.retry = { get: () => false };
  members.endpointParams = { get: endpointMap };
  return hostObject('JsAuthenticationContext', members);
}
