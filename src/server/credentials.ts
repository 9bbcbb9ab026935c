/**
 * Admin tokens and flow-client secrets. A credential is an id and 256 random bits; the store
 * keeps only the SHA-256 of the secret (a slow hash buys nothing against a random secret), and a
 * check compares in constant time. Admin tokens travel as `ast_<id>_<secret>` bearer tokens,
 * flow clients as HTTP Basic `<id>:<secret>`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminRepository, AuditInput, Credential } from '../store/admin-types.js';

const TOKEN = /^ast_([A-Za-z0-9_-]{16})_([A-Za-z0-9_-]{43})$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export interface IssuedCredential {
  readonly credential: Credential;
  /** Shown once: the admin token, or the client secret. */
  readonly secret: string;
}

export async function issueCredential(
  admin: AdminRepository,
  tenant: string,
  kind: Credential['kind'],
  name: string,
  at: number,
  audit: AuditInput | null,
): Promise<IssuedCredential> {
  const id = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  const credential = await admin.createCredential({ id, tenant, kind, name, secretHash: hashSecret(secret), createdAt: at, lastUsedAt: null }, audit === null ? null : { ...audit, target: id });
  return { credential, secret: kind === 'admin' ? `ast_${id}_${secret}` : secret };
}

/** The credential an admin bearer token names, if the token is well-formed and its secret matches. */
export async function checkAdminToken(admin: AdminRepository, token: string): Promise<Credential | null> {
  const m = TOKEN.exec(token);
  if (m === null) return null;
  return checkSecret(admin, m[1]!, m[2]!, 'admin');
}

export async function checkClientSecret(admin: AdminRepository, id: string, secret: string): Promise<Credential | null> {
  return checkSecret(admin, id, secret, 'flow-client');
}

async function checkSecret(admin: AdminRepository, id: string, secret: string, kind: Credential['kind']): Promise<Credential | null> {
  const credential = await admin.getCredential(id);
  // The hash is computed either way, so an unknown id costs what a wrong secret does.
  const offered = Buffer.from(hashSecret(secret));
  if (credential === null || credential.kind !== kind) return null;
  const stored = Buffer.from(credential.secretHash);
  return stored.length === offered.length && timingSafeEqual(stored, offered) ? credential : null;
}
