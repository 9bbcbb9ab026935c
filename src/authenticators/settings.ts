/**
 * Settings that a server gives an authenticator once or per tenant, validated with zod so that a
 * wrong value names its path and tenant instead of misbehaving at the first login.
 */
import type { z } from 'zod';

export type PerTenant<T> = Partial<T> | ((tenant: string) => Partial<T>);

/** `tenant` null checks settings given once for every tenant (at start-up). */
export function settingsFor<S extends z.ZodType>(schema: S, what: string, value: PerTenant<z.input<S>> | undefined, tenant: string | null): z.output<S> {
  const raw = typeof value === 'function' ? (tenant === null ? {} : value(tenant)) : (value ?? {});
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue === undefined ? '' : issue.path.join('.');
  throw new TypeError(`${what}${path === '' ? '' : `.${path}`}${tenant === null ? '' : ` for tenant ${tenant}`}: ${issue?.message ?? 'invalid'}`);
}

/** `authenticatorParams` values are strings (WSO2 passes them so): a whole number in a range, or null when absent. */
export function intParam(params: Readonly<Record<string, string>>, name: string, min: number, max: number): number | null | { readonly error: string } {
  const raw = params[name];
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) return { error: `authenticatorParams ${name} must be a whole number from ${min} to ${max} (got "${raw}")` };
  return n;
}

export function boolParam(params: Readonly<Record<string, string>>, name: string): boolean | null | { readonly error: string } {
  const raw = params[name];
  if (raw === undefined || raw.trim() === '') return null;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return { error: `authenticatorParams ${name} must be "true" or "false" (got "${raw}")` };
}
