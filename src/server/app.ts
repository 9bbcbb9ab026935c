/**
 * The express application, as a readable pipeline: security headers, request id and logging,
 * then the unauthenticated probes (/healthz, /readyz, /metrics, the OpenAPI document), then the
 * API (JSON only, size-limited, every route behind its credential), then the editor's static
 * files, then the error handler. Nothing here holds state between requests but the store.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import express, { type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { ApiError } from './api-error.js';
import { handleErrors, notFoundRoute, requireJson } from './middleware/handle-errors.js';
import { requireAdmin, requireClient } from './middleware/authenticate.js';
import { limitJsonDepth } from './middleware/limit-json-depth.js';
import { mountRoutes, openApiDocument } from './route-table.js';
import { applicationRoutes } from './routes/application-routes.js';
import { connectionRoutes } from './routes/connection-routes.js';
import { flowRoutes } from './routes/flow-routes.js';
import { labRoutes } from './routes/lab-routes.js';
import { scriptRoutes } from './routes/script-routes.js';
import { tenantRoutes } from './routes/tenant-routes.js';
import { userRoutes } from './routes/user-routes.js';
import type { ServerContext } from './server-context.js';

export interface AppOptions {
  /** The editor's built files (editor/dist); the editor is not served when absent. */
  readonly editorDir?: string;
  readonly version: string;
}

export function allRoutes(ctx: ServerContext) {
  return [...tenantRoutes(ctx), ...applicationRoutes(ctx), ...scriptRoutes(ctx), ...connectionRoutes(ctx), ...userRoutes(ctx), ...labRoutes(ctx), ...flowRoutes(ctx)];
}

export function createApp(ctx: ServerContext, options: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use(
    helmet({
      // The server speaks plain HTTP; TLS (and HSTS) belong to the proxy in front of it.
      strictTransportSecurity: false,
      contentSecurityPolicy: {
        directives: {
          'upgrade-insecure-requests': null,
          'default-src': ["'self'"],
          // monaco injects its styles and loads its fonts as data: URLs; its workers are files of the bundle.
          'style-src': ["'self'", "'unsafe-inline'"],
          'font-src': ["'self'", 'data:'],
          'img-src': ["'self'", 'data:'],
          'worker-src': ["'self'", 'blob:'],
          'connect-src': ["'self'"],
        },
      },
    }),
  );
  app.use(observe(ctx));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res, next) => {
    try {
      await ctx.admin.listTenants();
      res.json({ status: 'ready' });
    } catch (e) {
      ctx.logger.warn({ err: e }, 'not ready: the database does not answer');
      next(new ApiError('NOT_READY', 'the database does not answer'));
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  const routes = allRoutes(ctx);
  const openapi = openApiDocument(routes, { title: 'authscript', version: options.version });
  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  // Only failed credential checks count: a client that keeps guessing is slowed down, one that
  // works is never limited.
  const guessing = rateLimit({
    windowMs: 60_000,
    limit: ctx.config.credentialChecksPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    handler: (_req, _res, next) => next(new ApiError('RATE_LIMITED', 'too many failed credential checks from this address; wait a minute')),
  });
  // The body is read only once the caller is known: without a credential nothing of the request
  // runs, not even JSON parsing of up to bodyLimitBytes.
  const readJson = [requireJson, express.json({ limit: ctx.config.bodyLimitBytes, strict: true, type: 'application/json' }), limitJsonDepth()];
  mountRoutes(api, routes, { admin: [guessing, requireAdmin(ctx.admin), ...readJson], client: [guessing, requireClient(ctx.admin), ...readJson], none: readJson });
  api.use(notFoundRoute);
  app.use('/api/v1', api);
  app.use('/api', notFoundRoute);

  if (options.editorDir !== undefined && existsSync(options.editorDir)) {
    app.use(express.static(options.editorDir, { index: 'index.html', maxAge: '1h', setHeaders: (res, path) => path.endsWith('.html') && res.setHeader('Cache-Control', 'no-cache') }));
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('authscript is running. The editor is not built: run `npm run build`. The API is at /api/v1 (see /api/v1/openapi.json).\n');
    });
  }
  app.use(notFoundRoute);
  app.use(handleErrors(ctx.logger));
  return app;
}

/** A request id on every answer and log line; a log line and metrics per request. */
function observe(ctx: ServerContext): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routePath = (req.route as { path?: string } | undefined)?.path;
      const route = routePath === undefined ? 'unmatched' : `${req.baseUrl}${routePath}`;
      ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      ctx.metrics.httpSeconds.observe({ method: req.method, route }, seconds);
      const flowId = res.locals.flowId as string | undefined;
      ctx.logger.info(
        { requestId, ...(flowId === undefined ? {} : { flowId }), method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10, tenant: res.locals.caller?.tenant?.id },
        'request',
      );
    });
    next();
  };
}
