// @ts-check
/*
 * The state of one run, and the signals that stop it. A run replays a flow's journal: outcomes,
 * host reads and async results are taken from it in order; commands and logs that earlier runs
 * already produced are checked against what they produced (NONDETERMINISM otherwise) and not
 * handed out again.
 */

/**
 * A halt ends the run however much script code tries to catch it: it is thrown into the script,
 * remembered, and re-thrown by every later API call; the step queue acts on it once the script
 * returns. Kinds: 'suspend' (waiting for the host), 'limit', 'nondeterminism'. A script that
 * catches one holds it, so it is a deeply frozen plain object (whose prototype, Object.prototype,
 * is frozen too): nothing can rewrite it, hang getters on it or stash data on its class.
 * @typedef {{ readonly kind: string, readonly payload: any }} Halt
 */

/** @param {string} kind @param {any} payload @returns {Halt} */
function newHalt(kind, payload) {
  return $freeze({ kind, payload: deepFreeze(payload) });
}

/** @param {any} v */
function deepFreeze(v) {
  if (isObjectLike(v) && !$isFrozen(v)) {
    $freeze(v);
    for (const k of $ownKeys(v)) deepFreeze(v[k]);
  }
  return v;
}

/** @param {string} limit @param {string} message */
function limitError(limit, message) {
  return haltWith(newHalt('limit', { code: 'LIMIT_EXCEEDED', message, limit }));
}

/** @param {string} message */
function nondeterminism(message) {
  return haltWith(newHalt('nondeterminism', { code: 'NONDETERMINISM', message }));
}

/** Records the halt on the current run (the first one wins) and returns it for throwing. @param {Halt} h */
function haltWith(h) {
  if (run !== null && run.halt === null) run.halt = h;
  return run !== null && run.halt !== null ? run.halt : h;
}

/**
 * @typedef {{
 *   input: any, events: any[], cursor: number, newEvents: any[],
 *   commands: any[], applied: any[], logCount: number, logBytes: number, newLogs: any[],
 *   hostCalls: number, queuedNodes: number, asyncCalls: number, halt: Halt | null,
 *   collector: any[] | null, context: any, stepState: any,
 * }} RunState
 */

/** @type {RunState | null} */
let run = null;

/** The state of the run in progress; an API call made outside any run (a leftover promise) fails. */
function current() {
  if (run === null) throw new $TypeError('the login script API was called after its run had ended');
  if (run.halt !== null) throw run.halt;
  return run;
}

/** @param {any} input @returns {RunState} */
function beginRun(input) {
  const events = input.journal;
  if (!$isArray(events) || events.length === 0 || events[0].kind !== 'started') {
    throw new $TypeError('the journal must start with a "started" event');
  }
  if (events.length > CONFIG.journalEvents) {
    throw new $RangeError(`the journal has ${events.length} events, over the sandbox limit journalEvents (${CONFIG.journalEvents})`);
  }
  clockMs = events[0].at;
  seedRandom(events[0].seed);
  run = {
    input,
    events,
    cursor: 1,
    newEvents: [],
    commands: [],
    applied: input.appliedCommands || [],
    logCount: 0,
    logBytes: 0,
    newLogs: [],
    hostCalls: 0,
    queuedNodes: 0,
    asyncCalls: 0,
    halt: null,
    collector: null,
    context: null,
    stepState: null,
  };
  return run;
}

function endRun() {
  run = null;
}

/** The next journal event, consumed, moving the clock to its time; or null at the journal's end. */
function takeEvent() {
  const r = current();
  if (r.cursor >= r.events.length) return null;
  const ev = r.events[r.cursor++];
  clockMs = ev.at;
  return ev;
}

/** @param {any} ev */
function describeEvent(ev) {
  switch (ev.kind) {
    case 'step': return `the outcome "${ev.outcome}" of step ${ev.step}`;
    case 'prompt': return `the answer "${ev.action}" to a prompt`;
    case 'async': return `the result "${ev.outcome}" of an async call`;
    case 'read': return `the answer to ${ev.call}(${$stringify(ev.args)})`;
    default: return `a "${ev.kind}" event`;
  }
}

