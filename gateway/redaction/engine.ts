// The redaction engine: analyzer findings + policy → redacted text. It FAILS CLOSED: whatever goes
// wrong, the caller gets { ok: false } and never the original text, and redact() never throws.
import { createAllowList } from './allow-list.ts';
import { createDenyList } from './deny-list.ts';
import { operators } from './operators/index.ts';
import { placesAboutPeople } from './places.ts';
import { findVaultValues } from './vault-recheck.ts';
import { ruleFor, type RedactionPolicy } from './policy.ts';
import { ENTITY_TYPES, LANGS, type Analyzer, type DetectedEntity, type EntityType, type Lang } from './types.ts';
import type { Vault } from './vault.ts';

export interface RedactedEntity {
  type: EntityType;
  /** JS string indices into the ORIGINAL text, end exclusive. */
  start: number;
  end: number;
  score: number;
}

export type RedactionErrorId =
  | 'analyzer_failed'
  | 'analyzer_timeout'
  | 'invalid_analysis'
  | 'operator_failed'
  | 'invalid_input'
  | 'input_too_long'
  | 'internal';

export type RedactOutcome =
  | { ok: true; text: string; lang: Lang | undefined; entities: RedactedEntity[]; counts: Record<EntityType, number> }
  | { ok: false; error: { id: RedactionErrorId; message: string } };

export interface RedactRequest {
  text: string;
  lang?: Lang;
  vault: Vault;
  /** values the conversation gave before (its stored vault), read only: found again whatever the
   *  recognizers say, and numbered in `vault` like any finding */
  known?: Vault;
}

export interface RedactionEngine {
  redact(request: RedactRequest): Promise<RedactOutcome>;
}

export interface RedactionEngineDeps {
  analyzer: Analyzer;
  policy: RedactionPolicy;
  hmacKey: Uint8Array;
  /** budget for the analyzer; past it the redaction fails closed. */
  timeoutMs?: number;
  /**
   * Who reads the redacted text. `model` (the default): every `mask` rule becomes a placeholder, so
   * no model ever sees part of a value (a card's BIN and last four, an id's last digits). `person`:
   * masks as the policy says (an agent's or an operator's view).
   */
  audience?: 'model' | 'person';
}

export const MIN_HMAC_KEY_BYTES = 32;
const DEFAULT_TIMEOUT_MS = 2_000;

class RedactionFailure extends Error {
  constructor(
    readonly id: RedactionErrorId,
    message: string,
  ) {
    super(message);
  }
}

const ZERO_COUNTS = Object.freeze(Object.fromEntries(ENTITY_TYPES.map((t) => [t, 0])) as Record<EntityType, number>);

/** A fresh count of 0 per entity type (a copy: callers add to it; called per scan, so no rebuild). */
export function emptyCounts(): Record<EntityType, number> {
  return { ...ZERO_COUNTS };
}

const ENTITY_SET: ReadonlySet<string> = new Set(ENTITY_TYPES);
const LANG_SET: ReadonlySet<string> = new Set(LANGS);

/** The analyzer is another module's code: check its findings before trusting their offsets. */
function checkFinding(e: DetectedEntity, length: number): void {
  const sane =
    ENTITY_SET.has(e.type) &&
    Number.isInteger(e.start) &&
    Number.isInteger(e.end) &&
    e.start >= 0 &&
    e.end <= length &&
    e.start < e.end &&
    Number.isFinite(e.score);
  if (!sane)
    throw new RedactionFailure('invalid_analysis', 'analyzer returned an entity with invalid type, offsets or score');
}

/** Overlapping findings become one span covering all of them (redact more, never less); the
 *  highest-scoring finding names it, the longest wins a tie. */
function mergeOverlaps(findings: DetectedEntity[]): RedactedEntity[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Array<RedactedEntity & { length: number }> = [];
  for (const f of sorted) {
    const last = merged.at(-1);
    if (last && f.start < last.end) {
      const length = f.end - f.start;
      if (f.score > last.score || (f.score === last.score && length > last.length)) {
        last.type = f.type;
        last.score = f.score;
        last.length = length;
      }
      last.end = Math.max(last.end, f.end);
    } else {
      merged.push({ type: f.type, start: f.start, end: f.end, score: f.score, length: f.end - f.start });
    }
  }
  return merged.map(({ type, start, end, score }) => ({ type, start, end, score }));
}

