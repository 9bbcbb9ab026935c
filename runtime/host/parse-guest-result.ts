/**
 * Nothing that leaves the isolate is trusted as it arrives: the guest's answer is a string, parsed
 * here with a reviver that drops keys able to reach a prototype, then validated against the
 * protocol's schema.
 */
import { GuestResultSchema, type GuestResult } from '../protocol.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function reviver(key: string, value: unknown): unknown {
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

/** A text without these (or any escape that could spell them) cannot hold a forbidden key. */
const MAY_HOLD_FORBIDDEN_KEY = /__proto__|constructor|prototype|\\u/;

/** JSON.parse that drops keys able to reach a prototype; the reviver runs only when it can matter. */
export function parseUntrustedJson(text: string): unknown {
  return MAY_HOLD_FORBIDDEN_KEY.test(text) ? JSON.parse(text, reviver) : JSON.parse(text);
}

export class GuestProtocolError extends Error {
  override readonly name = 'GuestProtocolError';
}

export function parseGuestResult(text: unknown, maxBytes: number): GuestResult {
  if (typeof text !== 'string') throw new GuestProtocolError(`the sandbox answered with a ${typeof text}, not a string`);
  // The guest caps its answer itself; a longer one means the prelude is not the one answering.
  if (text.length > maxBytes + 4096) throw new GuestProtocolError(`the sandbox answered with ${text.length} bytes`);
  let raw: unknown;
  try {
    raw = parseUntrustedJson(text);
  } catch (e) {
    throw new GuestProtocolError(`the sandbox answered with invalid JSON: ${(e as Error).message}`);
  }
  const parsed = GuestResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GuestProtocolError(`the sandbox answered with an invalid result at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}
