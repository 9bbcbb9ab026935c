/**
 * What the analyzer knows of the script API: every global of runtime/api.d.ts with the number of
 * arguments it takes, and which event names its callbacks may use. A test keeps this list equal
 * to api.d.ts.
 */

import { SECOND_FACTORS } from '../authenticators/types.js';

export interface ApiFunction {
  readonly min: number;
  readonly max: number;
  /** The position of a callbacks map among the arguments, and its allowed event names. */
  readonly callbacks?: { readonly events: readonly string[]; readonly anyOn?: boolean };
}

const STEP_EVENTS = ['onSuccess', 'onFail', 'onFallback', 'onUserAbort'];
const ASYNC_EVENTS = ['onSuccess', 'onFail', 'onTimeout'];

export const API_FUNCTIONS: Readonly<Record<string, ApiFunction>> = {
  executeStep: { min: 1, max: 3, callbacks: { events: STEP_EVENTS } },
  fail: { min: 0, max: 1 },
  sendError: { min: 1, max: 2 },
  prompt: { min: 1, max: 3, callbacks: { events: ['onSuccess', 'onSkip', 'preHandler'], anyOn: true } },
  selectAcrFrom: { min: 2, max: 2 },
  hasRole: { min: 2, max: 2 },
  hasAnyOfTheRoles: { min: 2, max: 2 },
  hasAnyOfTheRolesV2: { min: 2, max: 2 },
  isAnyOfTheRolesAssignedToUser: { min: 2, max: 2 },
  isMemberOfAnyOfGroups: { min: 2, max: 2 },
  assignUserRoles: { min: 2, max: 2 },
  removeUserRoles: { min: 2, max: 2 },
  assignUserRolesV2: { min: 2, max: 2 },
  removeUserRolesV2: { min: 2, max: 2 },
  getAssociatedLocalUser: { min: 1, max: 1 },
  doAssociationWithLocalUser: { min: 4, max: 4 },
  removeAssociatedLocalUser: { min: 1, max: 1 },
  getUniqueUserWithClaimValues: { min: 2, max: 3 },
  getUsersWithClaimValues: { min: 2, max: 3 },
  getUserSessions: { min: 1, max: 1 },
  terminateUserSession: { min: 2, max: 2 },
  getAuthenticatedApplications: { min: 1, max: 1 },
  checkSessionExistence: { min: 2, max: 2 },
  promptIdentifierForStep: { min: 2, max: 3, callbacks: { events: ['onSuccess', 'onSkip', 'onFail'], anyOn: true } },
  resolveMultiAttributeLoginIdentifier: { min: 2, max: 2 },
  updateUserPassword: { min: 2, max: 4, callbacks: { events: ['onSuccess', 'onFail'] } },
  setCookie: { min: 3, max: 4 },
  getCookieValue: { min: 2, max: 3 },
  getValueFromDecodedAssertion: { min: 3, max: 3 },
  sendEmail: { min: 3, max: 3 },
  getSecretByName: { min: 1, max: 1 },
  callChoreo: { min: 3, max: 3, callbacks: { events: ASYNC_EVENTS } },
  callAnalytics: { min: 3, max: 3, callbacks: { events: ASYNC_EVENTS } },
  callElastic: { min: 2, max: 2, callbacks: { events: ASYNC_EVENTS } },
  httpGet: { min: 2, max: 4, callbacks: { events: ASYNC_EVENTS } },
  httpPost: { min: 2, max: 5, callbacks: { events: ASYNC_EVENTS } },
  getMaskedValue: { min: 1, max: 1 },
  filterAuthenticators: { min: 2, max: 2 },
  require: { min: 1, max: 1 },
  loadLocalLibrary: { min: 1, max: 1 },
};

/** Objects of the API (members are checked by name). */
export const API_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  Log: ['info', 'log', 'debug', 'warn', 'error'],
  console: ['log', 'info', 'debug', 'warn', 'error'],
  secrets: [],
};

/** WSO2's restricted functions: they exist, and only log that they are restricted. */
export const RESTRICTED = ['quit', 'exit', 'print', 'echo', 'readFully', 'readLine', 'load', 'printErr', 'loadWithNewGlobal'];

/** Names that exist in JavaScript but not in login scripts, with why. */
export const NOT_AVAILABLE: Readonly<Record<string, string>> = {
  eval: 'code cannot be built from strings in login scripts',
  Function: 'code cannot be built from strings in login scripts',
  WeakRef: 'garbage-collection timing cannot be replayed',
  FinalizationRegistry: 'garbage-collection timing cannot be replayed',
  SharedArrayBuffer: 'shared memory is not available in login scripts',
  Atomics: 'shared memory is not available in login scripts',
  WebAssembly: 'compiled code is not available in login scripts',
  setTimeout: 'there are no timers in login scripts: queue work with executeStep, prompt or an async call',
  setInterval: 'there are no timers in login scripts',
  setImmediate: 'there are no timers in login scripts',
  process: 'nothing of the host is reachable from a login script',
  module: 'a login script is not a module; script libraries assign module.exports',
  Buffer: 'nothing of the host is reachable from a login script',
  fetch: 'use httpGet or httpPost: outbound calls are journaled and allow-listed',
  XMLHttpRequest: 'use httpGet or httpPost',
};

export const STANDARD_GLOBALS: ReadonlySet<string> = new Set([
  'Object', 'Array', 'JSON', 'Math', 'Date', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'RegExp', 'Map', 'Set',
  'WeakMap', 'WeakSet', 'Promise', 'Proxy', 'Reflect', 'Intl', 'Error', 'TypeError', 'RangeError', 'ReferenceError',
  'SyntaxError', 'EvalError', 'URIError', 'AggregateError', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array',
  'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
  'BigInt64Array', 'BigUint64Array', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent',
  'decodeURIComponent', 'encodeURI', 'decodeURI', 'escape', 'unescape', 'globalThis', 'undefined', 'NaN', 'Infinity',
  'arguments',
]);

/** The entry points a script defines for WSO2 (and authscript's JIT hooks). */
export const ENTRY_POINTS = ['onLoginRequest', 'onProvisioningRequest', 'onUserProvisioned'];

/** Authenticators that need a local account: the authenticators' own list, so the two cannot drift. */
export const LOCAL_ACCOUNT_AUTHENTICATORS: ReadonlySet<string> = SECOND_FACTORS;

export function isKnownGlobal(name: string): boolean {
  return name in API_FUNCTIONS || name in API_OBJECTS || RESTRICTED.includes(name) || STANDARD_GLOBALS.has(name) || ENTRY_POINTS.includes(name);
}
