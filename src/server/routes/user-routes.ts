/**
 * Local users and their federated associations (admin). JIT users' synced attributes are
 * read-only when their connection says so; a federated identity can be locked without locking
 * the local account. Passwords are hashed before they reach the store and never answered.
 */
import { z } from 'zod';
import { ApiError, notFound } from '../api-error.js';
import { AssociationBody, AssociationParams, CreateUserBody, UpdateUserBody, UserParams, UserViewSchema, UsersQuery } from '../api-schemas.js';
import { route } from '../route-table.js';
import type { ServerContext } from '../server-context.js';
import { hashPassword } from '../../authenticators/passwords.js';
import type { LocalUser, UserPatch } from '../../store/types.js';

export function userView(u: LocalUser): z.infer<typeof UserViewSchema> {
  return {
    id: u.id,
    username: u.username,
    userStoreDomain: u.userStoreDomain,
    roles: u.roles,
    groups: u.groups,
    claims: u.claims,
    locked: u.locked,
    disabled: u.disabled,
    hasPassword: u.passwordHash !== null,
    totpEnrolled: u.totpSecret !== null,
    provisionedBy: u.provisionedBy,
  };
}

const SYNCED = ['claims', 'roles', 'groups'] as const;

export function userRoutes(ctx: ServerContext) {
  const load = async (tenant: string, id: string) => {
    const u = await ctx.store.getUserById(tenant, id);
    if (u === null) throw notFound(`user ${id}`);
    return u;
  };
  return [
    route({
      method: 'get',
      path: '/users',
      summary: 'Local users, optionally those whose username contains `query`',
      tag: 'users',
      auth: 'admin',
      query: UsersQuery,
      status: 200,
      response: z.object({ users: z.array(UserViewSchema), total: z.number().int() }),
      handler: async ({ query, caller }) => {
        const { users, total } = await ctx.admin.listUsers(caller.tenant.id, { ...(query.query === undefined ? {} : { search: query.query }), limit: query.limit, offset: query.offset });
        return { body: { users: users.map(userView), total } };
      },
    }),
    route({
      method: 'post',
      path: '/users',
      summary: 'Create a local user',
      tag: 'users',
      auth: 'admin',
      body: CreateUserBody,
      status: 201,
      response: UserViewSchema,
      handler: async ({ body, caller }) => {
        const user = await ctx.admin.createUserAudited(
          caller.tenant.id,
          {
            username: body.username,
            userStoreDomain: body.userStoreDomain.toUpperCase(),
            passwordHash: body.password === undefined ? null : hashPassword(body.password),
            roles: body.roles,
            groups: body.groups,
            claims: body.claims,
            totpSecret: null,
            locked: false,
            disabled: false,
            provisionedBy: null,
          },
          { actor: caller.actor, action: 'user.create', target: '', details: { username: body.username, userStoreDomain: body.userStoreDomain, roles: body.roles, groups: body.groups } },
        );
        return { body: userView(user), headers: { Location: `/api/v1/users/${user.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/users/:userId',
      summary: 'One user',
      tag: 'users',
      auth: 'admin',
      params: UserParams,
      status: 200,
      response: UserViewSchema,
      handler: async ({ params, caller }) => ({ body: userView(await load(caller.tenant.id, params.userId)) }),
    }),
    route({
      method: 'patch',
      path: '/users/:userId',
      summary: "Change a user's password, roles, groups, claims, lock or disabled state",
      tag: 'users',
      auth: 'admin',
      params: UserParams,
      body: UpdateUserBody,
      status: 200,
      response: UserViewSchema,
      handler: async ({ params, body, caller }) => {
        const user = await load(caller.tenant.id, params.userId);
        if (user.provisionedBy !== null) {
          const connection = await ctx.admin.getConnection(caller.tenant.id, user.provisionedBy);
          const touched = SYNCED.filter((k) => body[k] !== undefined);
          if (connection?.syncedAttributesReadOnly === true && touched.length > 0) {
            throw new ApiError('FORBIDDEN', `${touched.join(', ')} of this user are synced from ${user.provisionedBy} at each login and read-only here (the connection's syncedAttributesReadOnly)`);
          }
        }
        const patch: UserPatch = {
          ...(body.roles === undefined ? {} : { roles: body.roles }),
          ...(body.groups === undefined ? {} : { groups: body.groups }),
          ...(body.claims === undefined ? {} : { claims: body.claims }),
          ...(body.locked === undefined ? {} : { locked: body.locked }),
          ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
          ...(body.password === undefined ? {} : { passwordHash: hashPassword(body.password) }),
        };
        const { password: _password, ...audited } = body;
        const updated = await ctx.admin.updateUserAudited(caller.tenant.id, params.userId, patch, {
          actor: caller.actor,
          action: 'user.update',
          target: params.userId,
          details: { ...audited, ...(body.password === undefined ? {} : { password: '(changed)' }) },
        });
        return { body: userView(updated) };
      },
    }),
    route({
      method: 'delete',
      path: '/users/:userId',
      summary: 'Delete a user with its associations and sessions',
      tag: 'users',
      auth: 'admin',
      params: UserParams,
      status: 204,
      handler: async ({ params, caller }) => {
        const deleted = await ctx.admin.deleteUser(caller.tenant.id, params.userId, { actor: caller.actor, action: 'user.delete', target: params.userId, details: {} });
        if (!deleted) throw notFound(`user ${params.userId}`);
        return {};
      },
    }),
    route({
      method: 'post',
      path: '/users/:userId/unlock',
      summary: 'Unlock a locked account and reset its failed login attempts',
      tag: 'users',
      auth: 'admin',
      params: UserParams,
      status: 200,
      response: UserViewSchema,
      handler: async ({ params, caller }) => {
        const user = await load(caller.tenant.id, params.userId);
        const claims = { ...user.claims };
        for (const k of Object.keys(claims)) if (/identity\/(failedLoginAttempts|accountLocked|unlockTime)$/.test(k)) delete claims[k];
        const updated = await ctx.admin.updateUserAudited(caller.tenant.id, params.userId, { locked: false, claims }, { actor: caller.actor, action: 'user.unlock', target: params.userId, details: {} });
        return { body: userView(updated) };
      },
    }),
    route({
      method: 'delete',
      path: '/users/:userId/totp',
      summary: "Remove the user's TOTP device (the next TOTP step enrols a new one)",
      tag: 'users',
      auth: 'admin',
      params: UserParams,
      status: 204,
      handler: async ({ params, caller }) => {
        await load(caller.tenant.id, params.userId);
        await ctx.admin.updateUserAudited(caller.tenant.id, params.userId, { totpSecret: null }, { actor: caller.actor, action: 'user.totp.remove', target: params.userId, details: {} });
        return {};
      },
    }),
    route({
      method: 'get',
      path: '/users/:userId/associations',
      summary: "The user's federated identities",
      tag: 'users',
      auth: 'admin',
      params: UserParams,
      status: 200,
      response: z.object({ associations: z.array(z.object({ idp: z.string(), subject: z.string(), locked: z.boolean() })) }),
      handler: async ({ params, caller }) => {
        await load(caller.tenant.id, params.userId);
        const associations = await ctx.admin.associationsOfUser(caller.tenant.id, params.userId);
        return { body: { associations: associations.map((a) => ({ idp: a.idp, subject: a.subject, locked: a.locked })) } };
      },
    }),
    route({
      method: 'patch',
      path: '/users/:userId/associations/:idp/:subject',
      summary: 'Lock or unlock one federated identity of a user (the local account is not touched)',
      tag: 'users',
      auth: 'admin',
      params: AssociationParams,
      body: AssociationBody,
      status: 200,
      response: z.object({ idp: z.string(), subject: z.string(), locked: z.boolean() }),
      handler: async ({ params, body, caller }) => {
        const done = await ctx.admin.setAssociationLockedAudited(caller.tenant.id, params.userId, params.idp, params.subject, body.locked, {
          actor: caller.actor,
          action: body.locked ? 'association.lock' : 'association.unlock',
          target: params.userId,
          details: { idp: params.idp },
        });
        if (!done) throw notFound(`association ${params.idp}/${params.subject} of user ${params.userId}`);
        return { body: { idp: params.idp, subject: params.subject, locked: body.locked } };
      },
    }),
  ];
}
