/**
 * Routes as data: each names its method, path, credential, the zod schemas of its parameters,
 * query and body, and its answer. The same table registers the express handlers (which validate
 * with those schemas before the handler runs) and the OpenAPI document, so the two cannot drift.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { ApiError, invalidRequest } from './api-error.js';
import { ErrorBodySchema } from './api-schemas.js';
import { JsonSchema } from '../../runtime/protocol.js';
import { JsonValue } from '../simulate/scenario-schema.js';
import type { Caller } from './middleware/authenticate.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Auth = 'admin' | 'client' | 'none';

export interface HandlerContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly caller: Caller;
  readonly req: Request;
  readonly res: Response;
}

/** What a handler answers: a status and a JSON body (no body for 204). */
export interface Answer {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  /** Express-style, relative to /api/v1: `/applications/:appId`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: Auth;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Request headers the route reads (for the document). */
  readonly headers?: z.ZodObject;
  readonly status: number;
  readonly response?: z.ZodType;
  readonly handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Answer>;
}

type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export function route<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUndefined>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec as unknown as AnyRoute;
}

const NoParams = z.object({}).strict();

function parse<T extends z.ZodType>(schema: T, where: 'body' | 'query' | 'params', value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(where, parsed.error);
  return parsed.data;
}

/** Registers the routes on an express router, each behind the middlewares its credential needs. */
export function mountRoutes(router: Router, routes: readonly AnyRoute[], guards: Readonly<Record<Auth, readonly RequestHandler[]>>): void {
  for (const r of routes) {
    const handler = async (req: Request, res: Response, next: NextFunction) => {
      // The request's log line names the flow, also when the request fails.
      if (typeof req.params['flowId'] === 'string') res.locals.flowId = req.params['flowId'];
      try {
        const params = parse(r.params ?? NoParams, 'params', { ...req.params });
        const query = parse(r.query ?? NoParams, 'query', { ...(req.query as object) });
        let body: unknown;
        if (r.body !== undefined) {
          if (req.body === undefined) throw new ApiError('INVALID_REQUEST', 'body: a JSON body is required (Content-Type: application/json)');
          body = parse(r.body, 'body', req.body);
        } else if (req.body !== undefined && !(typeof req.body === 'object' && req.body !== null && Object.keys(req.body).length === 0)) {
          throw new ApiError('INVALID_REQUEST', 'body: this request takes no body');
        }
        const caller = res.locals.caller as Caller;
        const answer = await r.handler({ params, query, body, caller, req, res });
        for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
        const status = answer.status ?? r.status;
        if (answer.body === undefined) res.status(status).end();
        else res.status(status).json(answer.body);
      } catch (e) {
        next(e);
      }
    };
    router[r.method](r.path, ...guards[r.auth], handler);
  }
}

/** The OpenAPI 3.1 document of the routes. */
export function openApiDocument(routes: readonly AnyRoute[], info: { title: string; version: string }): unknown {
  // JSON values are recursive: a named component (a $ref) ends the recursion. Named in the
  // generator's own registry, so zod's global one (the JSON Schemas of docs/) is not touched.
  for (const json of [JsonSchema, JsonValue]) {
    if (zodToOpenAPIRegistry.get(json) === undefined) zodToOpenAPIRegistry.add(json, { _internal: { refId: 'Json' } } as never);
  }
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer', description: 'An admin token (ast_...)' });
  registry.registerComponent('securitySchemes', 'flowClient', { type: 'http', scheme: 'basic', description: 'A flow client id and secret' });
  for (const r of routes) {
    const errors = { description: 'An error; `error.code` says which', content: { 'application/json': { schema: ErrorBodySchema } } };
    registry.registerPath({
      method: r.method,
      path: `/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`,
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth === 'none' ? {} : { security: [{ [r.auth === 'admin' ? 'adminToken' : 'flowClient']: [] }] }),
      request: {
        ...(r.params === undefined ? {} : { params: r.params as z.ZodObject }),
        ...(r.query === undefined ? {} : { query: r.query as z.ZodObject }),
        ...(r.headers === undefined ? {} : { headers: r.headers }),
        ...(r.body === undefined ? {} : { body: { content: { 'application/json': { schema: r.body } } } }),
      },
      responses: {
        [r.status]: r.response === undefined ? { description: 'Done' } : { description: 'OK', content: { 'application/json': { schema: r.response } } },
        '4XX': errors,
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info, servers: [{ url: '/' }] });
}
