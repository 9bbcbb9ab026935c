// @ts-check
/*
 * The http, jwt.decode, secrets, choreo, analytics and elk functions of WSO2's conditional-auth
 * modules (REFERENCE §1.2, §3.4 to §3.7, §3.9), and the functions WSO2 removes from its engine.
 * Cookies are built and read by the host, which holds the server's cookie key; secrets never
 * enter the sandbox: a script sees a placeholder that the HTTP layer replaces.
 */

// ---------------------------------------------------------------------------------------------
// Cookies

/** Names a cookie may not have (javax.servlet.http.Cookie): attribute names and `$...`. */
const RESERVED_COOKIE_NAMES = new $Set(['comment', 'discard', 'domain', 'expires', 'max-age', 'path', 'secure', 'version', 'httponly', 'samesite']);
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Attribute text that cannot break out of its attribute: printable ASCII but `;`. */
const COOKIE_ATTRIBUTE = /^[\x20-\x3a\x3c-\x7e]*$/;
const COOKIE_DOMAIN = /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const SAME_SITE = new $Set(['NONE', 'LAX', 'STRICT']);

/** @param {RegExp} re @param {string} s */
function matches(re, s) {
  return $apply($RegExpExec, re, [s]) !== null;
}

/**
 * One property of setCookie / getCookieValue: WSO2 casts each (`(Boolean) props.get("sign")`),
 * so a value of another type throws. Absent or null means "not set".
 * @param {any} props @param {string} key @param {'boolean'|'string'|'int'} type @param {string} fn
 */
function cookieProperty(props, key, type, fn) {
  if (props === null || !$hasOwn(props, key) || isMissing(props[key])) return null;
  const v = props[key];
  const ok = type === 'int' ? typeof v === 'number' && $isInteger(v) && v >= -2147483648 && v <= 2147483647 : typeof v === type;
  if (!ok) throw new $TypeError(`${fn}: the property "${key}" must be ${type === 'int' ? 'an integer' : `a ${type}`}, got ${describe(v)}`);
  return v;
}

/**
 * @param {unknown} response @param {unknown} name @param {unknown[]} params (value, [properties])
 */
function setCookie(response, name, ...params) {
  current();
  if (!isHostObject(response, 'JsServletResponse')) throw new $TypeError('setCookie: the first argument must be context.response');
  if (typeof name !== 'string') throw new $TypeError('setCookie: the cookie name must be a string');
  // WSO2 does nothing without a value, or with more than a value and the properties.
  if (params.length === 0 || params.length > 2) return;
  if (!matches(COOKIE_NAME, name) || RESERVED_COOKIE_NAMES.has(name.toLowerCase()) || name[0] === '$') {
    throw new $TypeError(`setCookie: ${describe(name)} is not a valid cookie name`);
  }
  const value = params[0];
  if (!isMissing(value) && typeof value !== 'string') throw new $TypeError('setCookie: the cookie value must be a string');
  const props = params.length === 2 && isMap(params[1]) ? toPlain(params[1], 'the properties of setCookie') : null;
  const prop = (/** @type {string} */ key, /** @type {'boolean'|'string'|'int'} */ type) => cookieProperty(props, key, type, 'setCookie');
  const sign = prop('sign', 'boolean') === true;
  const encrypt = prop('encrypt', 'boolean') === true;
  const domain = prop('domain', 'string');
  const path = prop('path', 'string');
  const comment = prop('comment', 'string');
  const maxAge = prop('max-age', 'int');
  const version = prop('version', 'int');
  const httpOnly = prop('httpOnly', 'boolean');
  const secure = prop('secure', 'boolean');
  const sameSite = prop('sameSite', 'string');
  if (domain !== null && !matches(COOKIE_DOMAIN, domain)) throw new $TypeError(`setCookie: ${describe(domain)} is not a valid cookie domain`);
  for (const [key, text] of [['path', path], ['comment', comment]]) {
    if (text !== null && !matches(COOKIE_ATTRIBUTE, text)) throw new $TypeError(`setCookie: the ${key} may hold printable characters other than ";" only`);
  }
  if (sameSite !== null && !SAME_SITE.has(sameSite)) throw new $TypeError(`setCookie: sameSite must be NONE, LAX or STRICT, got ${describe(sameSite)}`);
  if ((sign || encrypt) && isMissing(value)) {
    log('error', `setCookie: Error occurred when ${sign ? 'signing' : 'encrypting'} the cookie value: there is no value`);
    return;
  }
  emit({
    kind: 'setCookie',
    name,
    value: isMissing(value) ? null : value,
    sign,
    encrypt,
    domain,
    path,
    comment,
    maxAge,
    version,
    httpOnly,
    secure,
    sameSite,
  });
}