/**
 * A read from outside the sandbox (the user store and the like): from the journal on replay,
 * otherwise from the host, and then recorded.
 * @param {string} call @param {any} args
 */
function hostRead(call, args) {
  const r = current();
  if (r.input.hook !== undefined) throw new $TypeError(`${call} is not available in a provisioning hook`);
  const plainArgs = toPlain(args, `the arguments of ${call}`);
  if (r.cursor < r.events.length) {
    const ev = r.events[r.cursor];
    if (ev.kind !== 'read' || ev.call !== call || $stringify(ev.args) !== $stringify(plainArgs)) {
      throw nondeterminism(
        `journal event #${r.cursor} holds ${describeEvent(ev)}, but the script now calls ${call}(${$stringify(plainArgs)})`,
      );
    }
    r.cursor++;
    return ev.result;
  }
  if (++r.hostCalls > CONFIG.hostCallsPerRun) {
    throw limitError('hostCallsPerRun', `the script called the host more than ${CONFIG.hostCallsPerRun} times in one run (sandbox limit hostCallsPerRun)`);
  }
  if (r.events.length >= CONFIG.journalEvents) {
    throw limitError('journalEvents', `the flow's journal is full (${CONFIG.journalEvents} events, sandbox limit journalEvents)`);
  }
  const request = $stringify({ call, args: plainArgs });
  const answer = $parse(HOST_CALL(request));
  if (answer.kind === 'pending') {
    throw haltWith(newHalt('suspend', { kind: 'read', call, args: plainArgs }));
  }
  if (answer.kind === 'error') throw new $Error(`${call} failed: ${answer.message}`);
  const ev = { kind: 'read', at: clockMs, call, args: plainArgs, result: answer.value };
  r.events[r.events.length] = ev;
  r.newEvents[r.newEvents.length] = ev;
  r.cursor++;
  return answer.value;
}

/** A side effect, applied by the host once. Replay checks it against what was applied. @param {any} command */
function emit(command) {
  const r = current();
  if (r.input.hook !== undefined) throw new $TypeError(`a provisioning hook cannot change anything but the account (${command.kind} refused)`);
  const i = r.commands.length;
  if (i < r.applied.length) {
    const before = $stringify(comparable(r.applied[i]));
    const now = $stringify(comparable(command));
    if (before !== now) {
      throw nondeterminism(`command #${i} was ${before} when the flow ran before, but the script now produces ${now}`);
    }
  } else if (i >= CONFIG.commandsPerFlow) {
    throw limitError('commandsPerFlow', `the flow produced more than ${CONFIG.commandsPerFlow} commands (sandbox limit commandsPerFlow)`);
  }
  r.commands[i] = command;
}

/**
 * A command as replay compares it. The host keeps no password it applied (the journal's copy of
 * an updateUserPassword command holds a placeholder), so the password is left out on both sides.
 * @param {any} command
 */
function comparable(command) {
  if (command === null || typeof command !== 'object' || command.kind !== 'updateUserPassword') return command;
  return { ...command, password: '[redacted]' };
}

/** @param {'debug'|'info'|'warn'|'error'} level @param {string} message */
function log(level, message) {
  const r = current();
  const index = r.logCount++;
  r.logBytes += message.length;
  if (r.logCount > CONFIG.logLinesPerFlow) {
    throw limitError('logLinesPerFlow', `the flow logged more than ${CONFIG.logLinesPerFlow} lines (sandbox limit logLinesPerFlow)`);
  }
  if (r.logBytes > CONFIG.logBytesPerFlow) {
    throw limitError('logBytesPerFlow', `the flow logged more than ${CONFIG.logBytesPerFlow} bytes (sandbox limit logBytesPerFlow)`);
  }
  // Replays repeat every log line; only lines past what earlier runs emitted are new.
  if (index >= (r.input.emittedLogs || 0)) r.newLogs[r.newLogs.length] = { level, message };
}

function countQueuedNode() {
  const r = current();
  if (++r.queuedNodes > CONFIG.queuedNodesPerFlow) {
    throw limitError('queuedNodesPerFlow', `the flow queued more than ${CONFIG.queuedNodesPerFlow} steps, prompts and calls (sandbox limit queuedNodesPerFlow)`);
  }
}
