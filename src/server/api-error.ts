/**
 * The errors the HTTP API answers with. Each class is a wire code with its status; `expose`
 * decides whether the message may reach the client (every ApiError's may; anything else thrown
 * is a 500 whose message stays in the log, and the client sees only the request id).
 */
import type { z } from 'zod';

export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_REQUEST'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'PUBLISH_REFUSED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'FLOW_NOT_FOUND'
  | 'FLOW_ENDED'
  | 'INTERACTION_MISMATCH'
  | 'INTERACTION_INVALID'
  | 'CHALLENGE_REFUSED'
  | 'SCENARIO_INVALID'
  | 'NOT_READY'
  | 'INTERNAL';

const STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  PUBLISH_REFUSED: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  FLOW_NOT_FOUND: 404,
  FLOW_ENDED: 409,
  INTERACTION_MISMATCH: 409,
  INTERACTION_INVALID: 400,
  CHALLENGE_REFUSED: 429,
  SCENARIO_INVALID: 400,
  NOT_READY: 503,
  INTERNAL: 500,
};

export interface Issue {
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** More for the client: the invalid fields, the analyzer's diagnostics, ... */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }

  body(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export const notFound = (what: string): ApiError => new ApiError('NOT_FOUND', `no ${what}`);

/** A request that does not match its schema: every problem named by its path. */
export function invalidRequest(where: 'body' | 'query' | 'params' | 'header', error: z.ZodError): ApiError {
  const issues: Issue[] = error.issues.slice(0, 20).map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const first = issues[0];
  const summary = first === undefined ? `invalid ${where}` : `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
  return new ApiError('INVALID_REQUEST', summary, { issues });
}
