// Sends email over SMTP (nodemailer), or writes each message as an .eml file to the outbox folder when SMTP_URL is unset.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../config.js';
import { log } from '../ops/log.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe…). A `Message-ID` here becomes the message's id. */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId?: string; file?: string }>;
}

/** Splits our headers into nodemailer's messageId option and the rest (nodemailer would otherwise add its own Message-ID). */
function toNodemailer(from: string, mail: OutgoingMail): SendMailOptions {
  const headers: Record<string, string> = {};
  let messageId: string | undefined;
  for (const [k, v] of Object.entries(mail.headers ?? {})) {
    if (k.toLowerCase() === 'message-id') messageId = v;
    else headers[k] = v;
  }
  return { from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers, messageId };
}

/**
 * SMTP (through nodemailer) when SMTP_URL is set; otherwise each mail becomes an RFC 822 .eml file in
 * OUTBOX_DIR and its path is printed, so sign-up and digests work on any machine with nothing set up.
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'outboxDir'>): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      async send(mail) {
        const info = await transport.sendMail(toNodemailer(config.mailFrom, mail));
        // An SMTP server that accepted nobody did not deliver the mail: treat it as a failure to retry.
        if (Array.isArray(info.rejected) && info.rejected.length > 0 && (!info.accepted || info.accepted.length === 0)) {
          throw new Error(`SMTP server rejected ${mail.to}: ${info.response ?? ''}`.trim());
        }
        return { messageId: info.messageId };
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = resolve(config.outboxDir);
  return {
    async send(mail) {
      const info = await transport.sendMail(toNodemailer(config.mailFrom, mail));
      await mkdir(dir, { recursive: true });
      // Sortable by time, unique across processes.
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`);
      await writeFile(file, info.message as Buffer);
      // The file, not the address: no email address is ever logged.
      log().info({ file }, `mail: wrote ${file}`);
      return { messageId: info.messageId, file };
    },
  };
}
