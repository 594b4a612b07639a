// Runs every recognizer over NFKC-normalised text and reports findings against the original string.
// Fails closed: a recognizer that throws or a blown time budget yields { ok: false }, never a partial list.
import { chunkText } from './chunks.ts';
import { hasContextWord, swappedSpellings } from './context.ts';
import { detectLanguage } from './lang.ts';
import { nameRepeats } from './name-repeats.ts';
import { normalizeForMatching } from './normalize.ts';
import { defaultRecognizers } from './recognizers/index.ts';
import type { Candidate, Pattern, Recognizer, RecognizerInput } from './recognizers/recognizer.ts';
import {
  ENTITY_TYPES,
  LANGS,
  type AnalyzeOptions,
  type AnalyzeResult,
  type DetectedEntity,
  type EntityType,
  type Lang,
} from './types.ts';

/** Longest text analysed (JS string length). Chat messages are ≤ 4,000; longer input is refused. */
export const MAX_TEXT_LENGTH = 100_000;
export const DEFAULT_TIMEOUT_MS = 1_000;
/** Findings scoring below this are not reported; policies may set stricter per-entity thresholds. */
export const DEFAULT_MIN_SCORE = 0.5;
const DEFAULT_BOOST = 0.35;
const DEFAULT_WINDOW = { before: 48, after: 24 };
const ANTI_CONTEXT_PENALTY = 0.3;
const ADDRESS_OVER_NAMES = 0.75;
const NAME_TYPES: ReadonlySet<EntityType> = new Set(['PERSON', 'LOCATION', 'ORGANIZATION']);
const UNION_TYPES: ReadonlySet<EntityType> = new Set([...NAME_TYPES, 'ADDRESS']);

export interface AnalyzerConfig {
  recognizers?: readonly Recognizer[];
  timeoutMs?: number;
  minScore?: number;
}

class Timeout extends Error {}

interface Finding extends Candidate {
  type: EntityType;
  recognizer: string;
}

export function createAnalyzer(
  config: AnalyzerConfig = {},
): (text: string, options?: AnalyzeOptions) => Promise<AnalyzeResult> {
  const all = config.recognizers ?? defaultRecognizers;
  const minScore = config.minScore ?? DEFAULT_MIN_SCORE;
  // Dictionary loads happen here, at boot, rather than inside the first message's time budget.
  // A warm-up that throws surfaces again (and fails closed) when that recognizer runs.
  for (const r of all) {
    try {
      r.warmUp?.();
    } catch {
      // the recognizer will throw on use and the analysis will fail closed
    }
  }
  return async (text, options = {}) => {
    try {
      if (typeof text !== 'string') return failure('analyzer', 'threw', 'text must be a string');
      if (text.length > MAX_TEXT_LENGTH) {
        return failure(
          'analyzer',
          'input_too_long',
          `text is ${text.length} characters; the limit is ${MAX_TEXT_LENGTH}`,
        );
      }
      const started = performance.now();
      const budget = options.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const deadline = started + budget;
      const lang: Lang =
        options.lang !== undefined && LANGS.includes(options.lang) ? options.lang : detectLanguage(text);
      const normalized = normalizeForMatching(text);
      const input: RecognizerInput = { text: normalized.text, lang };
      const wanted = options.entities;
      const active = all.filter(
        (r) => (wanted === undefined || wanted.includes(r.entity)) && (r.langs === undefined || r.langs.includes(lang)),
      );

      const findings: Finding[] = [];
      const windows = new Windows(input);
      for (const recognizer of active) {
        let found: Finding[];
        try {
          found = await runRecognizer(recognizer, input, windows, deadline);
        } catch (err) {
          if (err instanceof Timeout)
            return failure(recognizer.name, 'timeout', `analysis exceeded its ${budget} ms budget`);
          return failure(recognizer.name, 'threw', describe(err));
        }
        if (performance.now() > deadline)
          return failure(recognizer.name, 'timeout', `analysis exceeded its ${budget} ms budget`);
        findings.push(...found.filter((f) => f.score >= minScore));
      }
      const people = findings.filter((f) => f.type === 'PERSON');
      for (const c of nameRepeats(normalized.text, people))
        findings.push({ ...c, type: 'PERSON', recognizer: 'name_repeats' });
      const entities = resolveOverlaps(findings).map((f): DetectedEntity => {
        const span = normalized.toOriginal(f.start, f.end);
        return { type: f.type, start: span.start, end: span.end, score: round(f.score), recognizer: f.recognizer };
      });
      entities.sort((a, b) => a.start - b.start || a.end - b.end);
      return { ok: true, lang, entities };
    } catch (err) {
      // Anything outside a recognizer (normalisation, language detection) fails closed too.
      return failure('analyzer', 'threw', describe(err));
    }
  };
}

