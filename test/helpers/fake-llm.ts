/**
 * A tiny fake OpenAI-compatible chat-completions server for tests.
 *
 * It listens on 127.0.0.1 (random port) and answers
 * `POST {url}/chat/completions` (url ends in `/v1`) with whatever the
 * test's handler returns. Only non-streaming requests are supported;
 * a request with `stream: true` gets a 400 error.
 *
 * Usage:
 *   const fake = await startFakeLlm(({ body }) =>
 *     criticOf(body) === 'skeptic'
 *       ? { content: JSON.stringify({ score: 3 }) }
 *       : { status: 429, headers: { 'retry-after-ms': '0' } });
 *   try { ... createOpenAICompatible({ name: 'fake', baseURL: fake.url, apiKey: 'x' }) ... }
 *   finally { await fake.close(); }
 */
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type FakeReply =
  | {
      /** HTTP status, default 200. */
      status?: number;
      /** The assistant message content (e.g. a JSON string for generateObject / Output.object). */
      content: string;
      /** Wait this long before answering; aborted quietly if the client disconnects. */
      delayMs?: number;
      headers?: Record<string, string>;
      /** Default: DEFAULT_USAGE. total_tokens is computed. */
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | {
      status: number;
      /**
       * Response body. Default: OpenAI error JSON `{"error":{"message","type","code"}}`.
       * A string is sent verbatim; anything else is JSON-encoded.
       */
      body?: unknown;
      headers?: Record<string, string>;
      delayMs?: number;
    };

export interface FakeLlmRequest {
  /** Parsed JSON body (or the raw text if it was not valid JSON). */
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeLlm {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  /** Every request received on /chat/completions, in arrival order. */
  requests: FakeLlmRequest[];
  close(): Promise<void>;
}

export type FakeLlmHandler = (req: {
  body: any;
  /** 0-based index of this request among all chat-completion requests. */
  index: number;
  headers: Record<string, string | string[] | undefined>;
}) => FakeReply | Promise<FakeReply>;

export const DEFAULT_USAGE = { prompt_tokens: 10, completion_tokens: 5 } as const;

/** OpenAI's error type/code for common statuses. */
function errorKind(status: number): { type: string; code: string | null } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null };
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key' };
    case 404:
      return { type: 'invalid_request_error', code: 'not_found' };
    case 429:
      return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    default:
      return { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  }
}

export function openAiError(status: number, message?: string): unknown {
  const { type, code } = errorKind(status);
  return { error: { message: message ?? `fake-llm error ${status}`, type, code } };
}

/** Sleep that resolves early (returning false) when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === 'string'
          ? part
          : part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
            ? (part as { text: string }).text
            : '',
      )
      .join('\n');
  }
  return '';
}

/**
 * Which critic a chat-completion request is for: the `<id>` from the first
 * `CRITIC_ID: <id>` line found in the request's messages (or `prompt`).
 */
export function criticOf(body: any): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const texts: string[] = [];
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) texts.push(textOfContent(m?.content));
  }
  if (body.prompt !== undefined) texts.push(textOfContent(body.prompt));
  for (const t of texts) {
    const m = /CRITIC_ID:\s*([A-Za-z0-9_.:\-]+)/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.writableEnded || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const lower = Object.keys(headers).map((k) => k.toLowerCase());
  const out: Record<string, string | number> = { ...headers };
  if (!lower.includes('content-type')) {
    out['content-type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  out['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, out);
  res.end(text);
}

export function startFakeLlm(handler: FakeLlmHandler): Promise<FakeLlm> {
  const requests: FakeLlmRequest[] = [];
  const pending = new Set<AbortController>();
  let nextIndex = 0;
  let created = Math.floor(Date.now() / 1000);

  const server = http.createServer((req, res) => {
    const abort = new AbortController();
    pending.add(abort);
    // 'close' before the response finished = the client went away.
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
      pending.delete(abort);
    });
    res.on('error', () => abort.abort());
    req.on('error', () => abort.abort());

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void respond(Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        send(res, 500, openAiError(500, `fake-llm handler failed: ${String(err)}`));
      });
    });

    async function respond(raw: string): Promise<void> {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
        send(res, 404, openAiError(404, `fake-llm: no route for ${req.method} ${path}`));
        return;
      }
      let body: any;
      try {
        body = raw.length ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const headers = { ...req.headers };
      requests.push({ body, headers });
      const index = nextIndex++;

      if (body && typeof body === 'object' && body.stream === true) {
        send(res, 400, openAiError(400, 'fake-llm does not support streaming'));
        return;
      }

      const reply = await handler({ body, index, headers });
      if (reply.delayMs && reply.delayMs > 0) {
        const completed = await sleep(reply.delayMs, abort.signal);
        if (!completed) return; // client gone (or server closing): nothing to answer
      }
      if (abort.signal.aborted) return;

      if ('content' in reply) {
        const usage = reply.usage ?? DEFAULT_USAGE;
        send(
          res,
          reply.status ?? 200,
          {
            id: `chatcmpl-fake-${index}`,
            object: 'chat.completion',
            created: created++,
            model: typeof body?.model === 'string' ? body.model : 'fake-model',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: reply.content },
                logprobs: null,
                finish_reason: 'stop',
              },
            ],
            usage: {
              prompt_tokens: usage.prompt_tokens,
              completion_tokens: usage.completion_tokens,
              total_tokens: usage.prompt_tokens + usage.completion_tokens,
            },
          },
          reply.headers,
        );
      } else {
        send(res, reply.status, reply.body === undefined ? openAiError(reply.status) : reply.body, reply.headers);
      }
    }
  });
  // A client that drops mid-request must not crash the test process.
  server.on('clientError', (_err, socket) => socket.destroy());

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        requests,
        close() {
          closing ??= new Promise<void>((done) => {
            for (const a of pending) a.abort();
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Modes with known answers for `verdict eval` (test/eval.test.ts). Deterministic whatever order requests arrive in:
// each answer depends only on the critic, the tool and how many times that pair was asked before.

/** The tool's name in a panel request (from the JSON between <tool_data> tags). */
export function toolOf(body: any): string | undefined {
  for (const m of Array.isArray(body?.messages) ? body.messages : []) {
    const hit = /"name":\s*"((?:[^"\\]|\\.)*)"/.exec(textOfContent(m?.content));
    if (hit) return hit[1];
  }
  return undefined;
}

