// llama.cpp in-process through node-llama-cpp: the model is loaded once and shared; a context
// holds `parallel` sequences, and requests beyond them wait in a queue. Threads default to 1:
// llama.cpp's default (all cores) oversubscribes a small shared machine and runs far slower.
import type {
  ChatHistoryItem,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaModel,
} from 'node-llama-cpp';
import { ProviderError } from '../../model/errors.ts';
import type { ChatMessage, ModelClient, ModelEvent, Provider } from '../types.ts';
import { createSlots, type Slots } from './slots.ts';

export interface LlamaCppOptions {
  modelPath: string;
  contextSize?: number;
  threads?: number;
  gpuLayers?: number;
  parallel?: number;
  maxQueue?: number;
  /** how long a load may take before the target is given up (default 300 s) */
  loadTimeoutMs?: number;
}

export interface LlamaCppClient extends ModelClient {
  /** resolves once the model is loaded (rejects if it cannot be) */
  ready(): Promise<void>;
  slots(): Promise<Slots<LlamaContextSequence>>;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  slots: Slots<LlamaContextSequence>;
}

export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}

/** A model file node-llama-cpp would not load: it is checked first, because on some it never returns. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  constructor(
    /** a stable id, for logs */
    readonly code: 'unreadable' | 'not_gguf' | 'unsupported_gguf_version' | 'corrupt_gguf' | 'load_timeout',
    message: string,
    readonly ggufVersion?: number,
  ) {
    super(message);
  }
}

/** The fewest bytes one metadata entry takes: key length (u64), value type (u32), a 1-byte value. */
const MIN_KV_BYTES = 8 + 4 + 1;
/** The fewest bytes one tensor's description takes: name length (u64), dims (u32), type (u32), offset (u64). */
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;

/**
 * The GGUF header: the magic, a version llama.cpp reads (2 or 3), and counts of tensors and metadata
 * entries that the file is long enough to hold. node-llama-cpp never settles on a file with another
 * version (measured: a few bytes starting "GGUF"), and on a tensor count of 2^32 - 1 in a 30 KB file
 * its reader looped on past the end, at 1.2 cores and 1.4 GB after 15 s (measured): one bad file
 * would have held every request to this target until its timeout, or taken the appliance down.
 */
