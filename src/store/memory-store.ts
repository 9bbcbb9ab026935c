/**
 * The in-memory store: the simulator's and the tests' store, and the reference behaviour for the
 * database stores (the same contract suite runs against all of them). Values are copied in and
 * out, so callers can never change stored state by mutating what they got.
 */
import { randomUUID } from 'node:crypto';
import {
  ConcurrentUpdateError,
  DuplicateUserError,
  AssociationSchema,
  type Association,
  type AssociationInput,
  type Email,
  type FederatedIdentity,
  type ProvisioningJob,
  type ClaimLease,
  DEFAULT_LEASE_MS,
  type FlowRecord,
  type LocalUser,
  type NewLocalUser,
  type Store,
  type UserPatch,
  type UserCondition,
  type UserSession,
} from './types.js';

const copy = <T>(v: T): T => structuredClone(v);
const userKey = (tenant: string, domain: string, username: string) => `${tenant}\u0000${domain.toUpperCase()}\u0000${username}`;
const assocKey = (tenant: string, idp: string, subject: string) => `${tenant}\u0000${idp}\u0000${subject}`;
const sessionKey = (tenant: string, id: string) => `${tenant}\u0000${id}`;

export class MemoryStore implements Store {
  private readonly users = new Map<string, LocalUser>();
  private readonly byName = new Map<string, string>();
  private readonly associations = new Map<string, Association>();
  private readonly flows = new Map<string, FlowRecord>();
  private readonly jobs: ProvisioningJob[] = [];
  /** When each running job was claimed (job id -> epoch ms). */
  private readonly claims = new Map<string, number>();
  private readonly outbox: Email[] = [];
  private readonly sessions = new Map<string, UserSession>();

  async getUser(tenant: string, userStoreDomain: string, username: string): Promise<LocalUser | null> {
    return this.getUserSync(tenant, userStoreDomain, username);
  }

  getUserSync(tenant: string, userStoreDomain: string, username: string): LocalUser | null {
    const id = this.byName.get(userKey(tenant, userStoreDomain, username));
    return id === undefined ? null : copy(this.users.get(id)!);
  }

  async getUserById(tenant: string, id: string): Promise<LocalUser | null> {
    const u = this.users.get(id);
    return u !== undefined && u.tenant === tenant ? copy(u) : null;
  }

  async findUsersByClaim(tenant: string, claim: string, value: string): Promise<LocalUser[]> {
    return [...this.users.values()].filter((u) => u.tenant === tenant && u.claims[claim] === value).map(copy);
  }

  async createUser(tenant: string, user: NewLocalUser, federated?: FederatedIdentity): Promise<LocalUser> {
    const key = userKey(tenant, user.userStoreDomain, user.username);
    if (this.byName.has(key)) throw new DuplicateUserError(`user ${user.userStoreDomain}/${user.username} exists`);
    const created: LocalUser = { ...copy(user), id: randomUUID(), tenant };
    this.users.set(created.id, created);
    this.byName.set(key, created.id);
    if (federated !== undefined) this.associations.set(assocKey(tenant, federated.idp, federated.subject), { tenant, idp: federated.idp, subject: federated.subject, userId: created.id, locked: false });
    return copy(created);
  }

  async updateUser(tenant: string, id: string, patch: UserPatch): Promise<LocalUser> {
    const u = this.users.get(id);
    if (u === undefined || u.tenant !== tenant) throw new Error(`no user ${id} in tenant ${tenant}`);
    const updated = { ...u, ...copy(patch) };
    this.users.set(id, updated);
    return copy(updated);
  }

  async updateUserIf(tenant: string, id: string, expected: UserCondition, patch: UserPatch): Promise<LocalUser | null> {
    const u = this.users.get(id);
    if (u === undefined || u.tenant !== tenant) return null;
    for (const [field, value] of Object.entries(expected)) {
      if (JSON.stringify(u[field as keyof UserCondition]) !== JSON.stringify(value)) return null;
    }
    return this.updateUser(tenant, id, patch);
  }

  async getAssociation(tenant: string, idp: string, subject: string): Promise<Association | null> {
    const a = this.associations.get(assocKey(tenant, idp, subject));
    return a === undefined ? null : copy(a);
  }

