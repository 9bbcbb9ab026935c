/**
 * The flow API's work: start a flow for an application (its published script, or its steps in
 * order), advance it with an interaction, and answer retries of the same Idempotency-Key with
 * the first answer. The receipt of an interaction is saved with the flow it advanced (one row,
 * one write), so an acknowledged interaction is never lost nor applied twice; a flow start's key
 * is recorded after the flow, so a start cut short by a crash leaves at most an unused flow.
 */
import { createHash } from 'node:crypto';
import type { Json } from '../../runtime/protocol.js';
import { stepRetryOf, type ChallengeRequest, type FlowEngine, type FlowInteraction } from '../flow/engine.js';
import { NO_SCRIPT } from '../flow/steps-in-order.js';
import type { Connection } from '../provisioning/connection.js';
import type { ConnectionRecord, ScriptVersion } from '../store/admin-types.js';
import type { SqlAdminStore } from '../store/sql/admin-store.js';
import type { FlowReceipt, FlowRecord, Store } from '../store/types.js';
import { ApiError } from './api-error.js';
import { applicationSnapshot, loadApplication } from './applications.js';
import type { InteractionBodyType } from './api-schemas.js';
import type { Caller } from './middleware/authenticate.js';
import type { ServerMetrics } from './metrics.js';
import type { TenantSettingsCache } from './tenant-settings.js';
import type { z } from 'zod';
import type { FlowViewSchema } from './api-schemas.js';
import type { RequestSnapshotInput } from '../../runtime/protocol.js';

export type FlowView = z.infer<typeof FlowViewSchema>;

export interface FlowServiceDeps {
  readonly engine: FlowEngine;
  readonly store: Store;
  readonly admin: SqlAdminStore;
  readonly metrics: ServerMetrics;
  readonly tenantSettings: TenantSettingsCache;
}