async function checkGguf(modelPath: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  let header: Buffer;
  let size: number;
  try {
    const file = await open(modelPath, 'r');
    try {
      size = (await file.stat()).size;
      header = Buffer.alloc(24);
      const { bytesRead } = await file.read(header, 0, 24, 0);
      header = header.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new ModelFileError(
      'unreadable',
      `the model file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (header.length < 8 || header.toString('latin1', 0, 4) !== 'GGUF')
    throw new ModelFileError('not_gguf', 'the model file is not a GGUF file');
  const version = header.readUInt32LE(4);
  if (version !== 2 && version !== 3)
    throw new ModelFileError(
      'unsupported_gguf_version',
      `the model file is GGUF version ${version}; llama.cpp reads versions 2 and 3`,
      version,
    );
  if (header.length < 24)
    throw new ModelFileError('corrupt_gguf', 'the model file ends inside its GGUF header', version);
  const tensors = header.readBigUInt64LE(8);
  const entries = header.readBigUInt64LE(16);
  if (tensors * BigInt(MIN_TENSOR_INFO_BYTES) + entries * BigInt(MIN_KV_BYTES) > BigInt(size - 24)) {
    throw new ModelFileError(
      'corrupt_gguf',
      `the model file's header counts ${tensors} tensors and ${entries} metadata entries, more than its ${size} bytes can hold`,
      version,
    );
  }
}

/**
 * A load that can be given up: after `ms` (a file whose header passes but whose content is corrupt
 * could still hold it), or at close. A load that finishes after it was given up is disposed of.
 */
function abandonable(loading: Promise<Loaded>, ms: number) {
  let abandoned = false;
  let giveUp!: (error: Error) => void;
  const stopped = new Promise<never>((_resolve, reject) => (giveUp = reject));
  const abandon = (error: Error) => {
    abandoned = true;
    giveUp(error);
  };
  const timer = setTimeout(
    () => abandon(new ModelFileError('load_timeout', `the model did not load within ${Math.round(ms / 1000)} s`)),
    ms,
  );
  timer.unref();
  loading.then(
    (l) => void (abandoned && dispose(l)),
    () => undefined,
  );
  const promise = Promise.race([loading, stopped]).finally(() => clearTimeout(timer));
  promise.catch(() => undefined);
  return { promise, abandon };
}

async function dispose(l: Loaded): Promise<void> {
  await l.context.dispose();
  await l.model.dispose();
  await l.llama.dispose();
}

async function load(o: LlamaCppOptions): Promise<Loaded> {
  await checkGguf(o.modelPath);
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const threads = o.threads ?? 1;
  const llama = await getLlama({
    gpu: (o.gpuLayers ?? 0) > 0 ? 'auto' : false,
    build: 'never',
    maxThreads: threads,
    logLevel: LlamaLogLevel.error,
    logger: () => undefined,
  });
  const model = await llama.loadModel({ modelPath: o.modelPath, gpuLayers: o.gpuLayers ?? 0 });
  const parallel = o.parallel ?? 2;
  const context = await model.createContext({
    contextSize: o.contextSize ?? 2048,
    sequences: parallel,
    threads,
    batchSize: 512,
  });
  const sequences = Array.from({ length: parallel }, () => context.getSequence());
  return { llama, model, context, slots: createSlots(sequences, o.maxQueue ?? 64) };
}

/** Callback-style generation as an async iterable of text chunks. */
function channel() {
  const chunks: string[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  return {
    push(text: string) {
      chunks.push(text);
      wake?.();
    },
    close() {
      done = true;
      wake?.();
    },
    async *drain(): AsyncGenerator<string> {
      for (;;) {
        const next = chunks.shift();
        if (next !== undefined) yield next;
        else if (done) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

export const llamacpp = {
  name: 'llamacpp',
  create(options: LlamaCppOptions): LlamaCppClient {
    let loading: ReturnType<typeof abandonable> | undefined;
    let loadedModel: Promise<Loaded> | undefined;
    let model: LlamaModel | undefined;
    let state: 'idle' | 'loading' | 'loaded' | 'failed' = 'idle';
    const loaded = () =>
      (loadedModel ??= ((state = 'loading'),
      (loading = abandonable(load(options), options.loadTimeoutMs ?? 300_000))).promise.then(
        (l) => ((model = l.model), (state = 'loaded'), l),
        (error: unknown) => {
          state = 'failed';
          throw error;
        },
      ));
    const contextSize = options.contextSize ?? 2048;
    // The embedding context is made on first use, and texts are embedded one at a time on it.
    let embedding: Promise<LlamaEmbeddingContext> | undefined;
    let embedTurn: Promise<unknown> = Promise.resolve();
    return {
      locations: ['local'],
      // Each sequence has the whole context size. Counted with the model's own tokenizer once it is
      // loaded (before that the gateway estimates, high).
      contextWindow: () => ({
        tokens: contextSize,
        ...(model ? { count: (text: string) => model!.tokenize(text).length } : {}),
      }),
      ready: async () => void (await loaded()),
      status: () => ({ load: state }),
      slots: async () => (await loaded()).slots,
      async models() {
        return ['default'];
      },
      async *stream(request, signal): AsyncGenerator<ModelEvent> {
        let l: Loaded;
        try {
          l = await loaded();
        } catch {
          throw new ProviderError('unavailable', 'the GGUF model could not be loaded');
        }
        const sequence = await l.slots.acquire(signal);
        const { LlamaChat } = await import('node-llama-cpp');
        const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
        const out = channel();
        let tokensOut = 0;
        const tokensIn = l.model.tokenize(request.messages.map((m) => m.content).join('\n')).length;
        const generation = chat
          .generateResponse(toChatHistory(request.messages), {
            signal,
            maxTokens: request.maxTokens ?? 256,
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            onTextChunk: (text) => out.push(text),
            onToken: (tokens) => void (tokensOut += tokens.length),
          })
          .finally(() => out.close());
        generation.catch(() => undefined);
        try {
          for await (const text of out.drain()) yield { type: 'delta', text };
          const result = await generation;
          yield {
            type: 'end',
            usage: { tokensIn, tokensOut },
            finishReason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
          };
        } catch (error) {
          throw new ProviderError('unavailable', error instanceof Error ? error.name : 'generation failed');
        } finally {
          // Wait for llama.cpp to stop before the sequence serves anyone else.
          await generation.catch(() => undefined);
          chat.dispose({ disposeSequence: false });
          await sequence.clearHistory();
          l.slots.release(sequence);
        }
      },
      async embed(request, signal) {
        let context: LlamaEmbeddingContext;
        try {
          embedding ??= loaded().then((l) =>
            l.model.createEmbeddingContext({ contextSize, threads: options.threads ?? 1 }),
          );
          context = await embedding;
        } catch {
          embedding = undefined;
          throw new ProviderError('unavailable', 'the GGUF model could not be loaded for embedding');
        }
        const run = embedTurn.then(async () => {
          const out: number[][] = [];
          for (const text of request.texts) {
            if (signal?.aborted) throw new ProviderError('unavailable', 'aborted');
            out.push([...(await context.getEmbeddingFor(text)).vector]);
          }
          return out;
        });
        embedTurn = run.catch(() => undefined);
        try {
          return await run;
        } catch (error) {
          throw error instanceof ProviderError
            ? error
            : new ProviderError('unavailable', error instanceof Error ? error.name : 'embedding failed');
        }
      },
      async close() {
        const e = await embedding?.catch(() => undefined);
        embedding = undefined;
        await e?.dispose();
        if (!loading) return;
        // A load still under way is not waited for: it is disposed of when it finishes.
        loading.abandon(new ProviderError('unavailable', 'the provider was closed'));
        const l = await loading.promise.catch(() => undefined);
        model = undefined; // no count on a disposed model
        if (l) await dispose(l);
      },
    };
  },
} satisfies Provider<LlamaCppOptions>;
