// @ts-check
/*
 * Tenant script libraries (WSO2's "function libraries", Console → Script Libraries):
 * `require(name)` evaluates a library and returns its `module.exports`; `loadLocalLibrary(name)`
 * returns its source text. Code is never built from strings in here: the host compiles each
 * library as a function `(module, exports, require)` with its own file name, `library:<name>.js`,
 * and hands a run the libraries of the flow's pinned version together with the script. A
 * library's top-level code runs under the run's rules (implicit globals go to the per-run store,
 * its time counts against the run); the module cache lives for one run.
 */

const $SyntaxError = SyntaxError;

/** WSO2's rule for library names (FunctionLibraryMgtUtil), bounded; `..` is refused separately. */
const LIBRARY_NAME = /^[A-Za-z0-9 ._-]{1,100}$/;

/**
 * A library as the host compiled it: its function, or the syntax error that kept it from
 * compiling (reported when a run requires it, as SCRIPT_SYNTAX).
 * @typedef {{
 *   readonly name: string, readonly source: string, readonly fn: Function | null,
 *   readonly syntax: { readonly message: string, readonly file: string, readonly line: number | null, readonly column: number | null } | null,
 * }} Library
 */

/** @type {Record<string, Library>} */
const NO_LIBRARIES = $freeze(bag());

/** The libraries of the run in progress: name -> library. @type {Record<string, Library>} */
let runLibraries = NO_LIBRARIES;

/** The run's module cache: name -> module, so a second require returns the same exports. @type {Record<string, { exports: unknown }>} */
let runModules = bag();

/** Errors thrown for a library that did not compile: a run that ends with one ends in SCRIPT_SYNTAX. */
const LIBRARY_SYNTAX_ERRORS = new WeakMap();

/**
 * Called by the host once per compiled library.
 * @param {string} name @param {string} source @param {unknown} fn @param {string | null} syntaxJson
 * @returns {Library}
 */
function makeLibrary(name, source, fn, syntaxJson) {
  if (typeof fn === 'function') {
    // Reachable from the library's own code (arguments.callee): nothing may be stashed on it.
    $freeze(fn);
    if (isObjectLike(fn.prototype)) $freeze(fn.prototype);
  }
  return $freeze({
    name,
    source,
    fn: typeof fn === 'function' ? fn : null,
    syntax: syntaxJson === null ? null : $freeze($parse(syntaxJson)),
  });
}

/**
 * Binds a compiled script and the libraries of its version to the entry: the host then runs a
 * flow with one call. Called by the host once per version.
 * @param {Function} scriptFn @param {string} namesJson @param {Library[]} libraries
 */
function bindRun(scriptFn, namesJson, ...libraries) {
  const names = $parse(namesJson);
  const table = bag();
  for (let i = 0; i < libraries.length; i++) table[names[i]] = libraries[i];
  $freeze(table);
  return function (/** @type {string} */ inputJson) {
    return runEntry(inputJson, scriptFn, table);
  };
}

/**
 * Runs `body` with the run's libraries and a fresh module cache, and forgets both afterwards.
 * @template T @param {Record<string, Library>} libraries @param {() => T} body @returns {T}
 */
function withLibraries(libraries, body) {
  runLibraries = libraries;
  runModules = bag();
  try {
    return body();
  } finally {
    runLibraries = NO_LIBRARIES;
    runModules = bag();
  }
}

/** @param {string} s */
function shortName(s) {
  return s.length > 100 ? s.slice(0, 100) + '…' : s;
}

/**
 * The library a name refers to, or null when the tenant has none by that name. Names are plain
 * names: a path (`/`, `\`, `..`) or anything outside WSO2's characters is refused.
 * @param {string} fn @param {unknown} name @returns {Library | null}
 */
function libraryNamed(fn, name) {
  if (typeof name !== 'string') throw new $TypeError(`${fn}: the library name must be a string, not ${describe(name)}`);
  if (name.includes('/') || name.includes('\\') || name.includes('..')) {
    throw new $Error(`${fn}: "${shortName(name)}" is a path; script libraries have plain names (no "/", "\\" or "..")`);
  }
  if ($apply($RegExpExec, LIBRARY_NAME, [name]) === null) {
    throw new $Error(`${fn}: "${shortName(name)}" is not a script library name (letters, digits, spaces, ".", "_" and "-"; 1 to 100 characters)`);
  }
  return $hasOwn(runLibraries, name) ? runLibraries[name] : null;
}

/** @param {Library} lib */
function librarySyntaxError(lib) {
  const s = /** @type {NonNullable<Library['syntax']>} */ (lib.syntax);
  const at = s.line === null ? s.file : `${s.file}:${s.line}:${s.column}`;
  const e = new $SyntaxError(`${s.message} (at ${at})`);
  LIBRARY_SYNTAX_ERRORS.set(e, { code: 'SCRIPT_SYNTAX', message: `SyntaxError: ${s.message} (at ${at})`, line: s.line, column: s.column });
  return e;
}

/** The error a run reports for a library that did not compile, or undefined. @param {unknown} e */
function librarySyntaxFailure(e) {
  return isObjectLike(e) ? LIBRARY_SYNTAX_ERRORS.get(/** @type {object} */ (e)) : undefined;
}

/**
 * Evaluates the tenant's library `name` (once per run) and returns its `module.exports`.
 * @param {unknown} name
 */
function require(name) {
  current();
  const lib = libraryNamed('require', name);
  if (lib === null) throw new $Error(`require: there is no script library named "${/** @type {string} */ (name)}"`);
  const key = lib.name;
  const cached = runModules[key];
  if (cached !== undefined) return cached.exports;
  if (lib.fn === null) throw librarySyntaxError(lib);
  const module = { exports: {} };
  // Cached before it runs, as CommonJS does: libraries that require each other get the exports
  // as far as they are built.
  runModules[key] = module;
  try {
    $apply(lib.fn, module.exports, [module, module.exports, require]);
  } catch (e) {
    delete runModules[key];
    throw e;
  }
  return module.exports;
}

/**
 * The source text of the tenant's library `name`; null (with an error log line) when there is
 * none, as in WSO2.
 * @param {unknown} name
 */
function loadLocalLibrary(name) {
  current();
  const lib = libraryNamed('loadLocalLibrary', name);
  if (lib === null) {
    log('error', `loadLocalLibrary: there is no script library named "${/** @type {string} */ (name)}"`);
    return null;
  }
  return lib.source;
}

installApi('require', require);
installApi('loadLocalLibrary', loadLocalLibrary);
