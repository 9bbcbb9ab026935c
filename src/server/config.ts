/**
 * The server's configuration, validated once at start: environment variables, overridden by
 * command-line flags. A closed set of keys; every message names the setting and what was wrong.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { LimitsSchema } from '../../runtime/protocol.js';
import { SmtpSettingsSchema } from '../authenticators/mailer.js';

const port = z.coerce.number().int().min(0).max(65535);

export const ServerConfigSchema = z
  .object({
    /** PORT: where the HTTP server listens (0: any free port). */
    port: port.default(3000),
    /** HOST: the interface to bind. */
    host: z.string().min(1).default('127.0.0.1'),
    /** DATABASE_URL: PostgreSQL (postgres://...). Unset: SQLite in the data folder. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** AUTHSCRIPT_DATA: the data folder (the SQLite file, the server key). */
    dataDir: z.string().min(1).default('./data'),
    /** LOG_LEVEL: pino's levels. */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** AUTHSCRIPT_DEMO: seed the demo tenant on first start ("false" to skip). */
    demo: z.union([z.boolean(), z.stringbool()]).default(true),
    /** AUTHSCRIPT_LIMITS: sandbox limits as JSON, e.g. {"cpuMsPerRun":50}. */
    limits: LimitsSchema.partial().default({}),
    /** AUTHSCRIPT_BODY_LIMIT: the largest request body, in bytes. */
    bodyLimitBytes: z.coerce.number().int().positive().default(1024 * 1024),
    /** AUTHSCRIPT_SECRET_KEY: 32 bytes, base64 (encrypts TOTP secrets, signs cookies). Unset: a key file in the data folder. */
    secretKey: z
      .string()
      .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
    /** AUTHSCRIPT_CREDENTIAL_RATE: failed credential checks per minute per client address before 429. */
    credentialChecksPerMinute: z.coerce.number().int().positive().default(300),
    /** AUTHSCRIPT_SMTP_URL and AUTHSCRIPT_SMTP_FROM: deliver emails (email OTP codes) through SMTP besides the outbox. */
    smtp: SmtpSettingsSchema.optional(),
    /**
     * AUTHSCRIPT_TRUST_REPORTED: local authenticators authscript does not implement (FIDO, SMS OTP,
     * ...) whose outcome the identity server reports and authscript accepts, comma-separated.
     */
    trustReportedOutcomes: z.array(z.string().min(1)).default([]),
    /**
     * AUTHSCRIPT_HTTP_ALLOW: the domains scripts' httpGet/httpPost may reach (a domain allows its
     * subdomains), comma-separated. Empty: every call ends in onFail. Loopback, private and
     * link-local addresses are refused whatever the list says.
     */
    httpAllow: z.array(z.string().min(1).regex(/^[A-Za-z0-9.*-]+$/, 'a domain name')).default([]),
    /** AUTHSCRIPT_HTTP_ALLOW_PRIVATE: let scripts call loopback and private addresses too. Development only (a warning at start). */
    httpAllowPrivate: z.union([z.boolean(), z.stringbool()]).default(false),
  })
  .strict();
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

const ENV: Readonly<Record<string, keyof ServerConfig>> = {
  PORT: 'port',
  HOST: 'host',
  DATABASE_URL: 'databaseUrl',
  AUTHSCRIPT_DATA: 'dataDir',
  LOG_LEVEL: 'logLevel',
  AUTHSCRIPT_DEMO: 'demo',
  AUTHSCRIPT_LIMITS: 'limits',
  AUTHSCRIPT_BODY_LIMIT: 'bodyLimitBytes',
  AUTHSCRIPT_SECRET_KEY: 'secretKey',
  AUTHSCRIPT_CREDENTIAL_RATE: 'credentialChecksPerMinute',
  AUTHSCRIPT_TRUST_REPORTED: 'trustReportedOutcomes',
  AUTHSCRIPT_HTTP_ALLOW: 'httpAllow',
  AUTHSCRIPT_HTTP_ALLOW_PRIVATE: 'httpAllowPrivate',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The configuration from the environment, with `overrides` (flags) taking precedence. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<keyof ServerConfig, unknown>> = {}): ServerConfig {
  const raw: Record<string, unknown> = {};
  const sourceOf: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    sourceOf[key] = name;
    if (key === 'limits') {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        throw new ConfigError(`${name} must be a JSON object of sandbox limits (got ${JSON.stringify(value.slice(0, 40))})`);
      }
    } else if (key === 'trustReportedOutcomes' || key === 'httpAllow') {
      raw[key] = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    } else raw[key] = value;
  }
  // The two SMTP variables make one setting.
  const smtpUrl = env['AUTHSCRIPT_SMTP_URL'];
  if (smtpUrl !== undefined && smtpUrl !== '') {
    raw['smtp'] = { url: smtpUrl, from: env['AUTHSCRIPT_SMTP_FROM'] ?? '' };
    sourceOf['smtp'] = 'AUTHSCRIPT_SMTP_URL/AUTHSCRIPT_SMTP_FROM';
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    raw[key] = value;
    sourceOf[key] = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  }
  const parsed = ServerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const where = sourceOf[key] ?? key;
      const rest = i.path.slice(1).join('.');
      return `${where}${rest === '' ? '' : `.${rest}`}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}
