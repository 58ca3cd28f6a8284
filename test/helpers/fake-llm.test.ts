import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APICallError, generateObject, generateText, Output } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import { criticOf, startFakeLlm, type FakeLlm } from './fake-llm.js';

function modelFor(fake: FakeLlm) {
  return createOpenAICompatible({ name: 'fake', baseURL: fake.url, apiKey: 'x' }).chatModel('m');
}

const schema = z.object({ score: z.number() });

// Without supportsStructuredOutputs the provider warns that the schema is not sent; keep output clean.
globalThis.AI_SDK_LOG_WARNINGS = false;

test('generateObject returns the object from the fake reply', async () => {
  const fake = await startFakeLlm(() => ({
    content: JSON.stringify({ score: 7 }),
    usage: { prompt_tokens: 123, completion_tokens: 45 },
  }));
  try {
    const result = await generateObject({ model: modelFor(fake), schema, prompt: 'hi', maxRetries: 0 });
    assert.deepEqual(result.object, { score: 7 });
    assert.equal(result.usage.inputTokens, 123);
    assert.equal(result.usage.outputTokens, 45);
    assert.equal(result.usage.totalTokens, 168);
    assert.equal(result.finishReason, 'stop');

    assert.equal(fake.requests.length, 1);
    const req = fake.requests[0]!;
    assert.equal(req.body.model, 'm');
    assert.equal(req.headers.authorization, 'Bearer x');
    assert.deepEqual(req.body.response_format, { type: 'json_object' });
    assert.ok(Array.isArray(req.body.messages));
  } finally {
    await fake.close();
  }
});

test('generateText with output: Output.object({schema}) returns the object', async () => {
  const fake = await startFakeLlm(() => ({ content: '{"score": 2.5}' }));
  try {
    const result = await generateText({
      model: modelFor(fake),
      output: Output.object({ schema }),
      prompt: 'hi',
      maxRetries: 0,
    });
    assert.deepEqual(result.output, { score: 2.5 });
    assert.equal(result.usage.inputTokens, 10); // DEFAULT_USAGE
    assert.equal(result.usage.outputTokens, 5);
    assert.equal(result.usage.totalTokens, 15);
    assert.equal(result.totalUsage.totalTokens, 15);
  } finally {
    await fake.close();
  }
});

test('supportsStructuredOutputs: true sends a json_schema response_format', async () => {
  const fake = await startFakeLlm(() => ({ content: '{"score":3}' }));
  try {
    const model = createOpenAICompatible({
      name: 'fake',
      baseURL: fake.url,
      apiKey: 'x',
      supportsStructuredOutputs: true,
    }).chatModel('m');
    const result = await generateText({ model, output: Output.object({ schema }), prompt: 'hi', maxRetries: 0 });
    assert.deepEqual(result.output, { score: 3 });
    const rf = fake.requests[0]!.body.response_format;
    assert.equal(rf.type, 'json_schema');
    assert.equal(rf.json_schema.schema.properties.score.type, 'number');
  } finally {
    await fake.close();
  }
});

test('a 500 reply makes generateObject throw an APICallError', async () => {
  const fake = await startFakeLlm(() => ({ status: 500 }));
  try {
    await assert.rejects(
      generateObject({ model: modelFor(fake), schema, prompt: 'hi', maxRetries: 0 }),
      (err: unknown) => {
        assert.ok(APICallError.isInstance(err), `expected APICallError, got ${String(err)}`);
        assert.equal(err.statusCode, 500);
        assert.match(err.message, /fake-llm error 500/);
        return true;
      },
    );
    assert.equal(fake.requests.length, 1);
  } finally {
    await fake.close();
  }
});

test('invalid JSON content makes generateObject throw', async () => {
  const fake = await startFakeLlm(() => ({ content: 'not json at all' }));
  try {
    await assert.rejects(generateObject({ model: modelFor(fake), schema, prompt: 'hi', maxRetries: 0 }));
  } finally {
    await fake.close();
  }
});

test('criticOf routes replies per critic', async () => {
  const fake = await startFakeLlm(({ body }) => {
    const critic = criticOf(body);
    return { content: JSON.stringify({ score: critic === 'skeptic' ? 2 : critic === 'fan' ? 9 : -1 }) };
  });
  try {
    const ask = (id: string) =>
      generateObject({
        model: modelFor(fake),
        schema,
        system: `You are a critic.\nCRITIC_ID: ${id}\nBe terse.`,
        prompt: 'Review this tool.',
        maxRetries: 0,
      });
    const [a, b] = await Promise.all([ask('skeptic'), ask('fan')]);
    assert.equal(a.object.score, 2);
    assert.equal(b.object.score, 9);
  } finally {
    await fake.close();
  }

  assert.equal(criticOf({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x\nCRITIC_ID: a-b_1\n' }] }] }), 'a-b_1');
  assert.equal(criticOf({ messages: [{ role: 'user', content: 'no id here' }] }), undefined);
  assert.equal(criticOf(undefined), undefined);
});

test('client abort during delayMs does not crash the server', async () => {
  const fake = await startFakeLlm(({ index }) =>
    index === 0 ? { content: '{"score":0}', delayMs: 10_000 } : { content: '{"score":4}' },
  );
  try {
    // Abort once the request has arrived (a timer could fire before it does on a busy machine).
    const abort = new AbortController();
    const first = generateObject({ model: modelFor(fake), schema, prompt: 'hi', maxRetries: 0, abortSignal: abort.signal });
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    await assert.rejects(first);
    // Still serving afterwards.
    const ok = await generateObject({ model: modelFor(fake), schema, prompt: 'hi', maxRetries: 0 });
    assert.equal(ok.object.score, 4);
  } finally {
    await fake.close();
  }
});

test('close() returns promptly even with a request in flight', async () => {
  const fake = await startFakeLlm(() => ({ content: '{"score":0}', delayMs: 30_000 }));
  const inflight = generateObject({ model: modelFor(fake), schema, prompt: 'hi', maxRetries: 0 });
  inflight.catch(() => {}); // rejection is expected once the socket is destroyed
  while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  const t0 = Date.now();
  await fake.close();
  assert.ok(Date.now() - t0 < 1000, 'close took too long');
  await assert.rejects(inflight);
});

test('non-chat routes get a 404 in OpenAI error shape', async () => {
  const fake = await startFakeLlm(() => ({ content: 'x' }));
  try {
    const res = await fetch(`${fake.url}/models`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { message: string; type: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    const stream = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [], stream: true }),
    });
    assert.equal(stream.status, 400);
    await stream.text();
  } finally {
    await fake.close();
  }
});
