/** The flow API, for identity servers (flow client credentials). */
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { ChallengeBody, ChallengeViewSchema, FlowParams, FlowViewSchema, IdempotencyKeySchema, InteractionBody, StartFlowBody } from '../api-schemas.js';
import { route } from '../route-table.js';
import type { ServerContext } from '../server-context.js';
import type { Request } from 'express';

const IdempotencyHeader = z.object({ 'idempotency-key': IdempotencyKeySchema.optional() });

function idempotencyKey(req: Request): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(Array.isArray(raw) ? raw.join(',') : raw);
  if (!parsed.success) throw new ApiError('INVALID_REQUEST', `header.Idempotency-Key: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export function flowRoutes(ctx: ServerContext) {
  return [
    route({
      method: 'post',
      path: '/flows',
      summary: 'Start a login flow for an application',
      tag: 'flows',
      auth: 'client',
      body: StartFlowBody,
      headers: IdempotencyHeader,
      status: 201,
      response: FlowViewSchema,
      handler: async ({ body, caller, req, res }) => {
        const { view, created } = await ctx.flows.start(caller, body, idempotencyKey(req));
        res.locals.flowId = view.id; // for the request's log line
        return { status: created ? 201 : 200, body: view, headers: { Location: `/api/v1/flows/${view.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/flows/:flowId',
      summary: 'What a flow waits for, or how it ended',
      tag: 'flows',
      auth: 'client',
      params: FlowParams,
      status: 200,
      response: FlowViewSchema,
      handler: async ({ params, caller }) => ({ body: await ctx.flows.get(caller, params.flowId) }),
    }),
    route({
      method: 'post',
      path: '/flows/:flowId/interactions',
      summary: 'Advance a flow: a step attempt, a prompt answer, an async result or a JIT answer',
      tag: 'flows',
      auth: 'client',
      params: FlowParams,
      body: InteractionBody,
      headers: IdempotencyHeader,
      status: 200,
      response: FlowViewSchema,
      handler: async ({ params, body, caller, req }) => ({ body: await ctx.flows.interact(caller, params.flowId, body, idempotencyKey(req)) }),
    }),
    route({
      method: 'post',
      path: '/flows/:flowId/challenge',
      summary: "Start or repeat the challenge of the step the flow waits for: send an email OTP code, or offer a TOTP enrolment",
      tag: 'flows',
      auth: 'client',
      params: FlowParams,
      body: ChallengeBody,
      status: 200,
      response: ChallengeViewSchema,
      handler: async ({ params, body, caller }) => ({ body: await ctx.flows.challenge(caller, params.flowId, body) }),
    }),
  ];
}
