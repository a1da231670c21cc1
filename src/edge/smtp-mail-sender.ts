import type { Transporter } from 'nodemailer';
import type { MailMessage, MailSender } from '../domain/mail/mail-sender';

/**
 * The domain's {@link MailSender} over nodemailer's SMTP transport, to the server SMTP_URL names
 * (`smtp://user:pass@host:587`, `smtps://…:465`; nodemailer's URL options such as `?tls.rejectUnauthorized=false`
 * apply). Short timeouts: a mail server that does not answer fails the attempt, and the outbox retries it.
 */
export function smtpMailSender(url: string, from: string): MailSender {
  // nodemailer is loaded at the first mail, not at start (a server without mail to send never loads it).
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then((nodemailer) =>
      nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }),
    ));
  return {
    send: async (message: MailMessage) => {
      await (await open()).sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => {
      void transport?.then((opened) => opened.close());
    },
  };
}