// The same window objects go to every recognizer of one analysis, so per-input caches (one
// compromise parse for PERSON, LOCATION and ORGANIZATION) still hit.
class Windows {
  private readonly bySize = new Map<number, { offset: number; input: RecognizerInput }[]>();
  constructor(private readonly input: RecognizerInput) {}
  of(size: number | undefined): { offset: number; input: RecognizerInput }[] {
    if (size === undefined || this.input.text.length <= size) return [{ offset: 0, input: this.input }];
    let windows = this.bySize.get(size);
    if (!windows) {
      windows = chunkText(this.input.text, size).map((c) => ({
        offset: c.offset,
        input: { text: c.text, lang: this.input.lang },
      }));
      this.bySize.set(size, windows);
    }
    return windows;
  }
}

async function runRecognizer(
  recognizer: Recognizer,
  input: RecognizerInput,
  windows: Windows,
  deadline: number,
): Promise<Finding[]> {
  const candidates: Candidate[] = [];
  for (const pattern of recognizer.patterns ?? []) {
    candidates.push(...patternCandidates(pattern, input.text));
    if (performance.now() > deadline) throw new Timeout();
  }
  if (recognizer.find) {
    for (const window of windows.of(recognizer.chunkSize)) {
      const pending = recognizer.find(window.input);
      const found = pending instanceof Promise ? await withDeadline(pending, deadline) : pending;
      for (const c of found)
        candidates.push({ start: c.start + window.offset, end: c.end + window.offset, score: c.score });
      if (performance.now() > deadline) throw new Timeout();
    }
  }
  const findings: Finding[] = [];
  for (const candidate of candidates) {
    const scored = score(recognizer, candidate, input);
    if (scored) findings.push(scored);
  }
  return findings;
}

function patternCandidates(pattern: Pattern, text: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const m of text.matchAll(pattern.regex)) {
    // A named group `value` narrows the span (the name after "my name is").
    const group = m.indices?.groups?.['value'];
    const [start, end] = group ?? [m.index, m.index + m[0].length];
    candidates.push({ start, end, score: pattern.score });
  }
  return candidates;
}

/**
 * Pattern and synchronous recognizers (the structured identifiers: no NLP, no time budget) over
 * one text, at once: for the model-output masker, which runs between a token's arrival and its
 * delivery and so cannot wait. Offsets are into `original`.
 */
export function detectSync(
  recognizers: readonly Recognizer[],
  original: string,
  lang: Lang,
  minScore: number,
): DetectedEntity[] {
  const normalized = normalizeForMatching(original);
  const input: RecognizerInput = { text: normalized.text, lang };
  const findings: Finding[] = [];
  for (const recognizer of recognizers) {
    const candidates = (recognizer.patterns ?? []).flatMap((p) => patternCandidates(p, input.text));
    if (recognizer.find) {
      const found = recognizer.find(input);
      if (found instanceof Promise) throw new Error(`recognizer ${recognizer.name} is asynchronous`);
      candidates.push(...found);
    }
    for (const c of candidates) {
      const scored = score(recognizer, c, input);
      if (scored && scored.score >= minScore) findings.push(scored);
    }
  }
  return resolveOverlaps(findings).map((f) => {
    const span = normalized.toOriginal(f.start, f.end);
    return { type: f.type, start: span.start, end: span.end, score: round(f.score), recognizer: f.recognizer };
  });
}

