/**
 * The durable login-flow engine. A flow is a row: the request snapshot, the pinned script
 * version, and the journal. `start` and `advance` load the flow, append what happened (a step's
 * verdict, a prompt answer, an async result), and run the script against the whole journal in
 * the sandbox until it waits for the outside world again or ends. Host reads the script makes
 * are answered from the store and journaled; commands are applied once, past what earlier runs
 * applied. Nothing lives in memory between calls, so any process can advance any flow.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  ApplicationSnapshotInput,
  RunError,
  Command,
  HostAnswer,
  HostCall,
  Json,
  JournalEvent,
  RequestSnapshotInput,
  UserSnapshot,
} from '../../runtime/protocol.js';
import { ApplicationSnapshotSchema, RequestSnapshotSchema } from '../../runtime/protocol.js';
import type { RunRequest, RunResult } from '../../runtime/host/sandbox.js';
import { localSnapshot } from '../authenticators/simulated.js';
import type { Credentials, Reason, StepAttempt, StepAuthenticator, StepOutcome, StepVerdict } from '../authenticators/types.js';
import { ConnectionSchema, type Connection, type ConnectionInput } from '../provisioning/connection.js';
import { provision, remoteClaimStrings, type HookFailure, type ProvisionAnswers, type ProvisioningHooks } from '../provisioning/provision.js';
import type { UserStore } from '../provisioning/user-stores.js';
import type { FlowRecord, FlowWaiting, LocalUser, Store } from '../store/types.js';
import { FlowError } from './flow-error.js';
import { answerRead, answerReadSync } from './host-reads.js';
import { applyCommand } from './apply-command.js';
import type { AsyncOutcome } from './outbound-http.js';

/** Runs a script against a journal: the sandbox, in process or through a pool. */
export interface ScriptRunner {
  run(request: RunRequest): RunResult;
}

export interface FlowEngineOptions {
  readonly runner: ScriptRunner;
  readonly store: Store;
  readonly authenticator: StepAuthenticator;
  /** The flow's clock (epoch ms); the simulator fixes it. */
  readonly clock?: () => number;
  /**
   * Performs async calls (httpGet, httpPost) at once; without it the flow waits for their result
   * as an interaction (the simulator's scenarios supply them).
   */
  readonly asyncCalls?: AsyncCaller;
  /** The tenant's user stores and their policies (PRIMARY with default policies when absent). */
  readonly userStores?: (tenant: string) => readonly UserStore[];
  /**
   * The server's cookie key (at least 32 bytes) that setCookie signs and encrypts with and
   * getCookieValue checks with. Without it, signed or encrypted cookies are neither set nor read.
   */
  readonly cookieKey?: Buffer;
  /**
   * The tenant's script libraries (name -> source) that `require` / `loadLocalLibrary` load. A
   * flow keeps the set it started with for all its runs (they are part of its pinned version).
   */
  readonly libraries?: (tenant: string) => Readonly<Record<string, string>>;
}

export interface AsyncCaller {
  /** The call's result, or null to leave it to the caller of the flow API (an interaction). */
  call(tenant: string, call: string, args: Json): Promise<AsyncOutcome | null>;
}

export interface StartFlow {
  readonly tenant: string;
  readonly application: ApplicationSnapshotInput;
  readonly connections?: readonly ConnectionInput[];
  readonly source: string;
  readonly request?: RequestSnapshotInput;
}

export type FlowInteraction =
  | {
      readonly kind: 'step';
      readonly step: number;
      readonly idp: string;
      readonly authenticator: string;
      /**
       * What the caller saw (default success): an abort or a fallback the user chose, a federated
       * step's result. For a local authenticator with credentials, success means "check these": the
       * authenticator decides.
       */
      readonly outcome?: StepOutcome | undefined;
      /** What the user typed for a local authenticator (username and password, a one-time code). */
      readonly credentials?: Credentials | undefined;
      /** The simulator's fields (credentials.username / credentials.password win over them). */
      readonly username?: string | undefined;
      readonly password?: string | undefined;
      readonly subject?: string | undefined;
      readonly claims?: Readonly<Record<string, Json>> | undefined;
    }
  | { readonly kind: 'prompt'; readonly action: string; readonly data: Readonly<Record<string, Json>> }
  | { readonly kind: 'async'; readonly outcome: 'onSuccess' | 'onFail' | 'onTimeout'; readonly data: Readonly<Record<string, Json>> }
  | { readonly kind: 'provisioning'; readonly answers: ProvisionAnswers };

