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
  /** the context window the gateway fitted the messages to: a server that sizes its window per request (Ollama's num_ctx) is told */
  contextTokens?: number;
}

export interface Usage {
  tokensIn: number;
  tokensOut: number;
}

export type ModelEvent =
  | { type: 'delta'; text: string }
  | { type: 'end'; usage: Usage; finishReason: 'stop' | 'length' };

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
}

/**
 * A provider is a definition: its name and how to build a client from typed options.
 * Registered in one explicit map (providers/index.ts).
 */
export interface Provider<Options> {
  readonly name: string;
  create(options: Options): ModelClient;
}

/**
 * A token count that errs high, for fitting a conversation into a window whose tokenizer we do not
 * have (and for usage a server does not report). "4 characters a token" holds only for English
 * prose: Llama-2's tokenizer (its real 32k vocabulary, measured) gives 3.7 characters a token in
 * English, 3.2 in German, 2.3 in Russian, about one a character in Arabic, 1.7 tokens a character in
 * Chinese and Korean (3 for a character outside its vocabulary), one a digit (and one for the space
 * before it), 3 a full-width digit and 4 an emoji (byte fallback). So: a run of ASCII letters, one
 * token per 3 letters; a digit, punctuation mark or line break, one; a space or tab before a digit or
 * punctuation mark, one (before a letter it joins the word); Latin accents, Greek and Cyrillic, one
 * a letter; other scripts up to U+2FFF (Hebrew, Arabic, Indic, Thai…) and kana, two; CJK
 * ideographs, two and a half; Hangul, full-width forms and the rest of the BMP, three; beyond the
 * BMP (emoji), four. On the suite's labelled messages (en, zh, de, fr, es, it, nl, pl; personal data
 * dense) the median estimate is 1.0–1.4 times Llama-2's count (see the gateway bench's `tokens` rows).
 */
export function estimateTokens(text: string): number {
  let halves = 0; // counted in half tokens
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      run += 1;
      continue;
    }
    if (run > 0) {
      halves += 2 * Math.ceil(run / 3);
      run = 0;
    }
    if (c === 32 || c === 9) {
      const next = text.charCodeAt(i + 1);
      if (next < 0x80 && !((next >= 97 && next <= 122) || (next >= 65 && next <= 90))) halves += 2;
    } else if (c < 0x0500) halves += 2;
    else if (c < 0x3400) halves += 4;
    else if (c < 0xa000) halves += 5; // CJK ideographs
    else if (c >= 0xd800 && c <= 0xdfff) halves += 4; // each half of a surrogate pair
    else halves += 6; // Hangul, Yi, private use, compatibility and full-width forms
  }
  return Math.ceil(halves / 2) + Math.ceil(run / 3);
}
