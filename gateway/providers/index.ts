// The providers' public entry. Every provider, in one explicit map: nothing registers itself by
// being imported. The contract they all speak is in types.ts.
import { extractive } from './extractive/provider.ts';
import { llamacpp } from './llamacpp/provider.ts';
import { ollama } from './ollama/provider.ts';
import { openaiPool } from './openai/pool.ts';
import { openai } from './openai/provider.ts';
import type { Provider } from './types.ts';

/** `openaiPool`: a named OpenAI-compatible pool from the routing policy (it speaks `openai`). */
export const providers = { llamacpp, ollama, openai, openaiPool, extractive } satisfies Record<string, Provider<never>>;

export type { ConnectionOptions } from './http/fetch.ts';
export { withoutCredentials } from './http/hosts.ts';
export type { EgressProxy } from './http/proxy.ts';
export { ModelFileError } from './llamacpp/provider.ts';
export type {
  ChatMessage,
  ClientStatus,
  EmbedRequest,
  Location,
  ModelClient,
  ModelEvent,
  ModelEventSink,
  ModelRequest,
  Provider,
  ProviderName,
  PushedStream,
  Role,
  Usage,
} from './types.ts';