  async associate(input: AssociationInput): Promise<{ created: boolean }> {
    const association = AssociationSchema.parse(input);
    const key = assocKey(association.tenant, association.idp, association.subject);
    const existing = this.associations.get(key);
    if (existing !== undefined && existing.userId === association.userId) return { created: false };
    this.associations.set(key, copy(association));
    return { created: true };
  }

  async setAssociationLocked(tenant: string, idp: string, subject: string, locked: boolean): Promise<boolean> {
    const a = this.associations.get(assocKey(tenant, idp, subject));
    if (a === undefined) return false;
    a.locked = locked;
    return true;
  }

  async enqueueProvisioning(job: Omit<ProvisioningJob, 'id' | 'status' | 'outcome'>): Promise<ProvisioningJob> {
    const stored: ProvisioningJob = { ...copy(job), id: randomUUID(), status: 'queued', outcome: null };
    this.jobs.push(stored);
    return copy(stored);
  }

  async claimProvisioningJobs(limit: number, lease: ClaimLease = {}): Promise<ProvisioningJob[]> {
    const now = lease.now ?? Date.now();
    const cutoff = now - (lease.leaseMs ?? DEFAULT_LEASE_MS);
    const claimable = (j: ProvisioningJob) => j.status === 'queued' || (j.status === 'running' && (this.claims.get(j.id) ?? 0) < cutoff);
    const claimed = this.jobs.filter(claimable).slice(0, limit);
    for (const j of claimed) {
      j.status = 'running';
      this.claims.set(j.id, now);
    }
    return claimed.map(copy);
  }

  async finishProvisioningJob(id: string, status: 'done' | 'failed', outcome: string): Promise<void> {
    const j = this.jobs.find((x) => x.id === id);
    if (j === undefined) throw new Error(`no provisioning job ${id}`);
    j.status = status;
    j.outcome = outcome;
  }

  async provisioningJobs(tenant: string): Promise<ProvisioningJob[]> {
    return this.jobs.filter((j) => j.tenant === tenant).map(copy);
  }

  async dissociate(tenant: string, idp: string, subject: string): Promise<boolean> {
    return this.associations.delete(assocKey(tenant, idp, subject));
  }

  async createSession(session: UserSession): Promise<UserSession> {
    this.sessions.set(sessionKey(session.tenant, session.id), copy(session));
    return copy(session);
  }

  async getSession(tenant: string, id: string): Promise<UserSession | null> {
    const s = this.sessions.get(sessionKey(tenant, id));
    return s === undefined ? null : copy(s);
  }

  async sessionsOfUser(tenant: string, userId: string): Promise<UserSession[]> {
    return [...this.sessions.values()]
      .filter((s) => s.tenant === tenant && s.userId === userId)
      .sort((a, b) => a.createdTime - b.createdTime)
      .map(copy);
  }

  async terminateSession(tenant: string, userId: string, id: string): Promise<boolean> {
    const key = sessionKey(tenant, id);
    const s = this.sessions.get(key);
    if (s === undefined || s.userId !== userId) return false;
    return this.sessions.delete(key);
  }

  async createFlow(flow: FlowRecord): Promise<void> {
    if (this.flows.has(flow.id)) throw new ConcurrentUpdateError(`flow ${flow.id} exists`);
    this.flows.set(flow.id, copy(flow));
  }

  async getFlow(id: string): Promise<FlowRecord | null> {
    const f = this.flows.get(id);
    return f === undefined ? null : copy(f);
  }

  async saveFlow(flow: FlowRecord): Promise<void> {
    const stored = this.flows.get(flow.id);
    if (stored === undefined || stored.revision !== flow.revision - 1) {
      throw new ConcurrentUpdateError(`flow ${flow.id} was changed by another request (revision ${stored?.revision ?? 'none'}, expected ${flow.revision - 1})`);
    }
    this.flows.set(flow.id, copy(flow));
  }

  async enqueueEmail(email: Omit<Email, 'id'>): Promise<Email> {
    const stored = { ...copy(email), id: randomUUID() };
    this.outbox.push(stored);
    return copy(stored);
  }

  async emails(tenant: string): Promise<Email[]> {
    return this.outbox.filter((e) => e.tenant === tenant).map(copy);
  }
}