/** the validator decides the base score, then a context word nearby raises it (or gates it) */
function score(recognizer: Recognizer, candidate: Candidate, input: RecognizerInput): Finding | null {
  let { start, end, score: value } = candidate;
  if (end <= start) return null;
  if (recognizer.validate) {
    const verdict = recognizer.validate(input.text.slice(start, end), input);
    if (verdict === false) return null;
    if (verdict === true) value = recognizer.validScore ?? 1;
    else if (typeof verdict === 'number') value = verdict;
    else {
      value = verdict.score;
      end = start + verdict.keep;
    }
  }
  const window = recognizer.contextWindow ?? DEFAULT_WINDOW;
  if (recognizer.antiContext && hasContextWord(input.text, start, end, recognizer.antiContext, window)) {
    value -= ANTI_CONTEXT_PENALTY;
  } else if (recognizer.context && recognizer.context.length > 0) {
    const near =
      hasContextWord(input.text, start, end, recognizer.context, window) ||
      (recognizer.contextRequired === true &&
        hasContextWord(input.text, start, end, swappedSpellings(recognizer.context), window));
    if (!near && recognizer.contextRequired) return null;
    if (near) value = Math.min(1, value + (recognizer.contextBoost ?? DEFAULT_BOOST));
  }
  if (value <= 0) return null;
  return { start, end, score: value, type: recognizer.entity, recognizer: recognizer.name };
}

/** Names and addresses of one type that overlap are one finding over their union, at the best
 * score: "Abby" (compromise) and "Abby M. Laidlaw" (the name lists) are one name, not its first
 * word. (Structured identifiers keep the best single reading: two phones side by side stay two.) */
function unionSameType(findings: Finding[]): Finding[] {
  const merged: Finding[] = [];
  const byType = new Map<EntityType, Finding[]>();
  for (const f of findings) {
    const group = UNION_TYPES.has(f.type) ? byType.get(f.type) : undefined;
    if (group) group.push(f);
    else if (UNION_TYPES.has(f.type)) byType.set(f.type, [f]);
    else merged.push(f);
  }
  for (const group of byType.values()) {
    group.sort((a, b) => a.start - b.start || b.end - a.end);
    let last: Finding | undefined;
    for (const f of group) {
      if (last && f.start < last.end) {
        if (f.score > last.score) last.recognizer = f.recognizer;
        last.end = Math.max(last.end, f.end);
        last.score = Math.max(last.score, f.score);
      } else merged.push((last = { ...f }));
    }
  }
  return merged;
}

/** greedy: highest score, then longest span, then earliest; ties broken by entity and recognizer name
 * so the same text always gives the same answer */
function resolveOverlaps(all: Finding[]): Finding[] {
  const merged = unionSameType(all);
  // A name inside a street address is the street's ("2456 Rue de Virton 38", "USNS Møller"):
  // the address names the span, whatever compromise scored the name.
  const addresses = merged.filter((f) => f.type === 'ADDRESS' && f.score >= ADDRESS_OVER_NAMES);
  const findings =
    addresses.length === 0
      ? merged
      : merged.filter((f) => !NAME_TYPES.has(f.type) || !addresses.some((a) => a.start <= f.start && f.end <= a.end));
  const order = [...findings].sort(
    (a, b) =>
      b.score - a.score ||
      b.end - b.start - (a.end - a.start) ||
      a.start - b.start ||
      ENTITY_TYPES.indexOf(a.type) - ENTITY_TYPES.indexOf(b.type) ||
      a.recognizer.localeCompare(b.recognizer),
  );
  const kept: Finding[] = [];
  for (const f of order) {
    if (!kept.some((k) => k.start < f.end && f.start < k.end)) kept.push(f);
  }
  return kept;
}

async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function failure(recognizer: string, reason: 'threw' | 'timeout' | 'input_too_long', message: string): AnalyzeResult {
  return { ok: false, error: { recognizer, reason, message } };
}

// Error text can echo the value a validator choked on: keep only the class and a short message.
function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 200);
  return 'non-Error thrown';
}

function round(score: number): number {
  return Math.round(score * 100) / 100;
}
