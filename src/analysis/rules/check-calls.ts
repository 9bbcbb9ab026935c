/**
 * Calls: unknown functions (with "did you mean"), names that do not exist in login scripts,
 * WSO2's restricted functions, wrong arity, executeStep's step ids and its options-as-callbacks
 * trap, unknown callback event names, `fail()` outside callbacks (WSO2 binds it only there), and
 * `..` or `/` in require.
 */
import type * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { API_FUNCTIONS, API_OBJECTS, isKnownGlobal, NOT_AVAILABLE, RESTRICTED, STANDARD_GLOBALS } from '../api-catalog.js';
import { diagnostic, type Diagnostic } from '../diagnostic.js';
import type { AnalysisContext } from '../analyze.js';
import { calleeName, closest, objectKeys, type CallSite, type Node, type ScriptModel } from '../script-model.js';

const STEP_OPTION_KEYS = new Set(['authenticationOptions', 'authenticatorParams', 'stepOptions']);

export function checkCalls(model: ScriptModel, ctx: AnalysisContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const site of model.calls) out.push(...checkCall(site, model, ctx));
  for (const n of newExpressions(model.ast)) {
    if (n.callee.type === 'Identifier' && n.callee.name in NOT_AVAILABLE && !model.declared.has(n.callee.name)) {
      out.push(diagnostic('error', 'NOT_AVAILABLE', `${n.callee.name} is not available: ${NOT_AVAILABLE[n.callee.name]}`, n.callee));
    }
  }
  return out;
}

function checkCall(site: CallSite, model: ScriptModel, ctx: AnalysisContext): Diagnostic[] {
  const call = site.node;
  const name = calleeName(call);
  if (name === null) return [];
  const out: Diagnostic[] = [];
  if (name.includes('.')) {
    const [object, member] = name.split('.') as [string, string];
    const members = API_OBJECTS[object];
    if (members === undefined || model.declared.has(object) || members.length === 0) return out;
    if (!members.includes(member)) {
      const guess = closest(member, members);
      out.push(diagnostic('error', 'UNKNOWN_FUNCTION', `${name} is not a function of ${object}${guess ? `: did you mean ${object}.${guess}?` : ` (it has ${members.join(', ')})`}`, call.callee));
    } else if (object === 'Log' && member === 'warn') {
      out.push(diagnostic('info', 'WSO2_PORTABILITY', 'Log.warn is authscript\u2019s: WSO2 has no Log.warn (use Log.info or Log.error there)', call.callee));
    } else if (object === 'console') {
      out.push(diagnostic('info', 'WSO2_PORTABILITY', `${name} is authscript\u2019s: WSO2 has no console (use Log there)`, call.callee));
    }
    return out;
  }
  if (model.declared.has(name)) return out;
  if (name in NOT_AVAILABLE) return [diagnostic('error', 'NOT_AVAILABLE', `${name} is not available: ${NOT_AVAILABLE[name]}`, call.callee)];
  if (RESTRICTED.includes(name)) return [diagnostic('warning', 'RESTRICTED_FUNCTION', `${name} is restricted in WSO2 and here: it only logs "${name} function is restricted."`, call.callee)];
  const api = API_FUNCTIONS[name];
  if (api === undefined) {
    if (isKnownGlobal(name)) return out;
    const guess = closest(name, [...Object.keys(API_FUNCTIONS), ...model.declared, ...STANDARD_GLOBALS]);
    const legacy = name === 'hasAnyOfTheGroups' ? ' (WSO2 never registered it: use isMemberOfAnyOfGroups)' : name === 'getUserWithClaimValues' ? ' (use getUniqueUserWithClaimValues)' : '';
    return [diagnostic('error', 'UNKNOWN_FUNCTION', `${name} is not defined${legacy || (guess ? `: did you mean ${guess}?` : '')}`, call.callee)];
  }
  const args = call.arguments;
  if (args.length < api.min || args.length > api.max) {
    const want = api.min === api.max ? `${api.min}` : `${api.min} to ${api.max}`;
    out.push(diagnostic('error', 'WRONG_ARITY', `${name} takes ${want} argument${api.max === 1 ? '' : 's'}, not ${args.length}`, call));
  }
  if (name === 'executeStep') out.push(...checkExecuteStep(call, model, ctx));
  if (name === 'fail' && !insideCallback(site)) {
    out.push(diagnostic('info', 'WSO2_PORTABILITY', 'fail() outside a callback works here, but WSO2 (GraalJS) binds fail only inside callbacks', call.callee));
  }
  if ((name === 'require' || name === 'loadLocalLibrary') && args[0]?.type === 'Literal' && typeof args[0].value === 'string' && /\.\.|[/\\]/.test(args[0].value)) {
    out.push(diagnostic('error', 'REQUIRE_PATH', `${name}("${args[0].value}"): script libraries have plain names; paths ("..", "/") are refused`, args[0]));
  }
  const callbacks = api.callbacks;
  const last = args[args.length - 1];
  if (callbacks !== undefined && last?.type === 'ObjectExpression' && !(name === 'executeStep' && isOptionsObject(last) && args.length === 2)) {
    for (const key of objectKeys(last)) {
      if (callbacks.events.includes(key.name) || (callbacks.anyOn === true && /^on[A-Z]/.test(key.name))) continue;
      const guess = closest(key.name, callbacks.events);
      out.push(diagnostic('warning', 'UNKNOWN_EVENT', `${key.name} is not an event of ${name}: it never runs${guess ? ` (did you mean ${guess}?)` : ` (events: ${callbacks.events.join(', ')})`}`, key.node));
    }
  }
  return out;
}

