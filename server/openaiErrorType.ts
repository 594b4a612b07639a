// OpenAI's clients read an error's class from `type` (and its detail from `code`): on /v1 the
// `type` is one of OpenAI's values, chosen by status, and `code` carries Palisade's stable id.
import type { OPENAI_ERROR_TYPES } from '../protocol/v1.ts';

export type OpenAiErrorType = (typeof OPENAI_ERROR_TYPES)[number];

/** 4xx: invalid_request_error (as OpenAI answers a wrong key or an unknown model too), 429: rate_limit_error, 503: service_unavailable_error, other 5xx: server_error. */
export function openAiErrorType(status: number): OpenAiErrorType {
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'service_unavailable_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}
