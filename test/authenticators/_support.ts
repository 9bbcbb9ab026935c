/**
 * Helpers for the authenticators' tests: real stores (SQLite in memory, and the in-memory
 * reference), users, and one step attempt as the flow engine builds it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { UserSnapshotSchema, type UserSnapshot } from '../../runtime/protocol.js';
import { hashPassword } from '../../src/authenticators/passwords.js';
import { localSnapshot } from '../../src/authenticators/simulated.js';
import type { StepAttempt, StepVerdict } from '../../src/authenticators/types.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { openSqliteStore } from '../../src/store/sql/sqlite.js';
import type { LocalUser, NewLocalUser, Store } from '../../src/store/types.js';

export const TENANT = 'acme';
export const T0 = Date.parse('2026-11-23T10:00:00Z');
export const KEY = randomBytes(32);
export const EMAIL = 'http://wso2.org/claims/emailaddress';

/** A cheap scrypt cost for test users: the format and the check are the same. */
const TEST_COST = 1024;

export const STORES = ['sqlite', 'memory'] as const;
export type StoreKind = (typeof STORES)[number];

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of opened.splice(0)) await s.close();
});

export async function openStore(kind: StoreKind): Promise<Store> {
  if (kind === 'memory') return new MemoryStore();
  const store = await openSqliteStore(':memory:');
  opened.push(store);
  return store;
}

export function newUser(username: string, extra: Partial<NewLocalUser> & { password?: string } = {}): NewLocalUser {
  const { password, ...rest } = extra;
  return {
    username,
    userStoreDomain: 'PRIMARY',
    passwordHash: password === undefined ? null : hashPassword(password, TEST_COST),
    roles: [],
    groups: [],
    claims: {},
    totpSecret: null,
    locked: false,
    disabled: false,
    provisionedBy: null,
    ...rest,
  };
}

export async function addUser(store: Store, username: string, extra: Partial<NewLocalUser> & { password?: string } = {}): Promise<LocalUser> {
  return store.createUser(TENANT, newUser(username, extra));
}

export function known(user: LocalUser): UserSnapshot {
  return localSnapshot(user, 'carbon.super', 'LOCAL');
}

export function federated(username: string, idp = 'GitHub'): UserSnapshot {
  return UserSnapshotSchema.parse({ username, federated: true, idp });
}

/** One attempt at a LOCAL option; `state` is kept by the caller between attempts of one step. */
export function attempt(authenticator: string, extra: Partial<StepAttempt> = {}): StepAttempt {
  return {
    tenant: TENANT,
    flowId: 'flow-1',
    step: 1,
    option: { idp: 'LOCAL', authenticator },
    outcome: 'success',
    knownSubject: null,
    state: {},
    now: T0,
    authenticatorParams: {},
    ...extra,
  };
}

export function reasonOf(v: StepVerdict): string | null {
  return v.kind === 'federated' ? null : (v.reason?.code ?? null);
}
