/** One plain-text message, addressed and ready to go. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/**
 * The port through which the domain hands mail to a mail server (implemented with nodemailer
 * in src/edge/smtp-mail-sender.ts). `send` resolves once the server accepted the message and
 * rejects when it could not be delivered now (the outbox retries).
 */
export interface MailSender {
  send(message: MailMessage): Promise<void>;
  close(): void;
}