/** A connection as the flow engine sees it (the admin record without its bookkeeping). */
export function engineConnection(c: ConnectionRecord): Connection {
  const { tenant: _t, authenticator: _a, syncedAttributesReadOnly: _s, createdAt: _c, updatedAt: _u, ...connection } = c;
  return connection;
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

export class FlowService {
  /** Published versions never change: each process keeps the ones it has read. */
  private readonly versions = new Map<string, ScriptVersion>();

  constructor(private readonly deps: FlowServiceDeps) {}

  async start(caller: Caller, body: { application: string; request: RequestSnapshotInput }, key: string | undefined): Promise<{ view: FlowView; created: boolean }> {
    const tenant = caller.tenant.id;
    await this.deps.tenantSettings.refresh(tenant);
    const print = fingerprint({ start: body });
    if (key !== undefined) {
      const earlier = await this.deps.admin.getIdempotency(tenant, key);
      if (earlier !== null) return { view: await this.replay(tenant, earlier.flowId, key, print), created: false };
    }
    const app = await loadApplication(this.deps.admin, tenant, body.application);
    const version = app.scriptEnabled && app.publishedVersion !== null ? await this.version(tenant, app.id, app.publishedVersion) : null;
    const connections = (await this.deps.admin.listConnections(tenant)).map(engineConnection);
    const flow = await this.deps.engine.start(
      {
        tenant,
        application: applicationSnapshot(app, caller.tenant.domain),
        connections,
        source: version?.source ?? NO_SCRIPT,
        request: body.request,
      },
      key === undefined ? {} : { receipt: { key, fingerprint: print } },
    );
    this.deps.metrics.flowsStarted.inc({ tenant });
    this.deps.metrics.scriptRunSeconds.observe(flow.usedScriptMs / 1000);
    this.count(flow);
    if (key !== undefined) {
      const stored = await this.deps.admin.putIdempotency({ tenant, key, fingerprint: print, flowId: flow.id, createdAt: Date.now() });
      // Another request with this key started its flow first: answer as it did (this flow is left unused).
      if (stored.flowId !== flow.id) return { view: await this.replay(tenant, stored.flowId, key, print), created: false };
    }
    return { view: view(flow, false), created: true };
  }

  async get(caller: Caller, flowId: string): Promise<FlowView> {
    return view(await this.flowOf(caller, flowId), false);
  }

  async interact(caller: Caller, flowId: string, body: InteractionBodyType, key: string | undefined): Promise<FlowView> {
    const flow = await this.flowOf(caller, flowId);
    await this.deps.tenantSettings.refresh(caller.tenant.id);
    const print = fingerprint({ interaction: body });
    if (key !== undefined) {
      const receipt = flow.receipts.find((r) => r.key === key);
      if (receipt !== undefined) return answerOf(flow.id, receipt, print, key);
    }
    // The flow read above is handed on (not read twice); the engine changes it, so keep what the script time was.
    const usedBefore = flow.usedScriptMs;
    const advanced = await this.deps.engine.advance(flowId, toInteraction(body), { loaded: flow, ...(key === undefined ? {} : { receipt: { key, fingerprint: print } }) });
    this.deps.metrics.scriptRunSeconds.observe(Math.max(0, advanced.usedScriptMs - usedBefore) / 1000);
    this.count(advanced);
    return view(advanced, false);
  }

  /** Starts (or repeats) the challenge of the step the flow waits for: an email code, a TOTP enrolment. */
  async challenge(caller: Caller, flowId: string, request: ChallengeRequest): Promise<{ flow: FlowView; challenge: Record<string, Json> | null; reason: { code: string; message: string } | null }> {
    await this.flowOf(caller, flowId);
    await this.deps.tenantSettings.refresh(caller.tenant.id);
    const done = await this.deps.engine.challenge(flowId, request);
    this.count(done.flow);
    return { flow: view(done.flow, false), challenge: done.challenge === null ? null : { ...done.challenge }, reason: done.reason === null ? null : { code: done.reason.code, message: done.reason.message } };
  }

  /** A flow of the caller's tenant; another tenant's flow does not exist for it. */
  private async flowOf(caller: Caller, flowId: string): Promise<FlowRecord> {
    const flow = await this.deps.store.getFlow(flowId);
    if (flow === null || flow.tenant !== caller.tenant.id) throw new ApiError('FLOW_NOT_FOUND', `no flow ${flowId}`);
    return flow;
  }

  private async replay(tenant: string, flowId: string, key: string, print: string): Promise<FlowView> {
    const flow = await this.deps.store.getFlow(flowId);
    const receipt = flow?.tenant === tenant ? flow.receipts.find((r) => r.key === key) : undefined;
    if (flow === null || receipt === undefined) throw new ApiError('FLOW_NOT_FOUND', `the flow started with Idempotency-Key ${key} no longer exists`);
    return answerOf(flow.id, receipt, print, key);
  }

  private async version(tenant: string, appId: string, number: number): Promise<ScriptVersion> {
    const cacheKey = `${tenant}\u0000${appId}\u0000${number}`;
    let version = this.versions.get(cacheKey);
    if (version === undefined) {
      const read = await this.deps.admin.getVersion(tenant, appId, number);
      if (read === null) throw new Error(`application ${appId} publishes version ${number}, which does not exist`);
      version = read;
      if (this.versions.size > 1000) this.versions.clear();
      this.versions.set(cacheKey, version);
    }
    return version;
  }

  private count(flow: FlowRecord): void {
    if (flow.status === 'waiting') return;
    this.deps.metrics.flowsFinished.inc({ tenant: flow.tenant, outcome: flow.status });
    const code = flow.result?.error?.code;
    if (flow.status === 'error' && code !== undefined && /LIMIT|TIMEOUT|QUARANTINED/.test(code)) this.deps.metrics.limitBreaches.inc({ code });
    for (const p of flow.provisioned) this.deps.metrics.provisioned.inc({ action: p.action });
  }
}

function answerOf(flowId: string, receipt: FlowReceipt, print: string, key: string): FlowView {
  if (receipt.fingerprint !== print) throw new ApiError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was used for a different request`);
  return { id: flowId, status: receipt.status, waiting: receipt.waiting, result: receipt.result, retry: receipt.retry, replayed: true };
}

export function view(flow: FlowRecord, replayed: boolean): FlowView {
  const r = stepRetryOf(flow);
  const retry = r === null ? null : { step: r.step, authenticator: r.authenticator, code: r.code, message: r.message, attemptsLeft: r.attemptsLeft };
  return { id: flow.id, status: flow.status, waiting: flow.waiting, result: flow.result, retry, replayed };
}

function toInteraction(body: InteractionBodyType): FlowInteraction {
  switch (body.kind) {
    case 'step': {
      const c = body.credentials;
      return {
        kind: 'step',
        step: body.step,
        idp: body.idp,
        authenticator: body.authenticator,
        outcome: body.outcome ?? 'success',
        credentials: c,
        subject: body.subject,
        claims: body.claims as Record<string, Json> | undefined,
      };
    }
    case 'prompt':
      return { kind: 'prompt', action: body.action, data: body.data as Record<string, Json> };
    case 'async':
      return { kind: 'async', outcome: body.outcome, data: body.data as Record<string, Json> };
    case 'provisioning':
      return { kind: 'provisioning', answers: body.answers };
  }
}
