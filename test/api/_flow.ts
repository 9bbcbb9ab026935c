/**
 * End-to-end helpers for the script API: the real flow engine with an in-memory store, the
 * simulator's authenticators and the shared sandbox, so a test can look at the store (roles,
 * associations, the outbox, sessions) after a login. Every interaction replays the script from
 * the start, as a real server does.
 */
import { randomBytes } from 'node:crypto';
import type { ApplicationSnapshotInput, RequestSnapshotInput } from '../../runtime/protocol.js';
import { SimulatedAuthenticator } from '../../src/authenticators/simulated.js';
import { FlowEngine, type FlowEngineOptions, type FlowInteraction } from '../../src/flow/engine.js';
import type { ConnectionInput } from '../../src/provisioning/connection.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { FlowRecord, LocalUser, NewLocalUser } from '../../src/store/types.js';
import { APP, sharedSandbox, T0 } from '../_support/sandbox.js';

export const TENANT = 'acme';

export function newUser(username: string, extra: Partial<NewLocalUser> = {}): NewLocalUser {
  return {
    username,
    userStoreDomain: 'PRIMARY',
    passwordHash: null,
    roles: [],
    groups: [],
    claims: {},
    totpSecret: null,
    locked: false,
    disabled: false,
    provisionedBy: null,
    ...extra,
  };
}

export interface LoginInit {
  readonly request?: RequestSnapshotInput;
  readonly application?: ApplicationSnapshotInput;
  /** Google without JIT provisioning by default, so a Google login stays a federated user. */
  readonly connections?: ConnectionInput[];
}

export interface Harness {
  readonly store: MemoryStore;
  readonly engine: FlowEngine;
  readonly cookieKey: Buffer;
  /** Starts a flow and plays the interactions, each through a new engine (as after a restart). */
  login(source: string, interactions: FlowInteraction[], init?: LoginInit): Promise<FlowRecord>;
  user(username: string, userStoreDomain?: string): Promise<LocalUser>;
}

/** `options` may depend on the store (an async caller that acts on it). */
export async function harness(users: NewLocalUser[] = [], engineOptions: Partial<FlowEngineOptions> | ((store: MemoryStore) => Partial<FlowEngineOptions>) = {}): Promise<Harness> {
  const store = new MemoryStore();
  for (const u of users) await store.createUser(TENANT, u);
  const options = typeof engineOptions === 'function' ? engineOptions(store) : engineOptions;
  const cookieKey = options.cookieKey ?? randomBytes(32);
  const engineFor = () =>
    new FlowEngine({ runner: sharedSandbox(), store, authenticator: new SimulatedAuthenticator(), clock: () => T0, cookieKey, ...options });
  return {
    store,
    engine: engineFor(),
    cookieKey,
    async login(source, interactions, init = {}) {
      let flow = await engineFor().start({
        tenant: TENANT,
        application: init.application ?? APP,
        connections: init.connections ?? [{ name: 'Google', jit: { enabled: false } }],
        source,
        ...(init.request ? { request: init.request } : {}),
      });
      for (const i of interactions) flow = await engineFor().advance(flow.id, i);
      return flow;
    },
    async user(username, userStoreDomain = 'PRIMARY') {
      const u = await store.getUser(TENANT, userStoreDomain, username);
      if (u === null) throw new Error(`no user ${username}`);
      return u;
    },
  };
}

/** A successful local step by `username`. */
export function localStep(step: number, username = 'alice', authenticator = step === 1 ? 'BasicAuthenticator' : step === 2 ? 'totp' : 'email-otp-authenticator'): FlowInteraction {
  return { kind: 'step', step, idp: 'LOCAL', authenticator, outcome: 'success', username };
}

/** A successful Google step for the IdP subject (no JIT connection: the user stays federated). */
export function googleStep(subject: string, claims: Record<string, string> = {}): FlowInteraction {
  return { kind: 'step', step: 1, idp: 'Google', authenticator: 'GoogleOIDCAuthenticator', outcome: 'success', subject, claims };
}

/** Messages the flow logged, in order. */
export function flowLogs(flow: FlowRecord): string[] {
  return flow.logs.map((l) => l.message);
}

/** The effects of one kind. */
export function effectsOf(flow: FlowRecord, kind: string): Record<string, unknown>[] {
  return flow.effects.filter((e) => e.kind === kind);
}
