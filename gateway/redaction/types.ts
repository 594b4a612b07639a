// Shared shapes of the redaction engine. Offsets everywhere are JS string indices (UTF-16 code
// units) into the ORIGINAL text the caller passed, even though matching runs on NFKC-normalised text.

export const ENTITY_TYPES = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'BIC',
  'BANK_ACCOUNT',
  'PASSPORT',
  'US_SSN',
  'CN_RESIDENT_ID',
  'UK_NINO',
  'DE_TAX_ID',
  'FR_NIR',
  'NL_BSN',
  'ES_NIF',
  'IT_FISCAL_CODE',
  'PL_PESEL',
  'IP_ADDRESS',
  'DATE_OF_BIRTH',
  'PERSON',
  'ADDRESS',
  'LOCATION',
  'ORGANIZATION',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const LANGS = ['en', 'zh', 'de', 'fr', 'es', 'it', 'nl', 'pl'] as const;
export type Lang = (typeof LANGS)[number];

/** One finding of one recognizer, after validation and context scoring. */
export interface DetectedEntity {
  type: EntityType;
  /** start/end: JS string indices into the original text, end exclusive. */
  start: number;
  end: number;
  /** 0..1 after the validator and context words have had their say. */
  score: number;
  /** name of the recognizer that produced it (for tests and tuning, never logged with text). */
  recognizer: string;
}

export interface AnalyzeOptions {
  /** language of the text; detected when absent. */
  lang?: Lang;
  /** restrict to these entity types (default: all). */
  entities?: readonly EntityType[];
  /** budget for the whole analysis; past it the result is a failure (fail closed). */
  timeoutMs?: number;
}

export type AnalyzeFailure = {
  ok: false;
  /** which recognizer failed and how; callers must not send the text anywhere. */
  error: { recognizer: string; reason: 'threw' | 'timeout' | 'input_too_long'; message: string };
};
export type AnalyzeSuccess = { ok: true; lang: Lang; entities: DetectedEntity[] };
export type AnalyzeResult = AnalyzeSuccess | AnalyzeFailure;

/** Finds personal data. Never throws: every failure comes back as { ok: false }. */
export type Analyzer = (text: string, options?: AnalyzeOptions) => Promise<AnalyzeResult>;
