// The provider contract: what the gateway hands a provider (chat messages, already redacted) and
// what a provider gives back (a stream of deltas, then one usage record). Every provider speaks it;
// the gateway's pipeline calls nothing else. Providers never see personal data.

/** The providers there are (providers/index.ts maps each name to its definition). */
export type ProviderName = 'llamacpp' | 'ollama' | 'openai' | 'extractive';

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

/** Where a target sends the (redacted) text: the bank's own machines, or a cloud service. */
export type Location = 'local' | 'cloud';

export interface ModelRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  /** the caller's language hint, for providers that search (extractive) */
  lang?: string;
  /** the context window the gateway fitted the messages to: a server that sizes its window per request (Ollama's num_ctx) is told */
  contextTokens?: number;
}

export interface EmbedRequest {
  /** the embedding model's name (an in-process model has one and ignores it) */
  model: string;
  texts: string[];
}

export interface Usage {
  tokensIn: number;
  tokensOut: number;
}

export type ModelEvent =
  { type: 'delta'; text: string } | { type: 'end'; usage: Usage; finishReason: 'stop' | 'length' };

/**
 * Where a pushed stream's events go, in order: deltas, one end record, then `close()`; a failure is
 * `close(error)` (after the deltas that came before it). Called synchronously as the events arrive.
 */
export interface ModelEventSink {
  event(event: ModelEvent): void;
  /** the stream is over: without an error after its end record (or without one, a stream cut short), else failed */
  close(error?: unknown): void;
}

/** A pushed stream's controls: hold the events (the caller's reader is full), go on, or stop it. */
export interface PushedStream {
  pause(): void;
  resume(): void;
  /** leave it: nothing more is pushed; a stream not at its end is cut (its signal's abort does the same) */
  stop(): void;
}

/** What a client knows of its own health: the in-process model's load, the hosts behind a pool. */
export interface ClientStatus {
  load?: 'idle' | 'loading' | 'loaded' | 'failed';
  hosts?: { url: string; healthy: boolean; outstanding: number }[];
}

/** A configured provider instance: what the gateway calls. */
export interface ModelClient {
  /** the locations this client may stand for (openai with a vLLM base URL may be local) */
  readonly locations: readonly Location[];
  /** Streams the answer; must stop promptly and throw when signal aborts. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
  /**
   * The same stream, pushed to `sink` as each event arrives, with no async step per token (the
   * gateway's hot path); absent: the gateway reads `stream()` (see attempt.ts).
   */
  push?(request: ModelRequest, signal: AbortSignal, sink: ModelEventSink): PushedStream;
  /**
   * One embedding per text, in order (absent: the client cannot embed). Only for knowledge-base
   * retrieval; the caller sends a cloud target redacted text alone (server/knowledge/vectors.ts).
   */
  embed?(request: EmbedRequest, signal?: AbortSignal): Promise<number[][]>;
  /** model names this client can serve, for GET /v1/models */
  models(): Promise<string[]>;
  /** release resources (loaded models, sockets) */
  close?(): Promise<void>;
  /**
   * The window this client really has, and its own token count where it has one (llamacpp: its
   * context size; its tokenizer once the model is loaded): the gateway fits requests to the smaller
   * of this and the policy's contextTokens, counting with `count` (else estimateTokens). Absent or
   * undefined: the policy's window alone.
   */
  contextWindow?(): { tokens: number; count?: (text: string) => number } | undefined;
  /** its load state or its hosts' health, for the admin's model targets screen; absent: nothing to say */
  status?(): ClientStatus;
}

/**
 * A provider is a definition: its name and how to build a client from typed options.
 * Registered in one explicit map (providers/index.ts).
 */
export interface Provider<Options> {
  readonly name: ProviderName;
  create(options: Options): ModelClient;
}