/** @param {unknown} request @param {unknown[]} params (name, [properties]) */
function getCookieValue(request, ...params) {
  current();
  if (!isHostObject(request, 'JsServletRequest')) throw new $TypeError('getCookieValue: the first argument must be context.request');
  if (params.length === 0 || params.length > 2) return null;
  const name = params[0];
  if (typeof name !== 'string') throw new $TypeError('getCookieValue: the cookie name must be a string');
  const props = params.length === 2 && isMap(params[1]) ? toPlain(params[1], 'the properties of getCookieValue') : null;
  const decrypt = cookieProperty(props, 'decrypt', 'boolean', 'getCookieValue') === true;
  const validateSignature = cookieProperty(props, 'validateSignature', 'boolean', 'getCookieValue') === true;
  if (!hasRequestCookie(name)) return null;
  const value = hostRead('getCookieValue', { name, decrypt, validateSignature });
  return typeof value === 'string' ? value : null;
}

// ---------------------------------------------------------------------------------------------
// JWT

const HEX = '0123456789ABCDEF';

/**
 * The bytes of a base64url (or base64) text, or null when it is not one. Padding may only end it.
 * @param {string} text @returns {number[] | null}
 */
function base64Bytes(text) {
  const out = [];
  let acc = 0;
  let bits = 0;
  let padded = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let v;
    if (c === 61) {
      padded = true;
      continue;
    }
    if (padded) return null;
    if (c >= 65 && c <= 90) v = c - 65;
    else if (c >= 97 && c <= 122) v = c - 71;
    else if (c >= 48 && c <= 57) v = c + 4;
    else if (c === 45 || c === 43) v = 62;
    else if (c === 95 || c === 47) v = 63;
    else return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[out.length] = (acc >> bits) & 0xff;
    }
  }
  return bits >= 6 ? null : out;
}

/** UTF-8 bytes as text, or null when they are not UTF-8. @param {number[]} bytes */
function utf8Text(bytes) {
  let escaped = '';
  for (let i = 0; i < bytes.length; i++) escaped += '%' + HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  try {
    return $decodeURIComponent(escaped);
  } catch {
    return null;
  }
}

/** A base64url segment holding a JSON object, as that object; null otherwise. @param {string} segment */
function jsonObjectSegment(segment) {
  const bytes = base64Bytes(segment);
  const text = bytes === null ? null : utf8Text(bytes);
  if (text === null) return null;
  let v;
  try {
    v = $parse(text);
  } catch {
    return null;
  }
  return isMap(v) ? v : null;
}

/**
 * The header or payload of a JWS, as Nimbus `JWSObject.parse` accepts it: three parts, a header
 * with a string `alg` other than `none` and no `enc` (that would be a JWE). The signature is not
 * verified, as in WSO2.
 * @param {string} jwt @param {boolean} payload
 */
function jwsPart(jwt, payload) {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  const header = jsonObjectSegment(parts[0]);
  if (header === null || typeof header.alg !== 'string' || header.alg === 'none' || $hasOwn(header, 'enc')) return null;
  for (const key of ['typ', 'cty', 'kid']) if ($hasOwn(header, key) && typeof header[key] !== 'string') return null;
  return payload ? jsonObjectSegment(parts[1]) : header;
}

/** Java's `toString()` of a decoded JSON value: objects and arrays as JSON text. @param {unknown} v */
function javaText(v) {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return $String(v);
  return $stringify(v);
}

/** @param {unknown} jwt @param {unknown} parameterName @param {unknown} isParameterInPayload */
function getValueFromDecodedAssertion(jwt, parameterName, isParameterInPayload) {
  current();
  if (typeof isParameterInPayload !== 'boolean') {
    throw new $TypeError('getValueFromDecodedAssertion: the third argument must be true (a payload claim) or false (a header parameter)');
  }
  if (!isMissing(jwt) && typeof jwt !== 'string') throw new $TypeError('getValueFromDecodedAssertion: the JWT must be a string');
  if (!isMissing(parameterName) && typeof parameterName !== 'string') throw new $TypeError('getValueFromDecodedAssertion: the parameter name must be a string');
  if (typeof jwt !== 'string' || typeof parameterName !== 'string') return '';
  const part = jwsPart(jwt, isParameterInPayload);
  if (part === null || !$hasOwn(part, parameterName)) return '';
  return javaText(part[parameterName]);
}

