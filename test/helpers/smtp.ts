/**
 * A real SMTP server on 127.0.0.1 (random port) for tests, from the `smtp-server` package, that parses
 * every accepted message with `mailparser`.
 *
 *   const smtp = await startSmtp();
 *   const site = await startTestSite(dialect, { env: { SMTP_URL: smtp.url } });
 *   ... const [mail] = await smtp.waitFor(1); mail.text, mail.html, mail.headers.get('list-unsubscribe') ...
 *   await smtp.close();
 *
 * `onMessage` may refuse a message (return an SMTP error text: the client gets a 550) — it is then not
 * recorded — to simulate a failing or dying server.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
  /** RCPT TO address (lowercased). */
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string | undefined;
  headers: ParsedMail['headers'];
  raw: Buffer;
}

export interface TestSmtp {
  port: number;
  /** `smtp://127.0.0.1:<port>`: pass as SMTP_URL. */
  url: string;
  /** Accepted messages, in arrival order. */
  messages: ReceivedMail[];
  /** Resolves once at least n messages have arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Messages to one address. */
  to(address: string): ReceivedMail[];
  clear(): void;
  close(): Promise<void>;
}

export async function startSmtp(opts: { onMessage?: (m: ReceivedMail, index: number) => string | undefined | Promise<string | undefined> } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  let seen = 0;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        try {
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw);
          const mail: ReceivedMail = {
            to: (session.envelope.rcptTo[0]?.address ?? '').toLowerCase(),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId,
            headers: parsed.headers,
            raw,
          };
          const refusal = await opts.onMessage?.(mail, seen++);
          if (refusal) {
            const err = new Error(refusal) as Error & { responseCode: number };
            err.responseCode = 550;
            return callback(err);
          }
          messages.push(mail);
          for (const w of waiters.splice(0)) w();
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.to === address.toLowerCase()),
    clear: () => void messages.splice(0),
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${n} messages, got ${messages.length} after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages.slice();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