export interface AdvanceOptions {
  /**
   * The caller's idempotency key and a fingerprint of its request: the flow keeps what this call
   * answered, saved with the flow itself, so a retry can be answered the same (FlowRecord.receipts).
   */
  readonly receipt?: { readonly key: string; readonly fingerprint: string };
  /**
   * The flow as the caller just read it from the store (to check whose it is), so the engine does
   * not read it again. The save still fails if another request saved it since (its revision).
   */
  readonly loaded?: FlowRecord;
}

/** Asks the option a step waits for to start (or repeat) its challenge: send an email code, offer a TOTP enrolment. */
export interface ChallengeRequest {
  readonly step: number;
  readonly idp: string;
  readonly authenticator: string;
  /** Who to challenge when no earlier step identified the user (an email OTP first factor). */
  readonly username?: string | undefined;
}

export interface FlowChallenge {
  readonly flow: FlowRecord;
  /** What the user needs (where the code went, a TOTP enrolment's secret and URI); null when the step failed instead. */
  readonly challenge: Readonly<Record<string, Json>> | null;
  /** Why the step failed at the challenge (no email address, no local account, ...); the flow moved on. */
  readonly reason: Reason | null;
}

/**
 * The effect a retry verdict leaves: the step still waits, and this says why (the server shows it
 * to the user). `revision` is the flow's revision that the retry produced.
 */
export interface StepRetry {
  readonly kind: 'stepRetry';
  readonly step: number;
  readonly idp: string;
  readonly authenticator: string;
  readonly code: string;
  readonly message: string;
  readonly attemptsLeft: number | null;
  readonly revision: number;
}

/** The retry that the flow's latest advance answered with, or null when it was not a retry. */
export function stepRetryOf(flow: FlowRecord): StepRetry | null {
  const last = flow.effects[flow.effects.length - 1];
  if (last === undefined || last.kind !== 'stepRetry' || last.revision !== flow.revision) return null;
  return last as unknown as StepRetry;
}

/** The account as a provisioning hook may leave it. */
const HookUserSchema = z
  .object({
    username: z.string().min(1),
    userStoreDomain: z.string().min(1),
    claims: z.record(z.string(), z.string()),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
  })
  .strict();

/** Safety net for a script that keeps reading: each read costs a run, and the journal caps reads too. */
const MAX_RUNS_PER_CALL = 1000;

export class FlowEngine {
  private readonly clock: () => number;

