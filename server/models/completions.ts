// The OpenAI chat-completions wire format: the request schema, and the gateway's events turned
// into `chat.completion` / `chat.completion.chunk` objects exactly as OpenAI sends them.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChatEvent, ChatMessage } from '../../gateway/index.ts';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
export const ChatCompletionRequest = z.object({
  model: z.string().min(1).max(200),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(TextPart)]).transform((c) => (typeof c === 'string' ? c : c.map((p) => p.text).join(''))),
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

export const toChatMessages = (r: ChatCompletionRequest): ChatMessage[] =>
  r.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: m.content }));

export interface CompletionIds {
  id: string;
  created: number;
  model: string;
}

export const completionIds = (model: string): CompletionIds => ({ id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model });

const usageOf = (u: { tokensIn: number; tokensOut: number }) => ({ prompt_tokens: u.tokensIn, completion_tokens: u.tokensOut, total_tokens: u.tokensIn + u.tokensOut });

export function chunk(ids: CompletionIds, delta: Record<string, string>, finish: string | null) {
  return { id: ids.id, object: 'chat.completion.chunk', created: ids.created, model: ids.model, choices: [{ index: 0, delta, finish_reason: finish }] };
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

/** SSE frames for the rest of a stream: deltas, the finish chunk, the usage chunk if asked, [DONE]. */
export async function* sseFrames(ids: CompletionIds, first: ChatEvent[], rest: AsyncIterator<ChatEvent>, includeUsage: boolean, onError: (e: unknown) => object): AsyncGenerator<string> {
  yield sse(chunk(ids, { role: 'assistant', content: '' }, null));
  const delta = deltaFrame(ids);
  const handle = function* (e: ChatEvent): Generator<string> {
    if (e.type === 'delta') yield delta(e.text);
    if (e.type === 'end') {
      yield sse(chunk(ids, {}, e.finishReason ?? 'stop'));
      if (includeUsage) yield sse({ id: ids.id, object: 'chat.completion.chunk', created: ids.created, model: ids.model, choices: [], usage: usageOf(e.usage) });
    }
  };
  for (const e of first) yield* handle(e);
  try {
    for (;;) {
      const step = await rest.next();
      if (step.done) break;
      yield* handle(step.value);
    }
  } catch (error) {
    // Headers are gone: OpenAI reports a failure inside the stream as an error object.
    yield sse(onError(error));
    return;
  }
  yield sse('[DONE]');
}

export function completion(ids: CompletionIds, text: string, end: Extract<ChatEvent, { type: 'end' }>) {
  return {
    id: ids.id, object: 'chat.completion', created: ids.created, model: ids.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: end.finishReason ?? 'stop', logprobs: null }],
    usage: usageOf(end.usage),
  };
}
