// A recognizer is data plus a check (Presidio style): patterns with a base score, context words that
// raise it, and an optional validator (a checksum) that decides the final score or drops the match.
import type { EntityType, Lang } from '../types.ts';

export interface Pattern {
  name: string;
  /** must carry the `g` flag; a named group `value` (with the `d` flag) narrows the span to it */
  regex: RegExp;
  score: number;
}

/** a span of the normalised text, before context scoring */
export interface Candidate {
  start: number;
  end: number;
  score: number;
}

export interface RecognizerInput {
  /** NFKC-normalised text (see normalize.ts); spans are indices into it */
  text: string;
  lang: Lang;
}

/**
 * `false` drops the match (failed checksum, impossible date); `true` means the check passed and the
 * match gets `validScore` (default 1); a number sets the score directly; `{ score, keep }` also
 * shortens the match to its first `keep` characters (an IBAN whose greedy pattern ran into a word).
 */
export type Validator = (value: string, input: RecognizerInput) => boolean | number | { score: number; keep: number };

export interface Recognizer {
  name: string;
  entity: EntityType;
  patterns?: readonly Pattern[];
  /** code-driven detection for what a regex cannot express (phone numbers, NLP); runs with patterns */
  find?: (input: RecognizerInput) => Candidate[] | Promise<Candidate[]>;
  /** lower-case words/phrases; one near the match adds `contextBoost` (default 0.35) */
  context?: readonly string[];
  contextBoost?: number;
  /** lower-case words that say the match is something else ("gift card code"): near one, no boost
   *  applies and the score drops by `antiContextPenalty` (default 0.3) */
  antiContext?: readonly string[];
  /** characters searched before/after the match for context words (default 48 / 24) */
  contextWindow?: { before: number; after: number };
  /** when true a match with no context word nearby is dropped (BIC, bank account, passport, DOB) */
  contextRequired?: boolean;
  validate?: Validator;
  validScore?: number;
  /** longer text reaches `find` in overlapping windows of this many characters (see chunks.ts) */
  chunkSize?: number;
  /** loads dictionaries/models up front; createAnalyzer calls it so the first message is not slow */
  warmUp?: () => void;
  /** languages this recognizer runs for (default: all) */
  langs?: readonly Lang[];
}
