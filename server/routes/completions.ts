// The OpenAI chat-completions wire format: the request schema, and the gateway's events turned
// into `chat.completion` / `chat.completion.chunk` objects exactly as OpenAI sends them.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChatEvent, ChatMessage } from '../../gateway/index.ts';
import type { EventFramer } from './eventStream.ts';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
export const ChatCompletionRequest = z.object({
  model: z.string().min(1).max(200),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z
          .union([z.string(), z.array(TextPart)])
          .transform((c) => (typeof c === 'string' ? c : c.map((p) => p.text).join(''))),
      }),
    )
    .min(1)
    .max(500),
  stream: z.boolean().default(false),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().min(1).max(100_000).nullish(),
  max_completion_tokens: z.number().int().min(1).max(100_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  user: z.string().max(200).optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/**
 * Parameters of OpenAI's API that change what an answer is (several choices, tool calls, log
 * probabilities, a JSON format, stop sequences, audio): no route here can honour them, so a request
 * that asks for one is refused by name rather than answered as if it had not (zod drops unknown
 * fields). Each is allowed at its no-op value. Sampling hints (top_p, seed, penalties, user…) are
 * accepted and not used.
 */
const UNSUPPORTED: Record<string, (value: unknown) => boolean> = {
  n: (v) => v === 1,
  tools: (v) => Array.isArray(v) && v.length === 0,
  functions: (v) => Array.isArray(v) && v.length === 0,
  tool_choice: (v) => v === 'none',
  function_call: (v) => v === 'none',
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  response_format: (v) => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'text',
  stop: (v) => (Array.isArray(v) && v.length === 0) || v === '',
  modalities: (v) => Array.isArray(v) && v.every((m) => m === 'text'),
  audio: () => false,
  prediction: () => false,
};

/** The first parameter of the body that asks for something no route can give, if any. */
export function unsupportedParameter(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  for (const [name, isNoOp] of Object.entries(UNSUPPORTED)) {
    const value = (body as Record<string, unknown>)[name];
    if (value !== undefined && value !== null && !isNoOp(value)) return name;
  }
  return undefined;
}

export const toChatMessages = (r: ChatCompletionRequest): ChatMessage[] =>
  r.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: m.content }));

export interface CompletionIds {
  id: string;
  created: number;
  model: string;
}

export const completionIds = (model: string): CompletionIds => ({
  id: `chatcmpl-${randomUUID()}`,
  created: Math.floor(Date.now() / 1000),
  model,
});

const usageOf = (u: { tokensIn: number; tokensOut: number }) => ({
  prompt_tokens: u.tokensIn,
  completion_tokens: u.tokensOut,
  total_tokens: u.tokensIn + u.tokensOut,
});

export function chunk(ids: CompletionIds, delta: Record<string, string>, finish: string | null) {
  return {
    id: ids.id,
    object: 'chat.completion.chunk',
    created: ids.created,
    model: ids.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

export const sse = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** A text delta's frame; everything but the text is the same for the whole stream, so it is built
 *  once (the bytes equal `sse(chunk(ids, { content }, null))`). */
export function deltaFrame(ids: CompletionIds): (content: string) => string {
  const marker = '"\\u0000"';
  const frame = sse(chunk(ids, { content: '\u0000' }, null));
  const at = frame.lastIndexOf(marker); // the content comes after the caller's model name
  const head = frame.slice(0, at);
  const tail = frame.slice(at + marker.length);
  return (content) => head + JSON.stringify(content) + tail;
}

/** How a gateway stream is written as OpenAI's SSE (see eventStreamWriter): the role chunk first,
 *  then deltas, the finish chunk and the usage chunk if asked, and [DONE] at the end. */
export function completionFrames(
  ids: CompletionIds,
  includeUsage: boolean,
  onError: (e: unknown) => object,
): EventFramer<ChatEvent> {
  const delta = deltaFrame(ids);
  return {
    first: sse(chunk(ids, { role: 'assistant', content: '' }, null)),
    frame(e) {
      if (e.type === 'delta') return delta(e.text);
      if (e.type !== 'end') return '';
      const finish = sse(chunk(ids, {}, e.finishReason ?? 'stop'));
      return includeUsage
        ? finish +
            sse({
              id: ids.id,
              object: 'chat.completion.chunk',
              created: ids.created,
              model: ids.model,
              choices: [],
              usage: usageOf(e.usage),
            })
        : finish;
    },
    // Headers are gone: OpenAI reports a failure inside the stream as an error object.
    failed: (error) => sse(onError(error)),
    last: sse('[DONE]'),
  };
}

export function completion(ids: CompletionIds, text: string, end: Extract<ChatEvent, { type: 'end' }>) {
  return {
    id: ids.id,
    object: 'chat.completion',
    created: ids.created,
    model: ids.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null },
        finish_reason: end.finishReason ?? 'stop',
        logprobs: null,
      },
    ],
    usage: usageOf(end.usage),
  };
}
