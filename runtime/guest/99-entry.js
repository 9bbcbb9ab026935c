// @ts-check
/*
 * The one entry point the host calls: a JSON string in, a JSON string out. Nothing else crosses.
 * The script arrives as the function the host compiled it into; it is frozen on first use, since
 * a script can reach it (arguments.callee, f.caller) and must not stash anything on it.
 */

lockDown();

/**
 * The last result, kept until the host takes it. isolated-vm reports a promise rejection that no
 * one handled (an un-awaited import(), an API call from a promise after the run) as an exception
 * of the whole call, after the entry has returned; the host then takes the finished run's result
 * from here instead of losing it.
 * @type {string | null}
 */
let lastResult = null;

function takeLastResult() {
  const r = lastResult;
  lastResult = null;
  return r;
}

/**
 * @param {string} inputJson @param {Function} scriptFn
 * @param {Record<string, Library>} [libraries] the script libraries of the version (76-libraries.js)
 * @returns {string}
 */
function runEntry(inputJson, scriptFn, libraries = NO_LIBRARIES) {
  lastResult = null;
  const text = withLibraries(libraries, () => runOnce(inputJson, scriptFn));
  lastResult = text;
  return text;
}

/** @param {string} inputJson @param {Function} scriptFn @returns {string} */
function runOnce(inputJson, scriptFn) {
  if (!$isFrozen(scriptFn)) {
    $freeze(scriptFn);
    if (isObjectLike(scriptFn.prototype)) $freeze(scriptFn.prototype);
  }
  let input;
  try {
    input = $parse(inputJson);
    beginRun(input);
  } catch (e) {
    endRun();
    return $stringify(fatalResult('INVALID_INPUT', describe(/** @type {any} */ (e)?.message ?? e)));
  }
  resetRunGlobals();
  const r = /** @type {RunState} */ (run);
  let outcome;
  try {
    outcome = r.input.hook !== undefined ? executeHook(scriptFn, r.input.hook) : executeFlow(scriptFn);
  } catch (e) {
    // Only a fault of the prelude itself lands here; report it rather than hide it.
    outcome = r.halt !== null ? haltOutcome(r.halt) : { kind: 'error', error: scriptError(e, 'SANDBOX_FAULT') };
  } finally {
    resetRunGlobals();
    endRun();
  }
  const result = {
    outcome,
    newCommands: r.commands.slice(r.applied.length),
    newLogs: r.newLogs,
    newEvents: r.newEvents,
    queuedNodes: r.queuedNodes,
  };
  let text;
  try {
    text = $stringify(result);
  } catch (e) {
    return $stringify(fatalResult('SANDBOX_FAULT', `the result could not be serialised: ${describe(/** @type {any} */ (e)?.message)}`));
  }
  if (text.length > CONFIG.resultBytes) {
    return $stringify(fatalResult('LIMIT_EXCEEDED', `the run's result is ${text.length} bytes, over the sandbox limit resultBytes (${CONFIG.resultBytes})`));
  }
  return text;
}

/** @param {string} code @param {string} message */
function fatalResult(code, message) {
  return {
    outcome: { kind: 'error', error: { code, message, line: null, column: null } },
    newCommands: [],
    newLogs: [],
    newEvents: [],
    queuedNodes: 0,
  };
}

