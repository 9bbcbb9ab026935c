/** The caller, flow clients, the audit log, the outbox and templates (admin). */
import { z } from 'zod';
import { ApiError, notFound } from '../api-error.js';
import { AuditEntryViewSchema, AuditQuery, ClientParams, ClientViewSchema, CreateClientBody, SecretBody, SecretListSchema, SecretParams, TemplateParams } from '../api-schemas.js';
import { issueCredential } from '../credentials.js';
import { route } from '../route-table.js';
import type { ServerContext } from '../server-context.js';
import type { Credential } from '../../store/admin-types.js';
import { EmailSchema } from '../../store/types.js';
import type { Json } from '../../../runtime/protocol.js';
import { TenantSettingsSchema } from '../tenant-settings.js';

const clientView = (c: Credential) => ({ id: c.id, name: c.name, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt });

export function tenantRoutes(ctx: ServerContext) {
  return [
    route({
      method: 'get',
      path: '/me',
      summary: 'The tenant and credential of the caller',
      tag: 'tenant',
      auth: 'admin',
      status: 200,
      response: z.object({ tenant: z.object({ id: z.string(), name: z.string(), domain: z.string() }), credential: z.object({ id: z.string(), name: z.string() }) }),
      handler: async ({ caller }) => ({
        body: { tenant: { id: caller.tenant.id, name: caller.tenant.name, domain: caller.tenant.domain }, credential: { id: caller.credential.id, name: caller.credential.name } },
      }),
    }),
    route({
      method: 'get',
      path: '/settings',
      summary: "The tenant's own settings: sandbox limits, the domains its scripts may call, the lockout policy, email OTP",
      tag: 'tenant',
      auth: 'admin',
      status: 200,
      response: TenantSettingsSchema,
      handler: async ({ caller }) => ({ body: await ctx.tenantSettings.refresh(caller.tenant.id) }),
    }),
    route({
      method: 'put',
      path: '/settings',
      summary: "Replace the tenant's settings (what is left out falls back to the server's)",
      tag: 'tenant',
      auth: 'admin',
      body: TenantSettingsSchema,
      status: 200,
      response: TenantSettingsSchema,
      handler: async ({ body, caller }) => {
        await ctx.admin.putTenantSettings(caller.tenant.id, body as Record<string, Json>, { actor: caller.actor, action: 'tenant.settings', target: caller.tenant.id, details: body as Record<string, Json> });
        ctx.tenantSettings.remember(caller.tenant.id, body);
        return { body };
      },
    }),
    route({
      method: 'get',
      path: '/secrets',
      summary: "The names of the tenant's script secrets (never their values)",
      tag: 'tenant',
      auth: 'admin',
      status: 200,
      response: SecretListSchema,
      handler: async ({ caller }) => ({ body: { secrets: await ctx.admin.listSecrets(caller.tenant.id) } }),
    }),
    route({
      method: 'put',
      path: '/secrets/:name',
      summary: 'Set a script secret: sealed at rest, used only as {{secret:name}} in the server\'s HTTP calls, never shown again',
      tag: 'tenant',
      auth: 'admin',
      params: SecretParams,
      body: SecretBody,
      status: 204,
      handler: async ({ params, body, caller }) => {
        const tenant = caller.tenant.id;
        await ctx.admin.putSecret(tenant, params.name, ctx.sealSecret(tenant, params.name, body.value), Date.now(), { actor: caller.actor, action: 'secret.set', target: params.name, details: {} });
        await ctx.tenantSettings.refreshSecrets(tenant);
        return {};
      },
    }),
    route({
      method: 'delete',
      path: '/secrets/:name',
      summary: 'Delete a script secret',
      tag: 'tenant',
      auth: 'admin',
      params: SecretParams,
      status: 204,
      handler: async ({ params, caller }) => {
        const deleted = await ctx.admin.deleteSecret(caller.tenant.id, params.name, { actor: caller.actor, action: 'secret.delete', target: params.name, details: {} });
        if (!deleted) throw notFound(`secret ${params.name}`);
        await ctx.tenantSettings.refreshSecrets(caller.tenant.id);
        return {};
      },
    }),
    route({
      method: 'get',
      path: '/clients',
      summary: 'Flow clients (identity servers that may call the flow API)',
      tag: 'tenant',
      auth: 'admin',
      status: 200,
      response: z.object({ clients: z.array(ClientViewSchema) }),
      handler: async ({ caller }) => ({ body: { clients: (await ctx.admin.listCredentials(caller.tenant.id, 'flow-client')).map(clientView) } }),
    }),
    route({
      method: 'post',
      path: '/clients',
      summary: 'Create a flow client; its secret is in this answer only',
      tag: 'tenant',
      auth: 'admin',
      body: CreateClientBody,
      status: 201,
      response: ClientViewSchema.extend({ secret: z.string() }),
      handler: async ({ body, caller }) => {
        const issued = await issueCredential(ctx.admin, caller.tenant.id, 'flow-client', body.name, Date.now(), { actor: caller.actor, action: 'client.create', target: '', details: { name: body.name } });
        return { body: { ...clientView(issued.credential), secret: issued.secret } };
      },
    }),
    route({
      method: 'delete',
      path: '/clients/:clientId',
      summary: 'Revoke a flow client',
      tag: 'tenant',
      auth: 'admin',
      params: ClientParams,
      status: 204,
      handler: async ({ params, caller }) => {
        const existing = await ctx.admin.getCredential(params.clientId);
        if (existing === null || existing.tenant !== caller.tenant.id || existing.kind !== 'flow-client') throw notFound(`flow client ${params.clientId}`);
        await ctx.admin.deleteCredential(caller.tenant.id, params.clientId, { actor: caller.actor, action: 'client.delete', target: params.clientId, details: { name: existing.name } });
        return {};
      },
    }),
    route({
      method: 'get',
      path: '/audit',
      summary: 'The audit log, newest first (page with ?before=<id of the last entry seen>)',
      tag: 'tenant',
      auth: 'admin',
      query: AuditQuery,
      status: 200,
      response: z.object({ entries: z.array(AuditEntryViewSchema) }),
      handler: async ({ query, caller }) => {
        let before: number | undefined;
        if (query.before !== undefined) {
          const cursor = await ctx.admin.auditCursor(caller.tenant.id, query.before);
          if (cursor === null) throw new ApiError('INVALID_REQUEST', `query.before: no audit entry ${query.before}`);
          before = cursor;
        }
        const entries = await ctx.admin.auditLog(caller.tenant.id, { limit: query.limit, ...(before === undefined ? {} : { before }) });
        return { body: { entries: entries.map(({ tenant: _t, ...e }) => e) } };
      },
    }),
    route({
      method: 'get',
      path: '/outbox',
      summary: 'Emails the tenant sent (email OTP codes, script emails)',
      tag: 'tenant',
      auth: 'admin',
      status: 200,
      response: z.object({ emails: z.array(EmailSchema.omit({ tenant: true })) }),
      handler: async ({ caller }) => ({ body: { emails: (await ctx.store.emails(caller.tenant.id)).map(({ tenant: _t, ...e }) => e) } }),
    }),
    route({
      method: 'get',
      path: '/templates',
      summary: 'The template library',
      tag: 'templates',
      auth: 'admin',
      status: 200,
      response: z.object({ templates: z.array(z.record(z.string(), z.unknown())) }),
      handler: async () => ({ body: { templates: (await ctx.templates()).map(({ script: _s, ...t }) => t) } }),
    }),
    route({
      method: 'get',
      path: '/templates/:templateId',
      summary: 'One template with its script and scenario names',
      tag: 'templates',
      auth: 'admin',
      params: TemplateParams,
      status: 200,
      response: z.record(z.string(), z.unknown()),
      handler: async ({ params }) => {
        const t = (await ctx.templates()).find((x) => x.id === params.templateId);
        if (t === undefined) throw notFound(`template ${params.templateId}`);
        return { body: t };
      },
    }),
  ];
}
