// @ts-check
/*
 * The step queue: runs the nodes a script queued, in WSO2's order, feeding each one its outcome
 * from the journal. Nodes queued inside a callback run before the nodes that were waiting after it
 * (WSO2 "infuses" them into the graph). At the first node whose outcome the journal lacks, the run
 * stops and reports what the flow waits for.
 */

const STEP_HANDLERS = bag();
STEP_HANDLERS.success = 'onSuccess';
STEP_HANDLERS.fail = 'onFail';
STEP_HANDLERS.fallback = 'onFallback';
STEP_HANDLERS.abort = 'onUserAbort';

/** @param {unknown} e @returns {{ code: string, message: string, line: number|null, column: number|null }} */
function scriptError(e, code = 'SCRIPT_RUNTIME') {
  let message = 'the script threw a value that could not be read';
  let stack = '';
  try {
    if (isObjectLike(e)) {
      const name = /** @type {any} */ (e).name;
      const msg = /** @type {any} */ (e).message;
      const st = /** @type {any} */ (e).stack;
      message = typeof msg === 'string' ? (typeof name === 'string' && name !== '' ? `${name}: ${msg}` : msg) : describe(e);
      if (typeof st === 'string') stack = st;
    } else {
      message = `the script threw ${describe(e)}`;
    }
  } catch {
    // A throwing getter on the error: keep the generic message.
  }
  if (code === 'SCRIPT_RUNTIME') {
    const syntax = librarySyntaxFailure(e);
    if (syntax !== undefined) return syntax;
  }
  // The innermost frame of the admin's code: the script's, or a library's (then named in the message).
  const where = $apply($RegExpExec, /[\s(](script\.js|library:[A-Za-z0-9 ._-]+):(\d+):(\d+)/, [stack]);
  if (message.length > 2000) message = message.slice(0, 2000) + '…';
  if (where && where[1] !== 'script.js') message += ` (at ${where[1]}:${where[2]}:${where[3]})`;
  return {
    code,
    message,
    line: where ? $Number(where[2]) : null,
    column: where ? $Number(where[3]) : null,
  };
}

/** @param {Halt} h */
function haltOutcome(h) {
  if (h.kind === 'suspend') return { kind: 'waiting', waiting: h.payload };
  return { kind: 'error', error: { code: h.payload.code, message: h.payload.message, line: null, column: null } };
}

/**
 * Runs script code with a fresh collector. Returns the nodes it queued, or an outcome that ends
 * the run (a script error, or a halt the code may have tried to swallow).
 * @param {() => unknown} body
 * @returns {{ nodes: any[] } | { outcome: any }}
 */
function runScriptCode(body) {
  const r = /** @type {RunState} */ (run);
  const saved = r.collector;
  r.collector = [];
  try {
    body();
  } catch (e) {
    r.collector = saved;
    if (r.halt !== null) return { outcome: haltOutcome(r.halt) };
    return { outcome: { kind: 'error', error: scriptError(e) } };
  }
  const nodes = r.collector;
  r.collector = saved;
  if (r.halt !== null) return { outcome: haltOutcome(r.halt) };
  return { nodes };
}

/**
 * @param {string} code @param {string} message
 * @param {{url: string|null, params: any} | null} [redirect] @param {any} [params]
 */
function failOutcome(code, message, redirect = null, params = null) {
  return { kind: 'fail', code, message, redirect, params };
}

/** @param {any} node */
function waitingFor(node) {
  switch (node.kind) {
    case 'step':
      return {
        kind: 'waiting',
        waiting: {
          kind: 'step',
          step: node.step,
          options: node.options,
          authenticatorParams: node.authenticatorParams,
          stepOptions: { forceAuth: node.forceAuth, skipPrompt: node.skipPrompt },
        },
      };
    case 'prompt':
      return { kind: 'waiting', waiting: { kind: 'prompt', templateId: node.templateId, data: node.data } };
    case 'async':
      return { kind: 'waiting', waiting: { kind: 'async', call: node.call, args: node.args } };
  }
  throw new $TypeError(`no outcome is awaited for a ${node.kind} node`);
}

/** @param {any} node @returns {string} */
function describeNode(node) {
  switch (node.kind) {
    case 'step': return `the outcome of step ${node.step}`;
    case 'prompt': return `the answer to prompt "${node.templateId}"`;
    case 'async': return `the result of ${node.call}`;
  }
  return node.kind;
}

/**
 * The journal's outcome for this node, null when the journal has none yet, or a halt when the
 * journal holds something else at this point (the script no longer does what it did).
 * @param {any} node
 */
function outcomeFor(node) {
  const r = /** @type {RunState} */ (run);
  if (r.cursor >= r.events.length) return null;
  const ev = r.events[r.cursor];
  const fits = ev.kind === node.kind && (node.kind !== 'step' || ev.step === node.step);
  if (!fits) {
    nondeterminism(`journal event #${r.cursor} holds ${describeEvent(ev)}, but the script now waits for ${describeNode(node)}`);
    return null;
  }
  return takeEvent();
}

/** Records a step's outcome in the model the context reads. @param {any} node @param {any} ev */
function recordStep(node, ev) {
  const s = /** @type {RunState} */ (run).stepState;
  if (ev.outcome === 'success') {
    s.executed[node.step] = { idp: ev.idp, authenticator: ev.authenticator, subject: ev.subject };
    s.succeeded[s.succeeded.length] = node.step;
    s.authenticated[s.authenticated.length] = { idp: ev.idp, authenticator: ev.authenticator };
    if (node.markAsSubjectIdentifierStep) s.subjectStep = node.step;
    if (node.markAsSubjectAttributeStep) s.attributeStep = node.step;
  } else if (ev.outcome === 'fail' && ev.subject !== null) {
    s.lastFailedUser = ev.subject;
  }
}

/** The step whose user is the flow's subject (or attributes): the flagged one if it succeeded, else the last. */
function finalStep(/** @type {number|null} */ flagged) {
  const s = /** @type {RunState} */ (run).stepState;
  if (flagged !== null && s.executed[flagged] !== undefined) return flagged;
  return s.succeeded.length > 0 ? s.succeeded[s.succeeded.length - 1] : null;
}

/** @param {Function} scriptFn the script compiled as a function returning its entry points */
function executeFlow(scriptFn) {
  const r = /** @type {RunState} */ (run);
  r.stepState = newStepState(r.input.application);
  r.context = contextObject();

  /** @type {any} */
  let entries = null;
  const loaded = runScriptCode(() => {
    entries = scriptFn();
  });
  if ('outcome' in loaded) return loaded.outcome;
  const onLoginRequest = entries[0];
  if (typeof onLoginRequest !== 'function') {
    return { kind: 'error', error: { code: 'NO_ENTRY_POINT', message: 'onLoginRequest function is not defined', line: null, column: null } };
  }
  const started = runScriptCode(() => onLoginRequest(r.context));
  if ('outcome' in started) return started.outcome;
  let queue = [...loaded.nodes, ...started.nodes];
  if (queue.length === 0) {
    return { kind: 'error', error: { code: 'NO_STEPS', message: 'onLoginRequest queued no step, prompt or other action, so the login cannot go on', line: null, column: null } };
  }

  for (;;) {
    if (queue.length === 0) {
      if (r.cursor < r.events.length) {
        nondeterminism(`the flow ended, but the journal still holds ${r.events.length - r.cursor} event(s) from #${r.cursor} on (${describeEvent(r.events[r.cursor])})`);
        return haltOutcome(/** @type {Halt} */ (r.halt));
      }
      const s = r.stepState;
      return { kind: 'success', subjectStep: finalStep(s.subjectStep), attributeStep: finalStep(s.attributeStep) };
    }
    const node = queue.shift();
    if (node.kind === 'fail') {
      const p = node.params;
      const code = typeof p.errorCode === 'string' && p.errorCode !== '' && p.errorCode.length <= 200 ? p.errorCode : 'AUTHENTICATION_FAILED';
      const message = typeof p.errorMessage === 'string' ? p.errorMessage : 'the script failed the login';
      return failOutcome(code, message, null, stringMap(p));
    }
    if (node.kind === 'sendError') {
      return failOutcome('SEND_ERROR', 'the script sent the user to an error page', { url: node.url, params: node.params });
    }
    if (node.kind === 'step') r.stepState.current = node.step;
    if (node.kind === 'prompt' && node.preHandler !== undefined) {
      // A prompt with a preHandler (promptIdentifierForStep) asks it first; `true` skips the
      // prompt and runs onSkip instead. Its reads are journaled, so replay decides the same.
      const pre = runPreHandler(node);
      if ('outcome' in pre) return pre.outcome;
      if (pre.skip) {
        const onSkip = node.callbacks.onSkip;
        if (onSkip === undefined) continue;
        const ran = runScriptCode(() => $apply(onSkip, undefined, [r.context]));
        if ('outcome' in ran) return ran.outcome;
        queue = [...ran.nodes, ...queue];
        continue;
      }
    }
    const ev = outcomeFor(node);
    if (r.halt !== null) return haltOutcome(r.halt);
    if (ev === null) return waitingFor(node);

    let handler;
    /** @type {unknown[]} */
    let args = [r.context];
    if (node.kind === 'step') {
      recordStep(node, ev);
      handler = node.callbacks[STEP_HANDLERS[ev.outcome]];
      if (ev.outcome === 'fail' && handler === undefined) return stepFailure(node, ev);
    } else {
      const name = node.kind === 'prompt' ? promptHandlerName(ev.action) : ev.outcome;
      handler = node.callbacks[name];
      args = [r.context, fromJson(ev.data)];
    }
    if (handler === undefined) continue; // no handler for this outcome: go on
    const ran = runScriptCode(() => $apply(handler, undefined, args));
    if ('outcome' in ran) return ran.outcome;
    // After onFail, a flow with nothing left to run fails (WSO2 turns its EndStep into a FailNode).
    if (node.kind === 'step' && ev.outcome === 'fail' && ran.nodes.length === 0 && queue.length === 0) {
      return stepFailure(node, ev);
    }
    queue = [...ran.nodes, ...queue];
  }
}

/**
 * Runs a prompt's preHandler with (step, context); only a boolean `true` skips the prompt, as in
 * WSO2. A preHandler decides; steps or prompts it queues are dropped with an error log.
 * @param {any} node @returns {{ skip: boolean } | { outcome: any }}
 */
function runPreHandler(node) {
  const r = /** @type {RunState} */ (run);
  let result;
  const ran = runScriptCode(() => {
    result = $apply(node.preHandler, undefined, [node.data.step, r.context]);
  });
  if ('outcome' in ran) return ran;
  if (ran.nodes.length > 0) log('error', `the preHandler of prompt "${node.templateId}" queued ${ran.nodes.length} step(s) or call(s); a preHandler only decides whether to skip the prompt, so they were ignored`);
  return { skip: result === true };
}

/** @param {any} node @param {any} ev */
function stepFailure(node, ev) {
  if (ev.reason !== null && ev.reason !== undefined) return failOutcome(ev.reason.code, ev.reason.message);
  return failOutcome('STEP_FAILED', `step ${node.step} failed`);
}

/** 'success' -> onSuccess, 'retry' -> onRetry. @param {string} action */
function promptHandlerName(action) {
  return action === '' ? 'onSuccess' : 'on' + action[0].toUpperCase() + action.slice(1);
}

/** Journal data handed to a callback: a fresh copy the script may change freely. @param {any} data */
function fromJson(data) {
  return $parse($stringify(data));
}

/** @param {any} p */
function stringMap(p) {
  const out = {};
  for (const k of $ownKeys(p)) {
    if (typeof k === 'string') $defineProperty(out, k, { value: stringValue(p[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
