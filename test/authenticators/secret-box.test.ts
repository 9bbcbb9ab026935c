import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretBoxError } from '../../src/authenticators/secret-box.js';

const key = randomBytes(32);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SecretBoxError) return e.code;
    throw e;
  }
  throw new Error('no error');
}

describe('secret box', () => {
  it('opens what it sealed with the same key and context', () => {
    const sealed = sealSecret(key, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'user-1');
    expect(openSecret(key, sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('writes v1:<iv>:<tag>:<ciphertext> in base64url, with a fresh iv each time', () => {
    const a = sealSecret(key, 'secret');
    const b = sealSecret(key, 'secret');
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
  });

  it('refuses to open under another key with SECRET_UNREADABLE', () => {
    const sealed = sealSecret(key, 'secret');
    expect(codeOf(() => openSecret(randomBytes(32), sealed))).toBe('SECRET_UNREADABLE');
  });

  it('refuses a changed ciphertext or tag with SECRET_UNREADABLE', () => {
    const [v, iv, tag, ct] = sealSecret(key, 'a longer secret value').split(':') as [string, string, string, string];
    const flip = (s: string) => Buffer.from(Buffer.from(s, 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url');
    expect(codeOf(() => openSecret(key, [v, iv, tag, flip(ct)].join(':')))).toBe('SECRET_UNREADABLE');
    expect(codeOf(() => openSecret(key, [v, iv, flip(tag), ct].join(':')))).toBe('SECRET_UNREADABLE');
  });

  it('refuses a value sealed for another record (its context) with SECRET_UNREADABLE', () => {
    expect(codeOf(() => openSecret(key, sealSecret(key, 'secret', 'user-1'), 'user-2'))).toBe('SECRET_UNREADABLE');
  });

  it('refuses a plain or malformed value with SECRET_MALFORMED and says what it expected', () => {
    expect(() => openSecret(key, 'JBSWY3DPEHPK3PXP')).toThrow(/not a sealed secret: expected the format v1:<iv>:<tag>:<ciphertext>/);
    expect(codeOf(() => openSecret(key, 'v1:abc'))).toBe('SECRET_MALFORMED');
    expect(codeOf(() => openSecret(key, 'v1:AAAA:BBBB:CCCC'))).toBe('SECRET_MALFORMED');
  });

  it('refuses a key that is not 32 bytes with SECRET_KEY_INVALID', () => {
    expect(() => sealSecret(randomBytes(16), 'x')).toThrow('the secret key must be 32 bytes (got 16)');
    expect(codeOf(() => openSecret(randomBytes(33), 'v1:a:b:c'))).toBe('SECRET_KEY_INVALID');
  });
});
