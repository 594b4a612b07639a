// Rehydration: put the visitor's own values back into model output, in one piece or as a stream.
// Decisions (tested in rehydrate.test.ts):
// - a placeholder this vault issued is restored in every form the model may mangle it into:
//   `<PERSON_1>`, `< PERSON_1 >`, `<person_1>`, `&lt;PERSON_1&gt;`, and bare upper-case `PERSON_1`;
//   the vault is per conversation, so restoring only ever shows visitors their own data.
// - a bracketed placeholder the vault never issued (`<PERSON_7>`, model-invented) is never guessed:
//   it becomes "[unknown]" by default (option `unknown: 'keep'` leaves it as written);
// - a bare unknown `PERSON_7` is left as written: without brackets it may be ordinary text.
// - hash tokens (`<EMAIL#3f9a1c2b>`), masks and "[removed]" are one-way and pass through untouched.
import { couldBecomeForm, MAX_FORM_LENGTH, PLACEHOLDER_FORM } from './placeholder-form.ts';
import { isEntityType } from './placeholder.ts';
import type { Vault } from './vault.ts';

export const UNKNOWN_PLACEHOLDER = '[unknown]';

export interface RehydrateOptions {
  /** what a bracketed placeholder the vault never issued becomes. Default 'neutral' ("[unknown]"). */
  unknown?: 'neutral' | 'keep';
}

export interface RehydrationStats {
  /** placeholders replaced by their original value. */
  restored: number;
  /** bracketed placeholders this vault never issued (a sign the model invented one). */
  unknown: number;
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

/** `previous`: the character before `text` in the whole output (streaming), for the bare form's
 *  word boundary; a bare match at offset 0 right after a word character is ordinary text. */
function rehydrateCounting(
  text: string,
  vault: Vault,
  options: RehydrateOptions,
  stats: RehydrationStats,
  previous?: string,
): string {
  return text.replace(
    PLACEHOLDER_FORM,
    (
      match: string,
      bType: string | undefined,
      bIndex: string | undefined,
      rType: string | undefined,
      rIndex: string | undefined,
      offset: number,
    ) => {
      const bracketed = bType !== undefined;
      const type = (bType ?? rType ?? '').toUpperCase();
      const index = Number(bIndex ?? rIndex);
      // The regex is case-insensitive for the bracketed form; a bare form counts only in upper case.
      if (!bracketed && (rType !== type || (offset === 0 && isWordChar(previous)))) return match;
      const original = isEntityType(type) ? vault.display(type, index) : undefined;
      if (original !== undefined) {
        stats.restored += 1;
        return original;
      }
      if (!bracketed) return match;
      stats.unknown += 1;
      return options.unknown === 'keep' ? match : UNKNOWN_PLACEHOLDER;
    },
  );
}

/** Batch rehydration of a whole text. */
export function rehydrate(text: string, vault: Vault, options: RehydrateOptions = {}): string {
  return rehydrateCounting(text, vault, options, { restored: 0, unknown: 0 });
}

/** Rehydrates every string inside a JSON value (tool-call arguments, structured output). */
export function rehydrateDeep(value: unknown, vault: Vault, options: RehydrateOptions = {}): unknown {
  if (typeof value === 'string') return rehydrate(value, vault, options);
  if (Array.isArray(value)) return value.map((v) => rehydrateDeep(v, vault, options));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rehydrateDeep(v, vault, options)]));
  }
  return value;
}

export interface StreamRehydrator {
  /** Feed a chunk; returns what can be released now (possibly ""). */
  push(chunk: string): string;
  /** End of stream: releases whatever was held back. */
  end(): string;
  stats(): RehydrationStats;
}

/**
 * Streaming rehydration. Text is released as soon as it cannot be part of a placeholder form;
 * only a tail that could still become one is held, and never more than MAX_FORM_LENGTH chars.
 * Output equals batch rehydrate() of the concatenated input, for every way of chunking it.
 */
export function createStreamRehydrator(vault: Vault, options: RehydrateOptions = {}): StreamRehydrator {
  const stats: RehydrationStats = { restored: 0, unknown: 0 };
  let held = '';
  // the raw character just before `held`, for the bare form's word boundary
  let before: string | undefined;

  return {
    push(chunk) {
      const buffer = held + chunk;
      let cut = buffer.length;
      for (let i = Math.max(0, buffer.length - MAX_FORM_LENGTH); i < buffer.length; i += 1) {
        const ch = buffer[i] ?? '';
        if (ch !== '<' && ch !== '&' && (ch < 'A' || ch > 'Z')) continue;
        if (couldBecomeForm(buffer.slice(i), i === 0 ? before : buffer[i - 1])) {
          cut = i;
          break;
        }
      }
      const released = rehydrateCounting(buffer.slice(0, cut), vault, options, stats, before);
      if (cut > 0) before = buffer[cut - 1];
      held = buffer.slice(cut);
      return released;
    },
    end() {
      const rest = held;
      held = '';
      return rehydrateCounting(rest, vault, options, stats, before);
    },
    stats: () => ({ ...stats }),
  };
}

/** The same as an async-iterable transform, for provider token streams. */
export async function* rehydrateStream(
  source: AsyncIterable<string>,
  vault: Vault,
  options: RehydrateOptions = {},
): AsyncGenerator<string, RehydrationStats> {
  const rehydrator = createStreamRehydrator(vault, options);
  for await (const chunk of source) {
    const out = rehydrator.push(chunk);
    if (out !== '') yield out;
  }
  const last = rehydrator.end();
  if (last !== '') yield last;
  return rehydrator.stats();
}
