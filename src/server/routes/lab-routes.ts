/** The simulator and the analyzer over HTTP (admin): the same engine as the CLI. */
import { z } from 'zod';
import { AnalysisSchema, LintBody } from '../api-schemas.js';
import { engineConnection } from '../flow-service.js';
import { route } from '../route-table.js';
import type { ServerContext } from '../server-context.js';
import { applicationSnapshot, loadApplication } from '../applications.js';
import { TraceSchema } from '../../simulate/scenario-schema.js';

export function labRoutes(ctx: ServerContext) {
  return [
    route({
      method: 'post',
      path: '/simulate',
      summary: 'Simulate a scenario (shared/SCENARIOS.md, with the script inline as "source") and answer its trace',
      tag: 'lab',
      auth: 'admin',
      body: z.record(z.string(), z.unknown()),
      status: 200,
      response: TraceSchema,
      handler: async ({ body }) => ({ body: await ctx.lab.simulate(body) }),
    }),
    route({
      method: 'post',
      path: '/lint',
      summary: "A script's diagnostics; with an application, also its JIT/MFA conflicts and flow graph",
      tag: 'lab',
      auth: 'admin',
      body: LintBody,
      status: 200,
      response: AnalysisSchema,
      handler: async ({ body, caller }) => {
        let application;
        if (typeof body.application === 'string') {
          application = applicationSnapshot(await loadApplication(ctx.admin, caller.tenant.id, body.application), caller.tenant.domain);
        } else if (body.application !== undefined) {
          application = { name: body.application.name, tenantDomain: caller.tenant.domain, steps: body.application.steps };
        }
        const connections = (await ctx.admin.listConnections(caller.tenant.id)).map(engineConnection);
        return { body: await ctx.lab.analyze(body.script, { ...(application === undefined ? {} : { application }), connections, loopsAsErrors: body.loopsAsErrors, explore: application !== undefined, tenant: caller.tenant.id }) };
      },
    }),
  ];
}
