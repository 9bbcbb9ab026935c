/** Applications and their steps (admin). */
import { z } from 'zod';
import { notFound } from '../api-error.js';
import { AppParams, ApplicationSchema, CreateApplicationBody, SavedScenariosBody, SavedScenariosViewSchema, UpdateApplicationBody } from '../api-schemas.js';
import { route } from '../route-table.js';
import type { ServerContext } from '../server-context.js';
import { loadApplication } from '../applications.js';
import type { ApplicationRecord } from '../../store/admin-types.js';
import { ApiError } from '../api-error.js';

export function applicationView(app: ApplicationRecord): z.infer<typeof ApplicationSchema> {
  const { tenant: _tenant, ...view } = app;
  return view;
}

/** A step index must name a configured step. */
function checkStepIndexes(steps: readonly unknown[], subjectStep: number | null | undefined, attributeStep: number | null | undefined): void {
  for (const [field, value] of [['subjectStep', subjectStep], ['attributeStep', attributeStep]] as const) {
    if (value !== null && value !== undefined && value > steps.length) {
      throw new ApiError('INVALID_REQUEST', `body.${field}: step ${value} is not configured (the application has ${steps.length} step(s))`, { issues: [{ path: `body.${field}`, message: `the application has ${steps.length} step(s)` }] });
    }
  }
}

export function applicationRoutes(ctx: ServerContext) {
  const load = (tenant: string, appId: string) => loadApplication(ctx.admin, tenant, appId);
  return [
    route({
      method: 'get',
      path: '/applications',
      summary: "The tenant's applications",
      tag: 'applications',
      auth: 'admin',
      status: 200,
      response: z.object({ applications: z.array(ApplicationSchema) }),
      handler: async ({ caller }) => ({ body: { applications: (await ctx.admin.listApplications(caller.tenant.id)).map(applicationView) } }),
    }),
    route({
      method: 'post',
      path: '/applications',
      summary: 'Create an application',
      tag: 'applications',
      auth: 'admin',
      body: CreateApplicationBody,
      status: 201,
      response: ApplicationSchema,
      handler: async ({ body, caller }) => {
        checkStepIndexes(body.steps, body.subjectStep, body.attributeStep);
        const { source, ...app } = body;
        const created = await ctx.admin.createApplication(caller.tenant.id, { ...app, draft: source }, Date.now(), {
          actor: caller.actor,
          action: 'application.create',
          target: '',
          details: { name: body.name, steps: body.steps.length },
        });
        return { body: applicationView(created), headers: { Location: `/api/v1/applications/${created.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/applications/:appId',
      summary: 'One application',
      tag: 'applications',
      auth: 'admin',
      params: AppParams,
      status: 200,
      response: ApplicationSchema,
      handler: async ({ params, caller }) => ({ body: applicationView(await load(caller.tenant.id, params.appId)) }),
    }),
    route({
      method: 'patch',
      path: '/applications/:appId',
      summary: 'Change an application: name, steps, subject and attribute steps, script on or off',
      tag: 'applications',
      auth: 'admin',
      params: AppParams,
      body: UpdateApplicationBody,
      status: 200,
      response: ApplicationSchema,
      handler: async ({ params, body, caller }) => {
        const app = await load(caller.tenant.id, params.appId);
        checkStepIndexes(body.steps ?? app.steps, body.subjectStep === undefined ? app.subjectStep : body.subjectStep, body.attributeStep === undefined ? app.attributeStep : body.attributeStep);
        const updated = await ctx.admin.updateApplication(caller.tenant.id, params.appId, body, Date.now(), {
          actor: caller.actor,
          action: 'application.update',
          target: params.appId,
          details: { changed: Object.keys(body) },
        });
        return { body: applicationView(updated) };
      },
    }),
    route({
      method: 'get',
      path: '/applications/:appId/scenarios',
      summary: "The scenarios saved beside the application's script (the editor's tests of it)",
      tag: 'applications',
      auth: 'admin',
      params: AppParams,
      status: 200,
      response: SavedScenariosViewSchema,
      handler: async ({ params, caller }) => {
        await load(caller.tenant.id, params.appId);
        return { body: await ctx.admin.getSavedScenarios(caller.tenant.id, params.appId) };
      },
    }),
    route({
      method: 'put',
      path: '/applications/:appId/scenarios',
      summary: "Replace the scenarios saved beside the application's script",
      tag: 'applications',
      auth: 'admin',
      params: AppParams,
      body: SavedScenariosBody,
      status: 200,
      response: SavedScenariosViewSchema,
      handler: async ({ params, body, caller }) => {
        const saved = await ctx.admin.putSavedScenarios(caller.tenant.id, params.appId, body.scenarios, caller.actor, Date.now(), {
          actor: caller.actor,
          action: 'application.scenarios',
          target: params.appId,
          details: { count: body.scenarios.length },
        });
        return { body: saved };
      },
    }),
    route({
      method: 'delete',
      path: '/applications/:appId',
      summary: 'Delete an application and its script versions (flows in progress finish with the version they pinned)',
      tag: 'applications',
      auth: 'admin',
      params: AppParams,
      status: 204,
      handler: async ({ params, caller }) => {
        const deleted = await ctx.admin.deleteApplication(caller.tenant.id, params.appId, { actor: caller.actor, action: 'application.delete', target: params.appId, details: {} });
        if (!deleted) throw notFound(`application ${params.appId}`);
        return {};
      },
    }),
  ];
}