async function analyzeWithin(analyzer: Analyzer, text: string, lang: Lang | undefined, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedactionFailure('analyzer_timeout', `analysis exceeded ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([analyzer(text, lang ? { lang, timeoutMs } : { timeoutMs }), timeout]);
  } catch (error) {
    if (error instanceof RedactionFailure) throw error;
    throw new RedactionFailure('analyzer_failed', 'analyzer threw');
  } finally {
    clearTimeout(timer);
  }
}

export function createRedactionEngine(deps: RedactionEngineDeps): RedactionEngine {
  // Configuration errors are boot errors: throw here, not on every message.
  if (deps.hmacKey.byteLength < MIN_HMAC_KEY_BYTES)
    throw new Error(`hmacKey must be at least ${MIN_HMAC_KEY_BYTES} bytes`);
  const { analyzer, policy, hmacKey } = deps;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const isAllowed = createAllowList(policy.allow);
  const findDenied = createDenyList(policy.deny);
  const forModel = (deps.audience ?? 'model') === 'model';
  const rules = Object.fromEntries(ENTITY_TYPES.map((t) => [t, ruleFor(policy, t)])) as Record<
    EntityType,
    ReturnType<typeof ruleFor>
  >;
  // For a model, a mask rule becomes a placeholder whose rehydration shows the mask: the model sees
  // nothing of the value, the visitor (and the stored reply) the mask the policy asks for.
  const apply = (type: EntityType, value: string, vault: Vault): string => {
    const operator = rules[type].operator;
    // A mask the visitor was shown, back in the history: the same placeholder as the value it masks.
    const shown = forModel ? vault.placeholderOfShown(type, value) : undefined;
    if (shown !== undefined) return shown;
    if (forModel && operator === 'mask')
      return vault.placeholderFor(type, value, operators.mask({ type, value, vault, hmacKey }));
    return operators[operator]({ type, value, vault, hmacKey });
  };

  async function run({ text, lang, vault, known }: RedactRequest): Promise<RedactOutcome> {
    if (typeof text !== 'string') throw new RedactionFailure('invalid_input', 'text must be a string');
    if (lang !== undefined && !LANG_SET.has(lang)) throw new RedactionFailure('invalid_input', 'unsupported language');
    const analysis = await analyzeWithin(analyzer, text, lang, timeoutMs);
    if (!analysis.ok) {
      const { recognizer, reason } = analysis.error;
      if (reason === 'input_too_long') throw new RedactionFailure('input_too_long', 'text is too long to analyse');
      const id = reason === 'timeout' ? 'analyzer_timeout' : 'analyzer_failed';
      throw new RedactionFailure(id, `recognizer ${recognizer} ${reason === 'timeout' ? 'timed out' : 'failed'}`);
    }
    for (const e of analysis.entities) checkFinding(e, text.length);

    const passed = analysis.entities.filter(
      (e) => e.score >= rules[e.type].threshold && !isAllowed(e.type, text.slice(e.start, e.end)),
    );
    const kept = policy.placesAndOrganisations === 'keep' ? placesAboutPeople(text, passed) : passed;
    // Values this conversation already gave are redacted again wherever they recur, found or not.
    const spans = mergeOverlaps([
      ...kept,
      ...findDenied(text),
      ...findVaultValues(text, vault),
      ...(known ? findVaultValues(text, known) : []),
    ]);

    // From here to the end nothing awaits: the vault sees this redaction's placeholders as one
    // atomic step. Numbering follows reading order; splicing runs from the end so earlier
    // offsets stay valid.
    const replacements = spans.map((span) => {
      try {
        return apply(span.type, text.slice(span.start, span.end), vault);
      } catch {
        throw new RedactionFailure('operator_failed', `${rules[span.type].operator} operator failed for ${span.type}`);
      }
    });
    let redacted = text;
    const counts = emptyCounts();
    for (let i = spans.length - 1; i >= 0; i -= 1) {
      const span = spans[i];
      const replacement = replacements[i];
      if (span === undefined || replacement === undefined) throw new RedactionFailure('internal', 'span mismatch');
      redacted = redacted.slice(0, span.start) + replacement + redacted.slice(span.end);
      counts[span.type] += 1;
    }
    return { ok: true, text: redacted, lang: analysis.lang, entities: spans, counts };
  }

  return {
    async redact(request) {
      try {
        return await run(request);
      } catch (error) {
        // Messages are ours (never analyzer text), so they carry no personal data.
        if (error instanceof RedactionFailure) return { ok: false, error: { id: error.id, message: error.message } };
        return { ok: false, error: { id: 'internal', message: 'unexpected redaction failure' } };
      }
    },
  };
}