function isOptionsObject(node: Node): boolean {
  return objectKeys(node).some((k) => STEP_OPTION_KEYS.has(k.name));
}

function checkExecuteStep(call: acorn.CallExpression, model: ScriptModel, ctx: AnalysisContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const [first, second] = call.arguments;
  if (first?.type === 'Literal') {
    if (typeof first.value !== 'number' || !Number.isInteger(first.value)) {
      out.push(diagnostic('error', 'WRONG_ARGUMENT', `executeStep needs the step number, not ${JSON.stringify(first.value)}`, first));
    } else if (ctx.application !== undefined && (first.value < 1 || first.value > ctx.application.steps.length)) {
      out.push(diagnostic('error', 'UNKNOWN_STEP', `step ${first.value} is not in the application (it has ${ctx.application.steps.length} step${ctx.application.steps.length === 1 ? '' : 's'}): the call is ignored`, first));
    }
  }
  if (call.arguments.length === 2 && second !== undefined && second.type === 'ObjectExpression' && isOptionsObject(second)) {
    const end = second.loc!.end;
    out.push(
      diagnostic('error', 'OPTIONS_AS_CALLBACKS', 'with one object after the step number, WSO2 takes it as the callbacks, so these options are ignored: pass {} as the callbacks', second, {
        title: 'Add {} as the callbacks',
        edits: [{ line: end.line, column: end.column, endLine: end.line, endColumn: end.column, text: ', {}' }],
      }),
    );
  }
  void model;
  return out;
}

/** Whether the call runs inside a function that is a callback of the API (a property of a callbacks map). */
function insideCallback(site: CallSite): boolean {
  const a = site.ancestors;
  for (let i = a.length - 1; i > 0; i--) {
    const n = a[i]!;
    if (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') {
      const parent = a[i - 1]!;
      if (parent.type === 'Property') return true;
    }
  }
  return false;
}

function newExpressions(ast: acorn.Program): acorn.NewExpression[] {
  const out: acorn.NewExpression[] = [];
  walk.simple(ast, { NewExpression: (n) => out.push(n as acorn.NewExpression) });
  return out;
}
