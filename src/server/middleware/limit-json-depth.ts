/**
 * JSON bodies nest at most so deep. The schemas that take free JSON (claims, prompt data, a
 * scenario) validate it recursively, and a scenario goes to the script lab through
 * process.send's JSON.stringify: a body of a few thousand nested arrays, well within the size
 * limit, would exhaust the stack there and answer 500. Refused here, it is a 400 that says why.
 */
import type { RequestHandler } from 'express';
import { ApiError } from '../api-error.js';

/** Far beyond any claim, answer or scenario, far below what exhausts the stack (thousands). */
export const MAX_JSON_DEPTH = 100;

/** Whether a parsed JSON value nests objects and arrays deeper than `limit` (walked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

export function limitJsonDepth(limit = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (req.body !== undefined && nestsDeeperThan(req.body, limit)) {
      next(new ApiError('INVALID_REQUEST', `body: JSON nested deeper than ${limit} levels`));
      return;
    }
    next();
  };
}
