/**
 * Who is calling: an admin (bearer token) or a flow client (HTTP Basic). Each guard answers 401
 * without a valid credential of its kind, before anything else of the request runs, and puts the
 * caller (tenant and credential) where the handler finds it. A failed check costs as much as a
 * successful one (see ../credentials.ts), and credential checks are rate-limited per address.
 */
import type { RequestHandler } from 'express';
import { ApiError } from '../api-error.js';
import { checkAdminToken, checkClientSecret } from '../credentials.js';
import type { AdminRepository, Credential, Tenant } from '../../store/admin-types.js';

export interface Caller {
  readonly tenant: Tenant;
  readonly credential: Credential;
  /** How the audit log names the caller. */
  readonly actor: string;
}

const challenge = { admin: 'Bearer realm="authscript admin"', client: 'Basic realm="authscript flows"' } as const;

function unauthenticated(kind: 'admin' | 'client', message: string): ApiError {
  return new ApiError('UNAUTHENTICATED', message, { wwwAuthenticate: challenge[kind] });
}

/** How long a credential's lastUsedAt may lag (one write per credential per minute, not per request). */
const TOUCH_EVERY_MS = 60_000;

async function callerOf(admin: AdminRepository, credential: Credential): Promise<Caller> {
  const tenant = await admin.getTenant(credential.tenant);
  if (tenant === null) throw new ApiError('UNAUTHENTICATED', 'the credential belongs to no tenant');
  const now = Date.now();
  if (credential.lastUsedAt === null || now - credential.lastUsedAt > TOUCH_EVERY_MS) await admin.touchCredential(credential.id, now);
  const kind = credential.kind === 'admin' ? 'admin token' : 'flow client';
  return { tenant, credential, actor: `${kind} "${credential.name}" (${credential.id})` };
}

export function requireAdmin(admin: AdminRepository): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      if (header === undefined) throw unauthenticated('admin', 'this call needs an admin token: Authorization: Bearer ast_...');
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (m === null) throw unauthenticated('admin', 'the Authorization header must be "Bearer <admin token>"');
      const credential = await checkAdminToken(admin, m[1]!);
      if (credential === null) throw unauthenticated('admin', 'the admin token is not valid');
      res.locals.caller = await callerOf(admin, credential);
      next();
    } catch (e) {
      next(e);
    }
  };
}

export function requireClient(admin: AdminRepository): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      if (header === undefined) throw unauthenticated('client', 'this call needs flow client credentials: Authorization: Basic base64(clientId:secret)');
      const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
      const decoded = m === null ? '' : Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw unauthenticated('client', 'the Authorization header must be "Basic base64(clientId:secret)"');
      const credential = await checkClientSecret(admin, decoded.slice(0, colon), decoded.slice(colon + 1));
      if (credential === null) throw unauthenticated('client', 'the flow client id or secret is not valid');
      res.locals.caller = await callerOf(admin, credential);
      next();
    } catch (e) {
      next(e);
    }
  };
}
