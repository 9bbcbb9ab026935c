/**
 * The cookies of setCookie / getCookieValue (REFERENCE §3.4), built and read by the host with the
 * server's cookie key; the key never enters the sandbox. The stored value is WSO2's:
 * `base64(JSON {"value": v, "signature": s | null})`, where
 *
 * - `sign` signs the plaintext value with Ed25519 (WSO2: RSA with a tenant key), `s` = base64;
 * - `encrypt` replaces the value with base64(iv ‖ AES-256-GCM ciphertext ‖ tag) (WSO2: CryptoUtil).
 *
 * Both keys are derived from the one server key with HKDF, per tenant, so a cookie set for one
 * tenant neither verifies nor decrypts in another. Reading decrypts first and then checks the
 * signature against the decrypted value, as WSO2 does; anything that does not decode, decrypt or
 * verify reads as null.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Command } from '../../runtime/protocol.js';

type SetCookie = Extract<Command, { kind: 'setCookie' }>;

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The shortest server key accepted: 256 bits. */
export const COOKIE_KEY_BYTES = 32;

interface TenantKeys {
  readonly signing: KeyObject;
  readonly verifying: KeyObject;
  readonly encryption: Buffer;
}

const derived = new WeakMap<Buffer, Map<string, TenantKeys>>();

function keysFor(serverKey: Buffer, tenant: string): TenantKeys {
  if (serverKey.length < COOKIE_KEY_BYTES) throw new RangeError(`the cookie key must have at least ${COOKIE_KEY_BYTES} bytes (got ${serverKey.length})`);
  let perTenant = derived.get(serverKey);
  if (perTenant === undefined) derived.set(serverKey, (perTenant = new Map()));
  let keys = perTenant.get(tenant);
  if (keys === undefined) {
    const derive = (use: string) => Buffer.from(hkdfSync('sha256', serverKey, 'authscript cookies', `${use}\u0000${tenant}`, 32));
    const signing = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, derive('sign')]), format: 'der', type: 'pkcs8' });
    keys = { signing, verifying: createPublicKey(signing), encryption: derive('encrypt') };
    perTenant.set(tenant, keys);
  }
  return keys;
}

export type SealedCookie = { readonly kind: 'cookie'; readonly value: string; readonly header: string } | { readonly kind: 'refused'; readonly reason: string };

/** The cookie a setCookie command asks for, as its value and its Set-Cookie header. */
export function sealCookie(serverKey: Buffer | undefined, tenant: string, c: SetCookie): SealedCookie {
  let value = c.value;
  let signature: string | null = null;
  if (c.sign || c.encrypt) {
    if (serverKey === undefined) return { kind: 'refused', reason: 'the server has no cookie key, so it can neither sign nor encrypt cookies' };
    if (value === null) return { kind: 'refused', reason: 'a null value cannot be signed or encrypted' };
    const keys = keysFor(serverKey, tenant);
    if (c.sign) signature = sign(null, Buffer.from(value, 'utf8'), keys.signing).toString('base64');
    if (c.encrypt) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv);
      const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      value = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    }
  }
  const stored = Buffer.from(JSON.stringify({ value, signature }), 'utf8').toString('base64');
  return { kind: 'cookie', value: stored, header: setCookieHeader(c, stored) };
}

function setCookieHeader(c: SetCookie, value: string): string {
  const parts = [`${c.name}=${value}`];
  if (c.domain !== null) parts.push(`Domain=${c.domain}`);
  if (c.path !== null) parts.push(`Path=${c.path}`);
  if (c.comment !== null) parts.push(`Comment=${c.comment}`);
  if (c.maxAge !== null && c.maxAge >= 0) parts.push(`Max-Age=${c.maxAge}`);
  if (c.version !== null) parts.push(`Version=${c.version}`);
  if (c.secure === true) parts.push('Secure');
  if (c.httpOnly === true) parts.push('HttpOnly');
  if (c.sameSite !== null) parts.push(`SameSite=${c.sameSite[0]}${c.sameSite.slice(1).toLowerCase()}`);
  return parts.join('; ');
}

export interface OpenOptions {
  readonly decrypt: boolean;
  readonly validateSignature: boolean;
}

/** The value of a cookie setCookie built, or null when it does not decode, decrypt or verify. */
export function openCookie(serverKey: Buffer | undefined, tenant: string, raw: string, options: OpenOptions): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { value, signature } = parsed as { value?: unknown; signature?: unknown };
  if (typeof value !== 'string') return null;
  if (!options.decrypt && !options.validateSignature) return value;
  if (serverKey === undefined) return null;
  const keys = keysFor(serverKey, tenant);
  let plain = value;
  if (options.decrypt) {
    const sealed = Buffer.from(value, 'base64');
    if (sealed.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.encryption, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
  if (options.validateSignature) {
    if (typeof signature !== 'string') return null;
    try {
      if (!verify(null, Buffer.from(plain, 'utf8'), keys.verifying, Buffer.from(signature, 'base64'))) return null;
    } catch {
      return null;
    }
  }
  return plain;
}
