/**
 * Secrets at rest (TOTP devices): AES-256-GCM under a server key, as
 * `v1:<iv>:<tag>:<ciphertext>` (base64url). The version prefix lets a later format (another
 * cipher, a key id for rotation) sit beside this one. An optional context string is bound as
 * associated data, so a sealed value copied to another record (another user's row) does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretBoxErrorCode = 'SECRET_KEY_INVALID' | 'SECRET_MALFORMED' | 'SECRET_UNREADABLE';

export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function checkSecretKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new SecretBoxError('SECRET_KEY_INVALID', `the secret key must be ${KEY_BYTES} bytes (got ${Buffer.isBuffer(key) ? key.length : typeof key})`);
  }
}

export function sealSecret(key: Buffer, plain: string, context = ''): string {
  checkSecretKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}:`);
}

export function openSecret(key: Buffer, sealed: string, context = ''): string {
  checkSecretKey(key);
  const parts = sealed.split(':');
  if (parts[0] !== VERSION) {
    throw new SecretBoxError('SECRET_MALFORMED', `not a sealed secret: expected the format ${VERSION}:<iv>:<tag>:<ciphertext> (a plain secret stored before encryption, or another format)`);
  }
  const [, ivText, tagText, ciphertextText] = parts;
  if (parts.length !== 4 || ivText === undefined || tagText === undefined || ciphertextText === undefined) {
    throw new SecretBoxError('SECRET_MALFORMED', `a sealed secret has 4 parts separated by ":" (got ${parts.length})`);
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretBoxError('SECRET_MALFORMED', `a sealed secret's iv must be ${IV_BYTES} bytes and its tag ${TAG_BYTES} (got ${iv.length} and ${tag.length})`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // GCM cannot tell a wrong key from a changed value: both fail the tag check.
    throw new SecretBoxError('SECRET_UNREADABLE', 'the sealed secret does not open: it was sealed under another key or for another record, or it was changed');
  }
}
