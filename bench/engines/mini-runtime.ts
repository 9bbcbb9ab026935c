/**
 * The baselines' runtime: the least code that runs the template the way authscript does, shared
 * word for word by ivm_fresh_context, node_vm_fresh_context and plain_call so that only the engine
 * differs. It parses the run input (a JSON string, as authscript's entry gets), gives the script
 * executeStep / hasAnyOfTheRoles / Log with fresh state, calls onLoginRequest, replays step 1 from
 * the journal into its onSuccess callback, and answers with what the flow waits for (a JSON
 * string). hasAnyOfTheRoles asks the host for the user's roles synchronously; Log.info hands the
 * line to the host. There is no hardening, no replay checks and no limits beyond what the engine
 * itself provides.
 */

/** Defines __authRun(inputJson, hostGetRolesOfUser, hostLog, scriptFactory) -> result JSON. */
const MINI_RUNTIME = String.raw`
function __authRun(inputJson, hostGetRolesOfUser, hostLog, scriptFactory) {
  var input = JSON.parse(inputJson);
  var journal = input.journal;
  var cursor = 1;
  var queue = [];
  var subject = null;
  function executeStep(step, callbacks) {
    queue.push({ step: step, callbacks: callbacks || {} });
  }
  function hasAnyOfTheRoles(user, roles) {
    var have = hostGetRolesOfUser(user.username);
    for (var i = 0; i < roles.length; i++) if (have.indexOf(roles[i]) >= 0) return true;
    return false;
  }
  var Log = { info: function (message) { hostLog('info', String(message)); } };
  var context = { get currentKnownSubject() { return subject; } };
  var onLoginRequest = scriptFactory(executeStep, hasAnyOfTheRoles, Log);
  onLoginRequest(context);
  while (queue.length > 0) {
    var node = queue.shift();
    if (cursor >= journal.length) return JSON.stringify({ kind: 'waiting', step: node.step });
    var ev = journal[cursor++];
    if (ev.kind !== 'step' || ev.step !== node.step) throw new Error('the journal does not fit the script');
    if (ev.outcome === 'success') subject = ev.subject;
    var handler = node.callbacks[ev.outcome === 'success' ? 'onSuccess' : 'onFail'];
    if (typeof handler === 'function') {
      var waiting = queue;
      queue = [];
      handler(context);
      queue = queue.concat(waiting);
    }
  }
  return JSON.stringify({ kind: 'success' });
}
`;

/** The tenant's script as a function of the API; its top-level declarations are fresh per call. */
function scriptFactory(source: string): string {
  return `function (executeStep, hasAnyOfTheRoles, Log) {\n${source}\n;return onLoginRequest;\n}`;
}

/**
 * For a fresh context: a script whose completion value is the result, reading the input and the
 * two host functions from globals the host installs (__input, __host_getRolesOfUser, __host_log).
 */
export function contextScript(source: string): string {
  return `${MINI_RUNTIME}\n__authRun(__input, __host_getRolesOfUser, __host_log, ${scriptFactory(source)});\n`;
}

/** For a plain call: the body of a function (inputJson, getRolesOfUser, log) returning the result. */
export function functionBody(source: string): string {
  return `${MINI_RUNTIME}\nreturn __authRun(inputJson, getRolesOfUser, log, ${scriptFactory(source)});\n`;
}

/** The result the mini runtime hands back. */
export function waitingStep(resultJson: unknown): number | null {
  if (typeof resultJson !== 'string') return null;
  const r = JSON.parse(resultJson) as { kind?: unknown; step?: unknown };
  return r.kind === 'waiting' && typeof r.step === 'number' ? r.step : null;
}
