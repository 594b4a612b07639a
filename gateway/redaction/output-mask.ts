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

/** what the masker looks for: identifiers a recognizer can tell by shape and checksum alone */
export const MASKED_OUTPUT_TYPES: readonly EntityType[] = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'US_SSN', 'CN_RESIDENT_ID', 'IP_ADDRESS'];
const STRUCTURED = [recognizers.email, recognizers.phone, recognizers.creditCard, recognizers.iban, recognizers.usSsn, recognizers.cnResidentId, recognizers.ipAddress];

// Tails that may still become an identifier: digits with separators (not glued to a word: "w3 " is
// no card's start), an IBAN's start, a word that may turn into an e-mail address. Held back, at most MAX_HELD characters.
const OPEN_TAIL = /(?:(?<![\p{L}\p{N}])[+(]?\p{N}[\p{N} ._/()-]*|[A-Za-z]{2}\p{N}{2}[A-Za-z0-9 ._-]*|[\p{L}\p{N}._%+-]+(?:@[\p{L}\p{N}.-]*)?)$/u;
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

/** A factory of maskers (one per model answer), with the allow list and thresholds compiled once. */
export function createOutputMaskers(options: OutputMaskOptions = {}): () => OutputMasker {
  const isAllowed = createAllowList(options.policy?.allow ?? []);
  const thresholds = Object.fromEntries(ENTITY_TYPES.map((t) => [t, options.policy ? ruleFor(options.policy, t).threshold : 0.5])) as Record<EntityType, number>;
  const minScore = Math.min(...MASKED_OUTPUT_TYPES.map((t) => thresholds[t]));
  const hmacKey = new Uint8Array(32);

  return () => {
    let held = '';
    let context = '';
    let masked = 0;

    const release = (text: string): string => {
      if (text === '') return '';
      const whole = context + text;
      const found = detectSync(STRUCTURED, whole, detectLanguage(whole), minScore).filter(
        (e) => e.end > context.length && e.score >= thresholds[e.type] && !isAllowed(e.type, whole.slice(e.start, e.end)),
      );
      let out = text;
      for (const e of [...found].reverse()) {
        const start = Math.max(0, e.start - context.length);
        const end = e.end - context.length;
        const value = out.slice(start, end);
        out = out.slice(0, start) + mask({ type: e.type, value, vault: new Vault(), hmacKey }) + out.slice(end);
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
