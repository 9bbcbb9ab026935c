// @ts-check
/*
 * JIT provisioning hooks: `onProvisioningRequest(context, request)` runs before a federated user
 * is created (it may change `request.user` or call `request.deny(reason)`), and
 * `onUserProvisioned(context, user)` after. The host runs one when provisioning happens; the
 * context is the flow's as the journal left it, rebuilt without running any callback again. A
 * hook can read and log; queueing steps, emitting commands and host reads are refused, so a hook
 * cannot disturb the flow's replay.
 */

/** @param {Function} scriptFn @param {{ name: string, request: any }} hook */
function executeHook(scriptFn, hook) {
  const r = /** @type {RunState} */ (run);
  r.stepState = newStepState(r.input.application);
  for (let i = 1; i < r.events.length; i++) {
    const ev = r.events[i];
    clockMs = ev.at;
    if (ev.kind === 'step') recordStep({ step: ev.step, markAsSubjectIdentifierStep: false, markAsSubjectAttributeStep: false }, ev);
  }
  r.cursor = r.events.length;
  r.context = contextObject();

  /** @type {any} */
  let entries = null;
  const loaded = runScriptCode(() => {
    entries = scriptFn();
  });
  if ('outcome' in loaded) return loaded.outcome;
  const fn = entries[hook.name === 'onProvisioningRequest' ? 1 : 2];
  if (typeof fn !== 'function') return { kind: 'hook', defined: false, denied: null, user: null };

  const input = hook.request;
  /** @type {string | null} */
  let denied = null;
  /** @type {any} */
  let arg;
  if (hook.name === 'onProvisioningRequest') {
    arg = {
      idp: input.idp,
      subject: input.subject,
      remoteClaims: fromJson(input.remoteClaims),
      user: fromJson(input.user),
      deny: function deny(/** @type {unknown} */ reason) {
        denied = reason === undefined || reason === null ? 'denied by the provisioning hook' : describe(reason);
      },
    };
  } else {
    arg = fromJson(input.user);
  }
  r.collector = null; // flow functions throw in hooks: there is no queue to add to
  try {
    $apply(fn, undefined, [r.context, arg]);
  } catch (e) {
    if (r.halt !== null) return haltOutcome(r.halt);
    return { kind: 'error', error: scriptError(e) };
  }
  if (r.halt !== null) return haltOutcome(r.halt);
  if (hook.name !== 'onProvisioningRequest') return { kind: 'hook', defined: true, denied: null, user: null };
  const user = toPlain(arg.user, 'request.user');
  return { kind: 'hook', defined: true, denied, user: isMap(user) ? user : null };
}
