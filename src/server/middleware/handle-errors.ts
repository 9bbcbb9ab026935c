/**
 * The last middleware: turns what a request threw into a JSON error. ApiErrors and the engine's
 * FlowErrors say what was wrong; body-parser's errors (malformed JSON, too large, wrong charset)
 * become 400/413/415; anything else is a 500 whose details stay in the log — the client gets the
 * request id to quote, never a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError } from '../api-error.js';
import { FlowError } from '../../flow/flow-error.js';
import { ConflictError, NotFoundError } from '../../store/admin-types.js';
import { ConcurrentUpdateError, DuplicateUserError } from '../../store/types.js';
import { InvalidRecordError } from '../../store/sql/record-checks.js';
import { UserNotFoundError } from '../../store/sql/user-writes.js';
import type { Logger } from '../logger.js';

interface BodyParserError {
  readonly type?: string;
  readonly status?: number;
  readonly limit?: number;
  readonly charset?: string;
}

function toApiError(e: unknown): ApiError | null {
  if (e instanceof ApiError) return e;
  if (e instanceof FlowError) return new ApiError(e.code, e.message);
  if (e instanceof NotFoundError || e instanceof UserNotFoundError) return new ApiError('NOT_FOUND', e.message);
  if (e instanceof ConflictError || e instanceof DuplicateUserError) return new ApiError('CONFLICT', e.message);
  if (e instanceof ConcurrentUpdateError) return new ApiError('CONFLICT', `${e.message}; retry the request`);
  if (e instanceof InvalidRecordError) return new ApiError('INVALID_REQUEST', e.message);
  const b = e as BodyParserError;
  switch (b?.type) {
    case 'entity.parse.failed':
      return new ApiError('INVALID_REQUEST', 'body: malformed JSON');
    case 'entity.too.large':
      return new ApiError('PAYLOAD_TOO_LARGE', `body: larger than the limit of ${b.limit ?? '?'} bytes`);
    case 'charset.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', `body: unsupported charset ${b.charset ?? ''}`.trim());
    case 'encoding.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'body: unsupported content encoding');
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiError('INVALID_REQUEST', 'body: the request body was cut short');
  }
  return null;
}

export function handleErrors(logger: Logger): ErrorRequestHandler {
  return (e, req, res, _next) => {
    const requestId = String(res.locals.requestId ?? '');
    const api = toApiError(e);
    if (api === null) {
      logger.error({ err: e, requestId, method: req.method, url: req.originalUrl }, 'request failed');
      const internal = new ApiError('INTERNAL', `the request failed; quote request id ${requestId} to the operator`);
      res.status(500).json({ error: { ...internal.body().error, requestId } });
      return;
    }
    const www = api.extra.wwwAuthenticate;
    if (typeof www === 'string') res.setHeader('WWW-Authenticate', www);
    const { wwwAuthenticate: _w, ...extra } = api.extra;
    res.status(api.status).json({ error: { code: api.code, message: api.message, ...extra, requestId } });
  };
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new ApiError('NOT_FOUND', `no route ${req.method} ${req.path}`));
};

/** JSON bodies only: a body of another type is refused, not ignored. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new ApiError('UNSUPPORTED_MEDIA_TYPE', `body: send JSON with Content-Type: application/json (got ${req.headers['content-type'] ?? 'none'})`));
    return;
  }
  next();
};
