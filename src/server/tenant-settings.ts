/**
 * A tenant's own settings, over the server's: sandbox limits (DESIGN: "all configurable per
 * tenant"), the domains its scripts may call, the password lockout policy and the email OTP
 * settings, stored as one JSON object per tenant (GET/PUT /api/v1/settings); and its script
 * secrets, sealed, which only the server's HTTP calls see (`{{secret:name}}`).
 *
 * The sandbox, the HTTP caller and the authenticators ask for a tenant's settings synchronously,
 * during a run; each process therefore keeps them in memory and reads them again from the store
 * at the start of every flow call (one small query), so a change made through any process
 * reaches every process at that tenant's next login. Changed limits replace the tenant's isolate.
 */
import { z } from 'zod';
import { LimitsSchema, type LimitsInput } from '../../runtime/protocol.js';
import { LockoutPolicySchema } from '../authenticators/account-lock.js';
import { EmailOtpSettingsSchema } from '../authenticators/email-otp.js';
import { openSecret } from '../authenticators/secret-box.js';
import type { AdminRepository } from '../store/admin-types.js';

/** The object's fields, each optional and without its default: what is not set falls through to the server's. */
function withoutDefaults<T extends z.ZodRawShape>(shape: T) {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    const inner = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    fields[key] = inner.optional();
  }
  return z.object(fields).strict();
}

const domain = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/, 'a domain name, optionally starting with "*."');

export const TenantSettingsSchema = z
  .object({
    /** Sandbox limits for this tenant's scripts, over the server's (names and defaults in SECURITY.md). */
    limits: withoutDefaults(LimitsSchema.shape).default({}),
    /** Domains this tenant's scripts may call with httpGet/httpPost, besides the server's AUTHSCRIPT_HTTP_ALLOW. */
    httpAllow: z.array(domain).max(100).default([]),
    /** The password lockout policy (default 5 failures, 15 minutes). */
    lockout: withoutDefaults(LockoutPolicySchema.shape).default({}),
    /** Email OTP settings (code length, expiry, attempts, resends); a step's authenticatorParams go over them. */
    emailOtp: withoutDefaults(EmailOtpSettingsSchema.shape).default({}),
  })
  .strict()
  .meta({ id: 'TenantSettings' });
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

const NONE: TenantSettings = TenantSettingsSchema.parse({});

/** The context a script secret is sealed under: a sealed value opens only as that tenant's secret of that name. */
export const secretContext = (tenant: string, name: string): string => `script-secret:${tenant}:${name}`;

export class TenantSettingsCache {
  private readonly known = new Map<string, { settings: TenantSettings; text: string }>();
  private readonly secrets = new Map<string, Record<string, string>>();

  constructor(
    private readonly admin: AdminRepository,
    /** Told when a tenant's limits changed, so its isolate is rebuilt with them. */
    private readonly onLimitsChanged: (tenant: string) => void,
    /** Opens the tenant's sealed script secrets. */
    private readonly secretsKey: Buffer,
  ) {}

  /** A script secret's value, for a `{{secret:name}}` placeholder; undefined when the tenant has none by that name. */
  secret(tenant: string, name: string): string | undefined {
    const sealed = this.secrets.get(tenant)?.[name];
    return sealed === undefined ? undefined : openSecret(this.secretsKey, sealed, secretContext(tenant, name));
  }

  /** Reads the tenant's sealed secrets again (after a change through this process, or at a flow call). */
  async refreshSecrets(tenant: string): Promise<void> {
    this.secrets.set(tenant, await this.admin.sealedSecrets(tenant));
  }

  /** The settings this process knows for the tenant (none before its first refresh). */
  get(tenant: string): TenantSettings {
    return this.known.get(tenant)?.settings ?? NONE;
  }

  limits(tenant: string): LimitsInput {
    return this.get(tenant).limits as LimitsInput;
  }

  /** Reads the tenant's settings from the store again. A stored value that no longer validates counts as none (and says so). */
  async refresh(tenant: string): Promise<TenantSettings> {
    const [raw] = await Promise.all([this.admin.getTenantSettings(tenant), this.refreshSecrets(tenant)]);
    const parsed = TenantSettingsSchema.safeParse(raw);
    this.remember(tenant, parsed.success ? parsed.data : NONE);
    return this.get(tenant);
  }

  remember(tenant: string, settings: TenantSettings): void {
    const text = JSON.stringify(settings);
    const before = this.known.get(tenant);
    if (before?.text === text) return;
    this.known.set(tenant, { settings, text });
    if (JSON.stringify(before?.settings.limits ?? NONE.limits) !== JSON.stringify(settings.limits)) this.onLimitsChanged(tenant);
  }
}