/** True when the runner is asking again after rejecting an answer (its repair turn follows the model's reply). */
const isRepair = (body: any) => Array.isArray(body?.messages) && body.messages.some((m: any) => m?.role === 'assistant');

const review = (score: number, verdict: string) =>
  JSON.stringify({ review: { score, verdict, take: Array.from({ length: 45 }, () => 'steady').join(' ') } });

/** Always the same take (threshold 60). */
export const sameAnswer = (score = 72): FakeLlmHandler => () => ({ content: review(score, score >= 60 ? 'ship' : 'skip') });

/** A fair coin per call, seeded: ship at 75 or skip at 35. */
export function fairCoin(seed = 1): FakeLlmHandler {
  const asked = new Map<string, number>();
  return ({ body }) => {
    const key = `${criticOf(body)}|${toolOf(body)}`;
    const n = asked.get(key) ?? 0;
    asked.set(key, n + 1);
    // A bit of a hash of seed, critic, tool and round: reproducible, and independent from round to round.
    const heads = createHash('sha256').update(`${seed}|${key}|${n}`).digest()[0]! & 1;
    return { content: heads ? review(75, 'ship') : review(35, 'skip') };
  };
}

/** The named critics' first answers contradict themselves (score 80, "skip"); asked again, they answer 80 "ship". */
export const contradictsFirst = (critics: readonly string[]): FakeLlmHandler => ({ body }) =>
  ({ content: critics.includes(criticOf(body)!) && !isRepair(body) ? review(80, 'skip') : review(80, 'ship') });

// ---- Evidence and citations (issue 10) ----

/**
 * The evidence ids a panel request offered its critic: parsed from the `<evidence>` block of the user message,
 * or undefined when the request carried no evidence block at all (a prompt that forgot it).
 */
export function evidenceIdsOf(body: any): number[] | undefined {
  const text = Array.isArray(body?.messages) ? body.messages.map((m: any) => textOfContent(m?.content)).join('\n') : '';
  const m = /<evidence>\n([\s\S]*?)\n<\/evidence>/.exec(text);
  if (!m) return undefined;
  return (JSON.parse(m[1]!) as { id: number }[]).map((e) => e.id);
}

/** A take citing the given evidence ids, as an LLM would answer it. */
export const citingTakeJson = (score: number, citations: number[]) =>
  JSON.stringify({
    review: { score, verdict: score >= 60 ? 'ship' : 'skip', take: Array.from({ length: 45 }, () => 'checked').join(' '), citations },
  });

// ---- The panel's "best for" synthesis (issue 12) ----

/** True for the runner's "best for" call (its system prompt starts with `TASK: best-for`), not a critic's. */
export function isBestForRequest(body: any): boolean {
  const system = Array.isArray(body?.messages) ? body.messages.find((m: any) => m?.role === 'system') : undefined;
  return /^TASK: best-for$/m.test(textOfContent(system?.content));
}

/** A "best for" answer as an LLM would give it. */
export const bestForJson = (bestFor: string) => JSON.stringify({ bestFor });
