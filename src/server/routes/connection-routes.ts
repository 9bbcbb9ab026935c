/** Connections (federated IdPs) and their JIT provisioning (admin). */
import { z } from 'zod';
import { ApiError, notFound } from '../api-error.js';
import { ConnectionBody, ConnectionParams, ConnectionUpdateBody, ConnectionViewSchema, DeleteConnectionQuery } from '../api-schemas.js';
import { route } from '../route-table.js';
import type { ServerContext } from '../server-context.js';
import { JitSchema } from '../../provisioning/connection.js';
import type { ConnectionRecord } from '../../store/admin-types.js';

type ConnectionBodyType = z.infer<typeof ConnectionUpdateBody>;

export function connectionRoutes(ctx: ServerContext) {
  const viewOf = async (c: ConnectionRecord): Promise<z.infer<typeof ConnectionViewSchema>> => {
    const { tenant: _tenant, ...rest } = c;
    return { ...rest, provisionedUsers: await ctx.admin.countProvisionedUsers(c.tenant, c.name) };
  };
  const recordOf = (tenant: string, name: string, body: ConnectionBodyType, createdAt: number): ConnectionRecord => {
    const jit = JitSchema.safeParse(body.jit);
    if (!jit.success) {
      const issue = jit.error.issues[0]!;
      const path = ['body', 'jit', ...issue.path.map(String)].join('.');
      throw new ApiError('INVALID_REQUEST', `${path}: ${issue.message}`, { issues: [{ path, message: issue.message }] });
    }
    return {
      tenant,
      name,
      authenticator: body.authenticator,
      jit: jit.data,
      claimMappings: body.claimMappings,
      roleMappings: body.roleMappings,
      ...(body.userIdClaim === undefined ? {} : { userIdClaim: body.userIdClaim }),
      ...(body.groupsClaim === undefined ? {} : { groupsClaim: body.groupsClaim }),
      syncedAttributesReadOnly: body.syncedAttributesReadOnly,
      createdAt,
      updatedAt: Date.now(),
    };
  };
  const load = async (tenant: string, name: string) => {
    const c = await ctx.admin.getConnection(tenant, name);
    if (c === null) throw notFound(`connection ${name}`);
    return c;
  };
  return [
    route({
      method: 'get',
      path: '/connections',
      summary: "The tenant's connections",
      tag: 'connections',
      auth: 'admin',
      status: 200,
      response: z.object({ connections: z.array(ConnectionViewSchema) }),
      handler: async ({ caller }) => ({ body: { connections: await Promise.all((await ctx.admin.listConnections(caller.tenant.id)).map(viewOf)) } }),
    }),
    route({
      method: 'post',
      path: '/connections',
      summary: 'Create a connection',
      tag: 'connections',
      auth: 'admin',
      body: ConnectionBody,
      status: 201,
      response: ConnectionViewSchema,
      handler: async ({ body, caller }) => {
        const record = recordOf(caller.tenant.id, body.name, body, Date.now());
        const created = await ctx.admin.createConnection(record, { actor: caller.actor, action: 'connection.create', target: body.name, details: { jit: record.jit } });
        return { body: await viewOf(created), headers: { Location: `/api/v1/connections/${encodeURIComponent(body.name)}` } };
      },
    }),
    route({
      method: 'get',
      path: '/connections/:name',
      summary: 'One connection',
      tag: 'connections',
      auth: 'admin',
      params: ConnectionParams,
      status: 200,
      response: ConnectionViewSchema,
      handler: async ({ params, caller }) => ({ body: await viewOf(await load(caller.tenant.id, params.name)) }),
    }),
    route({
      method: 'put',
      path: '/connections/:name',
      summary: "Replace a connection's settings (flows in progress keep the settings they started with)",
      tag: 'connections',
      auth: 'admin',
      params: ConnectionParams,
      body: ConnectionUpdateBody,
      status: 200,
      response: ConnectionViewSchema,
      handler: async ({ params, body, caller }) => {
        const existing = await load(caller.tenant.id, params.name);
        const record = recordOf(caller.tenant.id, params.name, body, existing.createdAt);
        const saved = await ctx.admin.replaceConnection(record, { actor: caller.actor, action: 'connection.update', target: params.name, details: { jit: record.jit } });
        return { body: await viewOf(saved) };
      },
    }),
    route({
      method: 'delete',
      path: '/connections/:name',
      summary: 'Delete a connection; say what happens to the users it provisioned (provisionedUsers=delete|keep)',
      tag: 'connections',
      auth: 'admin',
      params: ConnectionParams,
      query: DeleteConnectionQuery,
      status: 204,
      handler: async ({ params, query, caller }) => {
        await load(caller.tenant.id, params.name);
        const provisioned = await ctx.admin.countProvisionedUsers(caller.tenant.id, params.name);
        if (provisioned > 0 && query.provisionedUsers === undefined) {
          throw new ApiError('INVALID_REQUEST', `query.provisionedUsers: ${params.name} provisioned ${provisioned} user(s); say whether to delete or keep them (?provisionedUsers=delete or keep)`, {
            issues: [{ path: 'query.provisionedUsers', message: 'required: delete or keep' }],
            provisionedUsers: provisioned,
          });
        }
        const done = await ctx.admin.deleteConnection(caller.tenant.id, params.name, query.provisionedUsers ?? 'keep', { actor: caller.actor, action: 'connection.delete', target: params.name, details: {} });
        if (!done.deleted) throw notFound(`connection ${params.name}`);
        return {};
      },
    }),
  ];
}
