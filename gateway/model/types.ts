// The uniform shapes every provider speaks: chat messages in, an async stream of deltas out, and
// one final usage record. Providers never see personal data: the gateway hands them redacted text.

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
}

export interface Usage {
  tokensIn: number;
  tokensOut: number;
}

export type ModelEvent =
  | { type: 'delta'; text: string }
  | { type: 'end'; usage: Usage; finishReason: 'stop' | 'length' };

/** A configured provider instance: what the gateway calls. */
export interface ModelClient {
  /** the locations this client may stand for (openai with a vLLM base URL may be local) */
  readonly locations: readonly Location[];
  /** Streams the answer; must stop promptly and throw when signal aborts. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
  /** model names this client can serve, for GET /v1/models */
  models(): Promise<string[]>;
  /** release resources (loaded models, sockets) */
  close?(): Promise<void>;
}

/**
 * A provider is a definition: its name and how to build a client from typed options.
 * Registered in one explicit map (providers/index.ts).
 */
export interface Provider<Options> {
  readonly name: string;
  create(options: Options): ModelClient;
}

/** Rough token count for providers whose server does not report usage (4 chars ≈ 1 token). */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
