/**
 * Password hashing: scrypt from node:crypto (memory-hard, no native dependency), with a random
 * salt, compared in constant time. Format: `scrypt$N$r$p$salt$hash` (base64).
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

/**
 * @param cost scrypt's N; the default suits stored accounts. The simulator's throwaway users use
 * a lower one, since a scenario may seed many of them.
 */
export function hashPassword(password: string, cost = N): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_BYTES, { N: cost, r: R, p: P });
  return `scrypt$${cost}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

interface Parsed {
  readonly salt: Buffer;
  readonly expected: Buffer;
  readonly options: ScryptOptions;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  return { salt: Buffer.from(salt, 'base64'), expected: Buffer.from(hash, 'base64'), options: { N: Number(n), r: Number(r), p: Number(p) } };
}

export function verifyPassword(password: string, stored: string): boolean {
  const parsed = parse(stored);
  if (parsed === null) return false;
  const actual = scryptSync(password, parsed.salt, parsed.expected.length, parsed.options);
  return actual.length === parsed.expected.length && timingSafeEqual(actual, parsed.expected);
}

/** The same check on libuv's thread pool: a server keeps answering while scrypt runs. */
export async function verifyPasswordAsync(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === null) return false;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, parsed.salt, parsed.expected.length, parsed.options, (error, key) => (error === null ? resolve(key) : reject(error))),
  );
  return actual.length === parsed.expected.length && timingSafeEqual(actual, parsed.expected);
}

let decoy: string | null = null;

/**
 * Costs what checking a stored account's password costs, and is always false: an unknown user or
 * one without a password must take as long to refuse as a wrong password, or the time would tell
 * which usernames exist.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('base64'));
  await verifyPasswordAsync(password, decoy);
  return false;
}
