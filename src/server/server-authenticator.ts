/**
 * The server's authenticators: the real ones, registered by name (BasicAuthenticator with
 * lockout, totp with sealed devices, email-otp-authenticator through the outbox and, when
 * configured, SMTP). Federated steps take the outcome the identity server reports.
 */
import { NodemailerMailer, type Mailer } from '../authenticators/mailer.js';
import { AuthenticatorRegistry } from '../authenticators/registry.js';
import type { StepAuthenticator } from '../authenticators/types.js';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';
import type { TenantSettingsCache } from './tenant-settings.js';

export interface ServerAuthenticatorOptions {
  /** Seals TOTP devices at rest. */
  readonly secretKey: Buffer;
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** The tenants' own lockout and email OTP settings. */
  readonly tenantSettings: TenantSettingsCache;
}

/**
 * SMTP delivery that never fails the challenge: the code is saved and the email is in the outbox
 * before delivery starts, so an SMTP outage is logged and the user can ask for a resend.
 */
function loggedDelivery(mailer: Mailer, logger: Logger): Mailer {
  return {
    async send(email) {
      try {
        await mailer.send(email);
      } catch (e) {
        logger.error({ err: e instanceof Error ? e.message : String(e), subject: email.subject }, 'SMTP delivery failed; the email is in the outbox');
      }
    },
  };
}

export function serverAuthenticator(options: ServerAuthenticatorOptions): StepAuthenticator {
  const smtp = options.config.smtp;
  const tenants = options.tenantSettings;
  return AuthenticatorRegistry.standard({
    secretKey: options.secretKey,
    basic: { lockout: (tenant) => tenants.get(tenant).lockout },
    emailOtp: {
      settings: (tenant) => tenants.get(tenant).emailOtp,
      ...(smtp === undefined ? {} : { mailer: loggedDelivery(new NodemailerMailer(smtp), options.logger) }),
    },
    ...(options.config.trustReportedOutcomes.length === 0 ? {} : { trustReportedOutcomes: options.config.trustReportedOutcomes }),
  });
}
