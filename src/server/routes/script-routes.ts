/** An application's script: draft, validate, publish, versions, diff, rollback (admin). */
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { ApiError, notFound } from '../api-error.js';
import {
  AnalysisSchema,
  AppParams,
  ApplicationSchema,
  DiffQuery,
  DraftBody,
  PublishBody,
  RollbackBody,
  ScriptVersionSchema,
  ScriptVersionSummarySchema,
  ValidateBody,
  VersionParams,
} from '../api-schemas.js';
import { engineConnection } from '../flow-service.js';
import { route } from '../route-table.js';
import type { Caller } from '../middleware/authenticate.js';
import type { ServerContext } from '../server-context.js';
import { applicationSnapshot, loadApplication } from '../applications.js';
import type { ApplicationRecord, ScriptVersion } from '../../store/admin-types.js';

/** A publish's (or a rollback's) answer: the new version, and the analyzer's warnings about it. */
const PublishedSchema = ScriptVersionSchema.extend({ warnings: AnalysisSchema.shape.diagnostics }).meta({ id: 'PublishedVersion' });

const summary = (v: ScriptVersion) => ({ number: v.number, hash: v.hash, author: v.author, message: v.message, createdAt: v.createdAt });
const full = (v: ScriptVersion) => ({ ...summary(v), source: v.source });

export function scriptRoutes(ctx: ServerContext) {
  const load = (tenant: string, appId: string): Promise<ApplicationRecord> => loadApplication(ctx.admin, tenant, appId);
  const versionOf = async (tenant: string, appId: string, number: number): Promise<ScriptVersion> => {
    const v = await ctx.admin.getVersion(tenant, appId, number);
    if (v === null) throw notFound(`version ${number} of application ${appId}`);
    return v;
  };
  const analyze = async (caller: Caller, app: ApplicationRecord, source: string) => {
    const connections = (await ctx.admin.listConnections(caller.tenant.id)).map(engineConnection);
    return ctx.lab.analyze(source, { application: applicationSnapshot(app, caller.tenant.domain), connections, explore: true, tenant: caller.tenant.id });
  };
  const publish = async (caller: Caller, app: ApplicationRecord, source: string, message: string, action: string, details: Record<string, string | number>) => {
    // With the exploration: the JIT/MFA conflicts are among the warnings the answer lists.
    const { diagnostics } = await analyze(caller, app, source);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new ApiError('PUBLISH_REFUSED', `the script has ${errors.length} error(s); the first, line ${first.line}: ${first.message}`, { diagnostics: errors });
    }
    const version = await ctx.admin.publishVersion(caller.tenant.id, app.id, { hash: ctx.versionOf(source), source, author: caller.actor, message }, Date.now(), {
      actor: caller.actor,
      action,
      target: app.id,
      details,
    });
    if (app.draft.source !== source) {
      await ctx.admin.saveDraft(caller.tenant.id, app.id, source, caller.actor, Date.now(), { actor: caller.actor, action: 'script.draft', target: app.id, details: { reason: `${action} v${version.number}` } });
    }
    return { ...full(version), warnings: diagnostics.filter((d) => d.severity === 'warning') };
  };

  return [
    route({
      method: 'put',
      path: '/applications/:appId/script/draft',
      summary: "Save the script's draft (flows keep running the published version)",
      tag: 'scripts',
      auth: 'admin',
      params: AppParams,
      body: DraftBody,
      status: 200,
      response: z.object({ draft: ApplicationSchema.shape.draft }),
      handler: async ({ params, body, caller }) => {
        const app = await ctx.admin.saveDraft(caller.tenant.id, params.appId, body.source, caller.actor, Date.now(), {
          actor: caller.actor,
          action: 'script.draft',
          target: params.appId,
          details: { bytes: Buffer.byteLength(body.source) },
        });
        return { body: { draft: app.draft } };
      },
    }),
    route({
      method: 'post',
      path: '/applications/:appId/script/validate',
      summary: "The analyzer's diagnostics, the JIT/MFA conflicts and the flow graph of a script (the draft by default)",
      tag: 'scripts',
      auth: 'admin',
      params: AppParams,
      body: ValidateBody,
      status: 200,
      response: AnalysisSchema,
      handler: async ({ params, body, caller }) => {
        const app = await load(caller.tenant.id, params.appId);
        return { body: await analyze(caller, app, body.source ?? app.draft.source) };
      },
    }),
    route({
      method: 'post',
      path: '/applications/:appId/script/publish',
      summary: 'Publish the draft (or the given source) as a new version; refused while the analyzer reports errors',
      tag: 'scripts',
      auth: 'admin',
      params: AppParams,
      body: PublishBody,
      status: 201,
      response: PublishedSchema,
      handler: async ({ params, body, caller }) => {
        const app = await load(caller.tenant.id, params.appId);
        return { body: await publish(caller, app, body.source ?? app.draft.source, body.message, 'script.publish', {}) };
      },
    }),
    route({
      method: 'get',
      path: '/applications/:appId/script/versions',
      summary: 'The published versions, newest first',
      tag: 'scripts',
      auth: 'admin',
      params: AppParams,
      status: 200,
      response: z.object({ versions: z.array(ScriptVersionSummarySchema) }),
      handler: async ({ params, caller }) => {
        await load(caller.tenant.id, params.appId);
        return { body: { versions: (await ctx.admin.listVersions(caller.tenant.id, params.appId)).map(summary) } };
      },
    }),
    route({
      method: 'get',
      path: '/applications/:appId/script/versions/:number',
      summary: 'One published version with its source',
      tag: 'scripts',
      auth: 'admin',
      params: VersionParams,
      status: 200,
      response: ScriptVersionSchema,
      handler: async ({ params, caller }) => ({ body: full(await versionOf(caller.tenant.id, params.appId, params.number)) }),
    }),
    route({
      method: 'get',
      path: '/applications/:appId/script/diff',
      summary: 'A unified diff between two published versions',
      tag: 'scripts',
      auth: 'admin',
      params: AppParams,
      query: DiffQuery,
      status: 200,
      response: z.object({ from: ScriptVersionSchema, to: ScriptVersionSchema, patch: z.string() }),
      handler: async ({ params, query, caller }) => {
        const from = await versionOf(caller.tenant.id, params.appId, query.from);
        const to = await versionOf(caller.tenant.id, params.appId, query.to);
        const patch = createTwoFilesPatch(`v${from.number}`, `v${to.number}`, from.source, to.source, from.message, to.message);
        return { body: { from: full(from), to: full(to), patch } };
      },
    }),
    route({
      method: 'post',
      path: '/applications/:appId/script/rollback',
      summary: "Publish an earlier version's source again, as a new version (the draft follows)",
      tag: 'scripts',
      auth: 'admin',
      params: AppParams,
      body: RollbackBody,
      status: 201,
      response: PublishedSchema,
      handler: async ({ params, body, caller }) => {
        const app = await load(caller.tenant.id, params.appId);
        const earlier = await versionOf(caller.tenant.id, params.appId, body.version);
        return { body: await publish(caller, app, earlier.source, body.message ?? `Roll back to v${earlier.number}`, 'script.rollback', { to: earlier.number }) };
      },
    }),
  ];
}
