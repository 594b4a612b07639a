// The uniform shapes every provider speaks (the contract lives in providers/types.ts, re-exported
// here for the pipeline's files) and the token estimate the pipeline fits conversations with.
export type {
  ChatMessage,
  ClientStatus,
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
} from '../providers/types.ts';

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
    else if (c < 0xa000)
      halves += 5; // CJK ideographs
    else if (c >= 0xd800 && c <= 0xdfff)
      halves += 4; // each half of a surrogate pair
    else halves += 6; // Hangul, Yi, private use, compatibility and full-width forms
  }
  return Math.ceil(halves / 2) + Math.ceil(run / 3);
}
