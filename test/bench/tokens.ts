// Benchmark rows for tokens: the llamacpp provider's tokens/s against node-llama-cpp called
// directly on the same tiny model, and the token estimate against Llama-2's tokenizer.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MESSAGE_OVERHEAD_TOKENS } from '../../gateway/model/context.ts';
import { estimateTokens } from '../../gateway/model/types.ts';
import { providers } from '../../gateway/providers/index.ts';
import { toChatHistory } from '../../gateway/providers/llamacpp/provider.ts';
import { CORPORA, loadCorpus } from '../support/pii-corpus.ts';
import type { Emit } from './emit.ts';

const STORIES = path.resolve(import.meta.dirname, '../../../shared/models/stories260K.gguf');
const LLAMA2_TOKENIZER = path.resolve(import.meta.dirname, '../../../shared/models/llama-2-tiny-random.gguf');
const r2 = (n: number) => Math.round(n * 100) / 100;

export async function llamaTokens(emit: Emit, quick: boolean) {
  if (!fs.existsSync(STORIES)) {
    emit({ bench: 'gateway', case: 'llamacpp', skipped: `${STORIES} not present` });
    return;
  }
  const maxTokens = quick ? 64 : 256;
  const rounds = quick ? 3 : 12;
  const messages = [{ role: 'user' as const, content: 'Once upon a time' }];
  const { getLlama, LlamaChat, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: STORIES });
  const context = await model.createContext({ contextSize: 2048, sequences: 1, threads: 1, batchSize: 512 });
  const sequence = context.getSequence();
  const client = providers.llamacpp.create({ modelPath: STORIES, threads: 1, parallel: 1, contextSize: 2048 });
  await client.ready();

  /** tokens/s of one direct generation; the clock stops when generateResponse resolves */
  const direct = async () => {
    const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
    let n = 0;
    let text = ''; // streamed text, as a caller that shows the answer receives it (the provider does too)
    const t = performance.now();
    await chat.generateResponse(toChatHistory(messages), {
      maxTokens,
      temperature: 0,
      onTextChunk: (chunk) => void (text += chunk),
      onToken: (tokens) => void (n += tokens.length),
    });
    const rate = n / ((performance.now() - t) / 1000);
    chat.dispose({ disposeSequence: false });
    await sequence.clearHistory();
    return text ? rate : 0;
  };
  /** tokens/s through the provider; the clock stops at its final event (cleanup comes after, as above) */
  const viaProvider = async () => {
    const t = performance.now();
    let rate = 0;
    for await (const e of client.stream(
      { model: 'default', messages, maxTokens, temperature: 0 },
      new AbortController().signal,
    )) {
      if (e.type === 'end') rate = e.usage.tokensOut / ((performance.now() - t) / 1000);
    }
    return rate;
  };
  // Interleaved, alternating which goes first, and compared by medians: this machine's speed drifts
  // between runs by more than the difference measured.
  const d: number[] = [];
  const p: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i <= rounds; i += 1) {
    let pr: number;
    let dr: number;
    if (i % 2) ((pr = await viaProvider()), (dr = await direct()));
    else ((dr = await direct()), (pr = await viaProvider()));
    if (i === 0) continue; // warm-up
    p.push(pr);
    d.push(dr);
    ratios.push(pr / dr);
  }
  await client.close?.();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  emit({
    bench: 'gateway',
    case: 'llamacpp',
    model: 'stories260K.gguf',
    threads: 1,
    maxTokens,
    rounds,
    directTokensPerSec: r2(median(d)),
    providerTokensPerSec: r2(median(p)),
    ratio: r2(median(ratios)),
    ratioMin: r2(Math.min(...ratios)),
    ratioMax: r2(Math.max(...ratios)),
  });
}

/**
 * The gateway's token estimate (what it fits conversations to a window with, where it has no
 * tokenizer) against Llama-2's real tokenizer, on the suite's labelled messages per language: the
 * estimate over the real count (min, median, max), how many messages it counts low, and how many
 * even with the per-message overhead the fit adds.
 */
export async function tokenEstimate(emit: Emit) {
  if (!fs.existsSync(LLAMA2_TOKENIZER)) {
    emit({ bench: 'gateway', case: 'tokens', skipped: `${LLAMA2_TOKENIZER} not present` });
    return;
  }
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: LLAMA2_TOKENIZER });
  const byLang = new Map<string, { estimate: number; real: number; chars: number }[]>();
  for (const corpus of [...CORPORA, 'no-pii'] as const) {
    for (const m of loadCorpus(corpus)) {
      const rows = byLang.get(m.lang) ?? [];
      rows.push({ estimate: estimateTokens(m.text), real: model.tokenize(m.text).length, chars: m.text.length });
      byLang.set(m.lang, rows);
    }
  }
  for (const [lang, rows] of byLang) {
    const ratios = rows.map((r) => r.estimate / r.real).sort((x, y) => x - y);
    emit({
      bench: 'gateway',
      case: 'tokens',
      tokenizer: 'llama-2',
      lang,
      messages: rows.length,
      realCharsPerToken: r2(rows.reduce((n, r) => n + r.chars, 0) / rows.reduce((n, r) => n + r.real, 0)),
      ratioMin: r2(ratios[0]!),
      ratioP50: r2(ratios[Math.floor(ratios.length / 2)]!),
      ratioMax: r2(ratios.at(-1)!),
      countedLow: rows.filter((r) => r.estimate < r.real).length,
      countedLowWithOverhead: rows.filter((r) => r.estimate + MESSAGE_OVERHEAD_TOKENS < r.real).length,
    });
  }
  await model.dispose();
  await llama.dispose();
}
