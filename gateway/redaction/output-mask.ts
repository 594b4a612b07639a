// Output masking: a structured identifier the model made up (a card, an e-mail address, an IBAN, a
// phone number) is masked before the visitor or the /v1 caller sees it. It runs on the model's raw
// stream, before rehydration, so the visitor's own values (placeholders the vault restores) are
// never touched. Synchronous per token: the tail of the text that could still grow into an
// identifier ("4111 1111" of a card still streaming) is held back until the next token shows
// where it ends; everything before it goes out at once.
import { createAllowList } from './allow-list.ts';
import { detectSync } from './analyzer.ts';
import { detectLanguage } from './lang.ts';
import { mask } from './operators/mask.ts';
import { ruleFor, type RedactionPolicy } from './policy.ts';
import { recognizers } from './recognizers/index.ts';
import { ENTITY_TYPES, type EntityType } from './types.ts';
import { Vault } from './vault.ts';
import { findVaultOccurrences, vaultPrefixLength } from './vault-recheck.ts';

/** what the masker looks for: identifiers a recognizer can tell by shape and checksum alone */
export const MASKED_OUTPUT_TYPES: readonly EntityType[] = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'CN_RESIDENT_ID',
  'IP_ADDRESS',
];
const STRUCTURED = [
  recognizers.email,
  recognizers.phone,
  recognizers.creditCard,
  recognizers.iban,
  recognizers.usSsn,
  recognizers.cnResidentId,
  recognizers.ipAddress,
];

// Tails that may still become an identifier: digits with separators (not glued to a word: "w3 " is
// no card's start), an IBAN's start, a word that may turn into an e-mail address. Held back, at most MAX_HELD characters.
const OPEN_TAIL =
  /(?:(?<![\p{L}\p{N}])[+(]?\p{N}[\p{N} ._/()-]*|[A-Za-z]{2}\p{N}{2}[A-Za-z0-9 ._-]*|[\p{L}\p{N}._%+-]+(?:@[\p{L}\p{N}.-]*)?)$/u;
const MAX_HELD = 64;
/** characters of already released text kept as context for cue words ("card", "tel") */
const CONTEXT = 48;

export interface OutputMasker {
  /** the text that can go out now (masked); the rest waits for the next chunk */
  push(chunk: string): string;
  /** everything still held, masked */
  end(): string;
  /** identifiers masked so far */
  count(): number;
}

export interface OutputMaskOptions {
  /** its thresholds and allow list apply (the company's own hotline stays) */
  policy?: RedactionPolicy;
}

/** A factory of maskers (one per model answer), with the allow list and thresholds compiled once.
 * Given the conversation's vault, a value already in it that the model writes out (a name from an
 * earlier turn, a card it reconstructed) becomes that value's placeholder, whatever the
 * recognizers say: the visitor still sees it put back, while the raw answer (the transcript an
 * agent reads, the answer cache, the output scan) never holds it. */
export function createOutputMaskers(options: OutputMaskOptions = {}): (vault?: Vault) => OutputMasker {
  const isAllowed = createAllowList(options.policy?.allow ?? []);
  const thresholds = Object.fromEntries(
    ENTITY_TYPES.map((t) => [t, options.policy ? ruleFor(options.policy, t).threshold : 0.5]),
  ) as Record<EntityType, number>;
  const minScore = Math.min(...MASKED_OUTPUT_TYPES.map((t) => thresholds[t]));
  const hmacKey = new Uint8Array(32);

  return (vault) => {
    let held = '';
    let context = '';
    let masked = 0;

    const release = (text: string): string => {
      if (text === '') return '';
      const whole = context + text;
      const found = detectSync(STRUCTURED, whole, detectLanguage(whole), minScore).filter(
        (e) =>
          e.end > context.length && e.score >= thresholds[e.type] && !isAllowed(e.type, whole.slice(e.start, e.end)),
      );
      const known = vault ? findVaultOccurrences(whole, vault).filter((e) => e.start >= context.length) : [];
      const spans: { start: number; end: number; replace: (value: string) => string }[] = known.map((e) => ({
        start: e.start,
        end: e.end,
        replace: () => e.placeholder,
      }));
      for (const e of found) {
        if (spans.some((k) => k.start < e.end && e.start < k.end)) continue;
        spans.push({
          start: e.start,
          end: e.end,
          replace: (value) => mask({ type: e.type, value, vault: new Vault(), hmacKey }),
        });
      }
      spans.sort((a, b) => a.start - b.start);
      let out = text;
      let after = Infinity;
      for (const e of [...spans].reverse()) {
        if (e.end > after) continue;
        const start = Math.max(0, e.start - context.length);
        const end = e.end - context.length;
        out = out.slice(0, start) + e.replace(out.slice(start, end)) + out.slice(end);
        after = e.start;
        masked += 1;
      }
      context = whole.slice(-CONTEXT);
      return out;
    };

    return {
      push(chunk) {
        const buffer = held + chunk;
        const tail = OPEN_TAIL.exec(buffer);
        let cut = tail ? tail.index : buffer.length;
        if (vault) cut = Math.min(cut, buffer.length - vaultPrefixLength(buffer, vault, MAX_HELD));
        if (buffer.length - cut > MAX_HELD) cut = buffer.length - MAX_HELD;
        held = buffer.slice(cut);
        return release(buffer.slice(0, cut));
      },
      end() {
        const rest = held;
        held = '';
        return release(rest);
      },
      count: () => masked,
    };
  };
}