// ---------------------------------------------------------------------------------------------
// Secrets

const SECRET_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * A tenant secret, as the placeholder `{{secret:name}}`: its value never enters the sandbox or
 * the journal; the HTTP layer substitutes it in the requests of httpGet, httpPost and callChoreo.
 * @param {unknown} name
 */
function getSecretByName(name) {
  current();
  if (typeof name !== 'string' || !matches(SECRET_NAME, name)) {
    log('error', `getSecretByName: ${describe(name)} is not a secret name (letters, digits, "_", "." and "-")`);
    return null;
  }
  return `{{secret:${name}}}`;
}

/** `secrets.name` is `getSecretByName('name')`, as WSO2's secrets proxy. */
// Not a hostProxy: it is a global, so the prelude's final freeze must be able to seal it.
const secrets = new $Proxy(bag(), {
  get(_t, key) {
    return typeof key === 'string' ? getSecretByName(key) : undefined;
  },
  has(_t, key) {
    return typeof key === 'string';
  },
  set() {
    return true;
  },
  deleteProperty() {
    return true;
  },
  defineProperty() {
    return false;
  },
});
HOST_OBJECT_NAMES.set(secrets, 'JsSecrets');

// ---------------------------------------------------------------------------------------------
// Choreo, analytics, Elasticsearch: long-wait calls with Java's fixed arguments

/**
 * @param {string} fn @param {unknown[]} args @param {string[]} names of the map arguments before the callbacks
 * @returns {Record<string, any>}
 */
function fixedMapArguments(fn, args, names) {
  if (args.length !== names.length + 1) {
    throw new $TypeError(`${fn}: expected ${fn}(${[...names, 'callbacks'].join(', ')}), got ${args.length} arguments`);
  }
  /** @type {Record<string, any>} */
  const out = {};
  for (let i = 0; i < args.length; i++) {
    if (!isMap(args[i])) throw new $TypeError(`${fn}: argument ${i + 1} (${i < names.length ? names[i] : 'callbacks'}) must be an object`);
    if (i < names.length) $defineProperty(out, names[i], { value: toPlain(args[i], `the ${names[i]} of ${fn}`), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `{url?, ...}`: the URL first when the arguments name one, so a waiting flow shows where it calls. @param {unknown} url @param {Record<string, any>} rest */
function withUrl(url, rest) {
  return typeof url === 'string' ? { url, ...rest } : rest;
}

/** @param {unknown[]} args (connectionMetadata, payload, callbacks) */
function callChoreo(...args) {
  current();
  const a = fixedMapArguments('callChoreo', args, ['metadata', 'payload']);
  queueAsync('callChoreo', withUrl(a.metadata.url, a), args[2]);
}

/** @param {unknown[]} args (metadata, payload, callbacks) */
function callAnalytics(...args) {
  current();
  const a = fixedMapArguments('callAnalytics', args, ['metadata', 'payload']);
  queueAsync('callAnalytics', withUrl(a.metadata.ReceiverUrl, a), args[2]);
}

/** @param {unknown[]} args (params, callbacks) */
function callElastic(...args) {
  current();
  queueAsync('callElastic', fixedMapArguments('callElastic', args, ['params']), args[1]);
}

for (const [name, value] of /** @type {[string, unknown][]} */ ([
  ['setCookie', setCookie],
  ['getCookieValue', getCookieValue],
  ['getValueFromDecodedAssertion', getValueFromDecodedAssertion],
  ['getSecretByName', getSecretByName],
  ['secrets', secrets],
  ['callChoreo', callChoreo],
  ['callAnalytics', callAnalytics],
  ['callElastic', callElastic],
])) {
  installApi(name, value);
}

// WSO2's REMOVE_FUNCTIONS: Nashorn's shell functions exist, and only log that they are restricted.
for (const name of ['quit', 'exit', 'print', 'echo', 'readFully', 'readLine', 'load', 'printErr', 'loadWithNewGlobal']) {
  const restricted = function () {
    current();
    log('error', `${name} function is restricted.`);
  };
  $defineProperty(restricted, 'name', { value: name });
  installApi(name, restricted);
}
