/**
 * Sending email: the store's outbox is the record of every email (tests and the admin API read
 * it); a Mailer, when the server is configured with SMTP, also delivers it. Only the email OTP
 * authenticator sends email today.
 */
import nodemailer, { type Transport, type Transporter, type TransportOptions } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { z } from 'zod';

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

export const SmtpSettingsSchema = z
  .object({
    /** `smtp://user:pass@host:port` or `smtps://...`. */
    url: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
    /** The From address. */
    from: z.string().min(3).max(320),
  })
  .strict();
export type SmtpSettings = z.infer<typeof SmtpSettingsSchema>;

/** Delivers through nodemailer: SMTP settings, or any nodemailer transport (tests use `jsonTransport`). */
export class NodemailerMailer implements Mailer {
  private readonly transporter: Transporter;
  private readonly from: string;

  constructor(settings: SmtpSettings | { readonly transport: SMTPTransport.Options | Transport | TransportOptions; readonly from: string }) {
    if ('url' in settings) {
      const parsed = SmtpSettingsSchema.parse(settings);
      this.transporter = nodemailer.createTransport(parsed.url);
      this.from = parsed.from;
    } else {
      this.transporter = nodemailer.createTransport(settings.transport as SMTPTransport.Options);
      this.from = settings.from;
    }
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transporter.sendMail({ from: this.from, to: email.to, subject: email.subject, text: email.text });
  }
}

/** The text of an outbox email's template with its placeholders. */
export function renderEmail(template: string, placeholders: Readonly<Record<string, string>>): Omit<OutgoingEmail, 'to'> {
  switch (template) {
    case 'email-otp':
      return {
        subject: 'Your sign-in code',
        text: `Hello ${placeholders['username'] ?? ''},\n\nyour sign-in code is ${placeholders['code'] ?? ''}. It expires in ${placeholders['expiryMinutes'] ?? '?'} minutes.\n\nIf you did not try to sign in, ignore this email and consider changing your password.\n`,
      };
    default:
      throw new TypeError(`no email template "${template}"`);
  }
}
