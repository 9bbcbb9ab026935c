/**
 * The server's authenticators: the real ones, registered by name (BasicAuthenticator with
 * lockout, totp with sealed devices, email-otp-authenticator through the outbox and, when
 * configured, SMTP). Federated steps take the outcome the identity server reports.
 */
import { NodemailerMailer } from '../authenticators/mailer.js';
import { AuthenticatorRegistry } from '../authenticators/registry.js';
import type { StepAuthenticator } from '../authenticators/types.js';
import type { ServerConfig } from './config.js';

export interface ServerAuthenticatorOptions {
  /** Seals TOTP devices at rest. */
  readonly secretKey: Buffer;
  readonly config: ServerConfig;
}

export function serverAuthenticator(options: ServerAuthenticatorOptions): StepAuthenticator {
  const smtp = options.config.smtp;
  return AuthenticatorRegistry.standard({
    secretKey: options.secretKey,
    ...(smtp === undefined ? {} : { emailOtp: { mailer: new NodemailerMailer(smtp) } }),
    ...(options.config.trustReportedOutcomes.length === 0 ? {} : { trustReportedOutcomes: options.config.trustReportedOutcomes }),
  });
}
