// The OpenAI-compatible API's answers (/v1), as OpenAI's clients read them, and the error bodies
// of the whole HTTP API.
import { z } from 'zod';

export const OPENAI_ERROR_TYPES = [
  'invalid_request_error',
  'rate_limit_error',
  'service_unavailable_error',
  'server_error',
] as const;

const Issue = z.object({ path: z.string(), message: z.string() });

/** Every error outside /v1: a stable id (docs/http-api.md), a message, the request's id. */
export const ApiError = z.object({
  error: z.object({ id: z.string(), message: z.string(), issues: z.array(Issue).optional(), requestId: z.string() }),
});

/** On /v1, OpenAI's fields as well: `type` by status, the stable id again in `code`. */
export const V1Error = z.object({
  error: z.object({
    id: z.string(),
    message: z.string(),
    issues: z.array(Issue).optional(),
    requestId: z.string(),
    type: z.enum(OPENAI_ERROR_TYPES),
    code: z.string(),
    param: z.string().nullable(),
  }),
});

export const Model = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  context_window: z.number().int().optional(),
});
export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) });

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      finish_reason: z.string(),
      logprobs: z.null(),
    }),
  ),
  usage: z.object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  }),
});