  constructor(private readonly options: FlowEngineOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async start(init: StartFlow, options: AdvanceOptions = {}): Promise<FlowRecord> {
    const now = this.clock();
    const application = ApplicationSnapshotSchema.parse(init.application);
    const flow: FlowRecord = {
      id: randomUUID(),
      tenant: init.tenant,
      revision: 0,
      scriptVersion: '',
      scriptSource: init.source,
      ...(this.options.libraries === undefined ? {} : { libraries: { ...this.options.libraries(init.tenant) } }),
      application,
      request: RequestSnapshotSchema.parse(init.request ?? {}),
      journal: [{ kind: 'started', at: now, seed: randomInt(0, 2 ** 31) }],
      appliedCommands: [],
      logs: [],
      emittedLogs: 0,
      usedScriptMs: 0,
      connections: (init.connections ?? []).map((c) => ConnectionSchema.parse(c)),
      status: 'waiting',
      waiting: null,
      pendingFederated: null,
      provisioned: [],
      effects: [],
      result: null,
      authState: {},
      receipts: [],
      createdAt: now,
      updatedAt: now,
    };
    await this.drive(flow);
    if (options.receipt !== undefined) addReceipt(flow, options.receipt);
    await this.options.store.createFlow(flow);
    return flow;
  }

  async advance(flowId: string, interaction: FlowInteraction, options: AdvanceOptions = {}): Promise<FlowRecord> {
    const stored = options.loaded?.id === flowId ? options.loaded : await this.options.store.getFlow(flowId);
    if (stored === null) throw new FlowError('FLOW_NOT_FOUND', `no flow ${flowId}`);
    const flow = stored;
    if (flow.status !== 'waiting' || flow.waiting === null) throw new FlowError('FLOW_ENDED', `flow ${flowId} has ended (${flow.status})`);
    const at = this.clock();
    const event = await this.eventFor(flow, flow.waiting, interaction, at);
    if (event !== null) {
      flow.journal.push(event);
      await this.drive(flow);
    }
    flow.revision++;
    flow.updatedAt = at;
    if (options.receipt !== undefined) addReceipt(flow, options.receipt);
    await this.options.store.saveFlow(flow);
    return flow;
  }

  /** What the interaction adds to the journal; null when the flow still waits (a JIT prompt). */
  private async eventFor(flow: FlowRecord, waiting: FlowWaiting, interaction: FlowInteraction, at: number): Promise<JournalEvent | null> {
    switch (waiting.kind) {
      case 'step': {
        if (interaction.kind !== 'step') throw mismatch(waiting, interaction);
        checkOffered(waiting, interaction);
        return this.stepEvent(flow, interaction, at);
      }
      case 'prompt':
        if (interaction.kind !== 'prompt') throw mismatch(waiting, interaction);
        return { kind: 'prompt', at, action: interaction.action, data: { ...interaction.data } };
      case 'async':
        if (interaction.kind !== 'async') throw mismatch(waiting, interaction);
        return { kind: 'async', at, outcome: interaction.outcome, data: { ...interaction.data } };
      case 'provisioning': {
        if (interaction.kind !== 'provisioning') throw mismatch(waiting, interaction);
        const pending = flow.pendingFederated;
        if (pending === null) throw new FlowError('INTERACTION_MISMATCH', 'no federated step waits for provisioning');
        flow.pendingFederated = null;
        return this.federatedSuccess(flow, pending.step, pending.idp, pending.authenticator, pending.subject, pending.claims, interaction.answers, at);
      }
      case 'read':
        throw new FlowError('INTERACTION_MISMATCH', 'the flow waits for a host read, which the engine answers itself');
    }
  }

  /**
   * Starts or repeats the challenge of the option the flow waits for (an email code, a TOTP
   * enrolment). The authenticator's state for the step is saved with the flow (revision + 1)
   * before anything is sent. A challenge that shows the step cannot succeed fails the step, and
   * the flow moves on as after any failed step.
   */
  async challenge(flowId: string, request: ChallengeRequest): Promise<FlowChallenge> {
    const flow = await this.options.store.getFlow(flowId);
    if (flow === null) throw new FlowError('FLOW_NOT_FOUND', `no flow ${flowId}`);
    if (flow.status !== 'waiting' || flow.waiting === null) throw new FlowError('FLOW_ENDED', `flow ${flowId} has ended (${flow.status})`);
    const waiting = flow.waiting;
    if (waiting.kind !== 'step') throw new FlowError('INTERACTION_MISMATCH', `the flow waits for ${describeWaiting(waiting)}, not for a step's challenge`);
    checkOffered(waiting, request);
    const at = this.clock();
    const key = slotKey(request.step, request.authenticator);
    const state = slotOf(flow, key);
    const attempt = this.attemptFor(flow, request, { outcome: 'success', credentials: request.username === undefined ? undefined : { username: request.username } }, state, at);
    const result = this.options.authenticator.challenge === undefined ? null : await this.options.authenticator.challenge(attempt, this.options.store);
    if (result === null) {
      const instead = request.idp === 'LOCAL' ? "send the step's credentials" : 'report the outcome of the federated login';
      throw new FlowError('INTERACTION_INVALID', `${request.idp}/${request.authenticator} takes no challenge: ${instead}`);
    }
    switch (result.kind) {
      case 'refused':
        throw new FlowError('CHALLENGE_REFUSED', `${request.authenticator}: ${result.reason.message} (${result.reason.code})`);
      case 'challenge':
        flow.authState[key] = state;
        flow.effects.push(...result.effects);
        await this.save(flow, at);
        await result.afterSave?.();
        return { flow, challenge: result.challenge, reason: null };
      case 'fail': {
        clearStepState(flow, request.step);
        const base = { kind: 'step' as const, at, step: request.step, idp: request.idp, authenticator: request.authenticator };
        flow.journal.push({ ...base, outcome: 'fail', subject: this.localSubject(flow, result.user), reason: result.reason });
        await this.drive(flow);
        await this.save(flow, at);
        return { flow, challenge: null, reason: result.reason };
      }
    }
  }

  private async save(flow: FlowRecord, at: number): Promise<void> {
    flow.revision++;
    flow.updatedAt = at;
    await this.options.store.saveFlow(flow);
  }

  /** What an authenticator sees of one attempt at the step the flow waits for. */
  private attemptFor(
    flow: FlowRecord,
    option: { readonly step: number; readonly idp: string; readonly authenticator: string },
    sent: Partial<Pick<StepAttempt, 'credentials' | 'username' | 'password' | 'subject' | 'claims'>> & { readonly outcome: StepOutcome },
    state: Record<string, Json>,
    now: number,
  ): StepAttempt {
    return {
      tenant: flow.tenant,
      flowId: flow.id,
      step: option.step,
      option: { idp: option.idp, authenticator: option.authenticator },
      outcome: sent.outcome,
      credentials: sent.credentials,
      username: sent.username,
      password: sent.password,
      subject: sent.subject,
      claims: sent.claims,
      knownSubject: knownSubject(flow),
      state,
      now,
      authenticatorParams: paramsFor(flow.waiting, option.idp, option.authenticator),
    };
  }

  private async stepEvent(flow: FlowRecord, interaction: Extract<FlowInteraction, { kind: 'step' }>, at: number): Promise<JournalEvent | null> {
    const key = slotKey(interaction.step, interaction.authenticator);
    const state = slotOf(flow, key);
    const verdict: StepVerdict = await this.options.authenticator.authenticate(
      this.attemptFor(
        flow,
        interaction,
        {
          outcome: interaction.outcome ?? 'success',
          credentials: interaction.credentials,
          username: interaction.username,
          password: interaction.password,
          subject: interaction.subject,
          claims: interaction.claims,
        },
        state,
        at,
      ),
      this.options.store,
    );
    if (verdict.kind === 'retry') {
      // The step still waits: nothing for the script, only the authenticator's state and why.
      flow.authState[key] = state;
      const retry: StepRetry = {
        kind: 'stepRetry',
        step: interaction.step,
        idp: interaction.idp,
        authenticator: interaction.authenticator,
        code: verdict.reason.code,
        message: verdict.reason.message,
        attemptsLeft: verdict.attemptsLeft,
        revision: flow.revision + 1,
      };
      flow.effects.push({ ...retry });
      return null;
    }
    clearStepState(flow, interaction.step);
    const base = { kind: 'step' as const, at, step: interaction.step, idp: interaction.idp, authenticator: interaction.authenticator };
    if (verdict.kind === 'federated') {
      if (verdict.outcome !== 'success') return { ...base, outcome: verdict.outcome, subject: null, reason: null };
      return this.federatedSuccess(flow, interaction.step, interaction.idp, interaction.authenticator, verdict.subject, verdict.claims, undefined, at);
    }
    flow.effects.push(...verdict.effects);
    return { ...base, outcome: verdict.outcome, subject: this.localSubject(flow, verdict.user), reason: verdict.reason };
  }

  /**
   * A local step's subject. A second factor confirms the user the flow knows: the subject keeps
   * where it came from (a JIT-provisioned Google user stays "via Google").
   */
  private localSubject(flow: FlowRecord, user: LocalUser | null): UserSnapshot | null {
    if (user === null) return null;
    const tenantDomain = flow.application.tenantDomain;
    const known = knownSubject(flow);
    const same = known !== null && !known.federated && known.username === user.username && known.userStoreDomain === user.userStoreDomain;
    return same ? localSnapshot(user, tenantDomain, known.idp, known.remoteClaims) : localSnapshot(user, tenantDomain, 'LOCAL');
  }

  private async federatedSuccess(
    flow: FlowRecord,
    step: number,
    idp: string,
    authenticator: string,
    subject: string,
    claims: Readonly<Record<string, Json>>,
    answers: ProvisionAnswers | undefined,
    at: number,
  ): Promise<JournalEvent | null> {
    if (subject === '') throw new FlowError('INTERACTION_INVALID', `a federated success through ${idp} needs the IdP's subject`);
    const connection = connectionFor(flow, idp);
    const result = await provision(
      {
        tenant: flow.tenant,
        tenantDomain: flow.application.tenantDomain,
        connection,
        subject,
        claims,
        answers,
        userStores: this.options.userStores?.(flow.tenant),
        hooks: this.hooksFor(flow),
      },
      this.options.store,
    );
    const base = { kind: 'step' as const, at, step, idp, authenticator };
    switch (result.kind) {
      case 'passthrough':
        return { ...base, outcome: 'success', subject: result.snapshot, reason: null };
      case 'queued':
        await this.options.store.enqueueProvisioning({ tenant: flow.tenant, flowId: flow.id, idp, subject, claims: { ...claims }, createdAt: at });
        flow.effects.push({ kind: 'provisioningQueued', idp, subject });
        return { ...base, outcome: 'success', subject: result.snapshot, reason: null };
      case 'local': {
        if (result.action !== null) {
          flow.provisioned.push({ username: result.user.username, userStoreDomain: result.user.userStoreDomain, idp, action: result.action });
        }
        const remote = remoteClaimStrings(claims);
        return { ...base, outcome: 'success', subject: localSnapshot(result.user, flow.application.tenantDomain, idp, remote), reason: null };
      }
      case 'prompt':
        flow.pendingFederated = { step, idp, authenticator, subject, claims: { ...claims }, at };
        flow.waiting = { kind: 'provisioning', idp, needs: result.needs, suggestedUsername: result.suggestedUsername };
        return null;
      case 'refused':
        return { ...base, outcome: 'fail', subject: null, reason: { code: result.code, message: result.message } };
      case 'error':
        flow.status = 'error';
        flow.waiting = null;
        flow.result = { subject: null, error: { code: result.code, message: result.message, line: result.line, column: result.column }, redirect: null };
        return null;
    }
  }

  /**
   * Works through the queue of non-blocking JIT provisioning: each job provisions now, with the
   * hooks of the flow it came from, and the flow records what was provisioned. Returns how many
   * jobs it finished. A host runs this periodically (or after each login); the simulator after
   * the scenario's interactions.
   */
  async processProvisioningQueue(limit = 100): Promise<number> {
    const store = this.options.store;
    const jobs = await store.claimProvisioningJobs(limit);
    for (const job of jobs) {
      const flow = await store.getFlow(job.flowId);
      const connection = flow !== null ? connectionFor(flow, job.idp) : ConnectionSchema.parse({ name: job.idp });
      const result = await provision(
        {
          tenant: job.tenant,
          tenantDomain: flow?.application.tenantDomain ?? 'carbon.super',
          connection,
          subject: job.subject,
          claims: job.claims,
          userStores: this.options.userStores?.(job.tenant),
          hooks: flow !== null ? this.hooksFor(flow) : undefined,
          fromQueue: true,
        },
        store,
      );
      if (result.kind === 'local') {
        await store.finishProvisioningJob(job.id, 'done', `${result.action ?? 'existing'} ${result.user.userStoreDomain}/${result.user.username}`);
        if (flow !== null && result.action !== null) {
          flow.provisioned.push({ username: result.user.username, userStoreDomain: result.user.userStoreDomain, idp: job.idp, action: result.action });
        }
      } else {
        await store.finishProvisioningJob(job.id, 'failed', 'code' in result ? `${result.code}: ${result.message}` : result.kind);
        if (flow !== null) flow.effects.push({ kind: 'provisioningFailed', idp: job.idp, subject: job.subject, reason: 'code' in result ? result.code : result.kind });
      }
      if (flow !== null) {
        flow.revision++;
        await store.saveFlow(flow);
      }
    }
    return jobs.length;
  }

  /**
   * One run of the flow's pinned script (with its libraries) against its journal; the time it
   * took counts against the flow's script budget.
   */
  private runScript(flow: FlowRecord, input: Pick<RunRequest['input'], 'appliedCommands' | 'emittedLogs' | 'hook'>, host?: RunRequest['host']): RunResult {
    const result = this.options.runner.run({
      tenant: flow.tenant,
      source: flow.scriptSource,
      ...(flow.libraries === undefined ? {} : { libraries: flow.libraries }),
      ...(flow.scriptVersion === '' ? {} : { version: flow.scriptVersion }),
      input: { application: flow.application, request: flow.request, journal: flow.journal, ...input },
      usedScriptMs: flow.usedScriptMs,
      ...(host === undefined ? {} : { host }),
    });
    flow.usedScriptMs += result.stats.wallMs;
    return result;
  }

  /** The script's provisioning hooks, each a run of the sandbox in hook mode. */
  private hooksFor(flow: FlowRecord): ProvisioningHooks {
    const runHook = (name: 'onProvisioningRequest' | 'onUserProvisioned', request: Record<string, Json>) => {
      const result = this.runScript(flow, { appliedCommands: [], emittedLogs: 0, hook: { name, request } });
      flow.logs.push(...result.newLogs); // a hook's lines are its own: not counted in emittedLogs
      return result.outcome;
    };
    const failure = (o: { kind: string; error?: RunError }): HookFailure => {
      const e = o.error ?? { code: 'SANDBOX_FAULT', message: `a provisioning hook ended with ${o.kind}`, line: null, column: null };
      return { kind: 'error', code: e.code, message: e.message, line: e.line, column: e.column };
    };
    return {
      beforeCreate: async (request) => {
        const o = runHook('onProvisioningRequest', { ...request, user: { ...request.user } });
        if (o.kind !== 'hook') return failure(o);
        if (!o.defined) return { kind: 'continue', user: request.user };
        if (o.denied !== null) return { kind: 'denied', reason: o.denied };
        const edited = HookUserSchema.safeParse(o.user);
        if (!edited.success) {
          const issue = edited.error.issues[0];
          return { kind: 'error', code: 'SCRIPT_RUNTIME', message: `onProvisioningRequest left request.user.${issue?.path.join('.') ?? ''} invalid: ${issue?.message ?? ''}`, line: null, column: null };
        }
        return { kind: 'continue', user: edited.data };
      },
      afterCreate: async (user) => {
        const o = runHook('onUserProvisioned', { user: { ...user } });
        return o.kind === 'hook' ? { kind: 'ok' } : failure(o);
      },
    };
  }

  /** Runs the script until the flow waits for the outside world or ends. */
  private async drive(flow: FlowRecord): Promise<void> {
    for (let i = 0; i < MAX_RUNS_PER_CALL; i++) {
      const result = this.runScript(
        flow,
        { appliedCommands: flow.appliedCommands, emittedLogs: flow.emittedLogs },
        (call) => answerReadSync(flow, call, this.options.store) ?? { kind: 'pending' },
      );
      flow.scriptVersion = result.scriptVersion;
      flow.journal.push(...result.newEvents);
      flow.logs.push(...result.newLogs);
      flow.emittedLogs += result.newLogs.length;
      for (const command of result.newCommands) await this.apply(flow, command);
      const outcome = result.outcome;
      switch (outcome.kind) {
        case 'waiting':
          if (outcome.waiting.kind === 'read') {
            flow.journal.push(await this.read(flow, { call: outcome.waiting.call, args: outcome.waiting.args }));
            continue;
          }
          if (outcome.waiting.kind === 'async' && this.options.asyncCalls !== undefined) {
            const { call, args } = outcome.waiting;
            const done = await this.options.asyncCalls.call(flow.tenant, call, args);
            if (done === null) {
              flow.status = 'waiting';
              flow.waiting = outcome.waiting;
              return;
            }
            flow.effects.push({ kind: 'asyncCall', call, url: urlOf(args), outcome: done.outcome, note: done.note });
            flow.journal.push({ kind: 'async', at: this.clock(), outcome: done.outcome, data: done.data });
            continue;
          }
          flow.status = 'waiting';
          flow.waiting = outcome.waiting;
          return;
        case 'success':
          flow.status = 'success';
          flow.waiting = null;
          flow.result = { subject: subjectOf(flow, outcome.subjectStep), error: null, redirect: null };
          return;
        case 'fail':
          flow.status = 'fail';
          flow.waiting = null;
          flow.result = { subject: null, error: { code: outcome.code, message: outcome.message, line: null, column: null }, redirect: outcome.redirect };
          return;
        case 'error':
          flow.status = 'error';
          flow.waiting = null;
          flow.result = { subject: null, error: outcome.error, redirect: null };
          return;
        case 'hook':
          flow.status = 'error';
          flow.waiting = null;
          flow.result = { subject: null, error: { code: 'SANDBOX_FAULT', message: 'a flow run answered as a provisioning hook', line: null, column: null }, redirect: null };
          return;
        default: {
          const never: never = outcome;
          throw new TypeError(`unknown outcome ${JSON.stringify(never)}`);
        }
      }
    }
    flow.status = 'error';
    flow.waiting = null;
    flow.result = { subject: null, error: { code: 'LIMIT_EXCEEDED', message: `the flow needed more than ${MAX_RUNS_PER_CALL} script runs for one interaction`, line: null, column: null }, redirect: null };
  }

  private async read(flow: FlowRecord, call: HostCall): Promise<JournalEvent> {
    const answer: HostAnswer = await answerRead(flow, call, this.options.store, this.options.cookieKey);
    const value = answer.kind === 'value' ? answer.value : null;
    return { kind: 'read', at: lastEventTime(flow), call: call.call, args: call.args, result: value };
  }

  private async apply(flow: FlowRecord, command: Command): Promise<void> {
    flow.appliedCommands.push(command);
    flow.effects.push(command);
    await applyCommand(flow, command, this.options.store, this.options.cookieKey);
  }
}

/** Receipts a flow keeps: more interactions than a login has, fewer than a row should carry. */
const MAX_RECEIPTS = 50;

/** Records what the call answered under its idempotency key, saved with the flow it produced. */
function addReceipt(flow: FlowRecord, receipt: { readonly key: string; readonly fingerprint: string }): void {
  const r = stepRetryOf(flow);
  const retry = r === null ? null : { step: r.step, authenticator: r.authenticator, code: r.code, message: r.message, attemptsLeft: r.attemptsLeft };
  flow.receipts.push({ key: receipt.key, fingerprint: receipt.fingerprint, revision: flow.revision, status: flow.status, waiting: flow.waiting, result: flow.result, retry });
  if (flow.receipts.length > MAX_RECEIPTS) flow.receipts.splice(0, flow.receipts.length - MAX_RECEIPTS);
}

/** The flow waits for this step, and the step offers this option. */
function checkOffered(waiting: Extract<FlowWaiting, { kind: 'step' }>, asked: { readonly step: number; readonly idp: string; readonly authenticator: string }): void {
  if (asked.step !== waiting.step) throw new FlowError('INTERACTION_MISMATCH', `the flow waits for step ${waiting.step}, not step ${asked.step}`);
  if (!waiting.options.some((o) => o.idp === asked.idp && o.authenticator === asked.authenticator)) {
    const offered = waiting.options.map((o) => `${o.idp}/${o.authenticator}`).join(', ');
    throw new FlowError('INTERACTION_MISMATCH', `step ${waiting.step} does not offer ${asked.idp}/${asked.authenticator} (it offers ${offered})`);
  }
}

const slotKey = (step: number, authenticator: string): string => `${step}:${authenticator}`;

/** A copy of the authenticator's state for the step: the flow changes only if the attempt is kept. */
function slotOf(flow: FlowRecord, key: string): Record<string, Json> {
  const slot = flow.authState[key];
  return typeof slot === 'object' && slot !== null && !Array.isArray(slot) ? structuredClone(slot) : {};
}

/** A step that ends forgets what every option kept for it (a code sent, then TOTP chosen). */
function clearStepState(flow: FlowRecord, step: number): void {
  for (const key of Object.keys(flow.authState)) if (key.startsWith(`${step}:`)) delete flow.authState[key];
}

/** WSO2's authenticatorParams for one option: `common`, with `local[authenticator]` or `federated[idp]` over it. */
function paramsFor(waiting: FlowWaiting | null, idp: string, authenticator: string): Record<string, string> {
  if (waiting === null || waiting.kind !== 'step') return {};
  const params = waiting.authenticatorParams;
  const isMap = (value: Json | undefined): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
  const strings = (value: Json | undefined): Record<string, string> => {
    const out: Record<string, string> = {};
    if (isMap(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
    return out;
  };
  const group = idp === 'LOCAL' ? params['local'] : params['federated'];
  const own = isMap(group) ? group[idp === 'LOCAL' ? authenticator : idp] : undefined;
  return { ...strings(params['common']), ...strings(own) };
}

function mismatch(waiting: FlowWaiting, interaction: FlowInteraction): FlowError {
  return new FlowError('INTERACTION_MISMATCH', `the flow waits for ${describeWaiting(waiting)}, not for a ${interaction.kind} interaction`);
}

export function describeWaiting(w: FlowWaiting): string {
  switch (w.kind) {
    case 'step':
      return `step ${w.step} (${w.options.map((o) => `${o.idp}/${o.authenticator}`).join(', ')})`;
    case 'prompt':
      return `an answer to prompt "${w.templateId}"`;
    case 'async':
      return `the result of ${w.call} ${typeof w.args === 'object' && w.args !== null && 'url' in w.args ? String(w.args.url) : ''}`.trimEnd();
    case 'read':
      return `a host read (${w.call})`;
    case 'provisioning':
      return `the JIT provisioning prompt for ${w.idp}`;
  }
}

function urlOf(args: Json): string | null {
  return typeof args === 'object' && args !== null && !Array.isArray(args) && typeof args.url === 'string' ? args.url : null;
}

function connectionFor(flow: FlowRecord, idp: string): Connection {
  return flow.connections.find((c) => c.name === idp) ?? ConnectionSchema.parse({ name: idp });
}

function lastEventTime(flow: FlowRecord): number {
  return flow.journal[flow.journal.length - 1]?.at ?? flow.createdAt;
}

/** The user the flow knows so far: the latest successful step's subject. */
function knownSubject(flow: FlowRecord): UserSnapshot | null {
  for (let i = flow.journal.length - 1; i >= 0; i--) {
    const e = flow.journal[i]!;
    if (e.kind === 'step' && e.outcome === 'success' && e.subject !== null) return e.subject;
  }
  return null;
}

function subjectOf(flow: FlowRecord, step: number | null): UserSnapshot | null {
  if (step === null) return null;
  for (let i = flow.journal.length - 1; i >= 0; i--) {
    const e = flow.journal[i]!;
    if (e.kind === 'step' && e.step === step && e.outcome === 'success') return e.subject;
  }
  return null;
}
