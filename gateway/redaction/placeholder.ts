// A Placeholder is the reversible token a model sees instead of a value: `<PERSON_1>`.
// The counter is capped so that every placeholder (and every mangled form the model may produce)
// has a known maximum length, which bounds what the stream rehydrator ever holds back.
import { ENTITY_TYPES, type EntityType } from './types.ts';

/** Largest counter a vault hands out per entity type (6 digits). */
export const MAX_PLACEHOLDER_INDEX = 999_999;
export const MAX_PLACEHOLDER_DIGITS = String(MAX_PLACEHOLDER_INDEX).length;

export interface PlaceholderRef {
  type: EntityType;
  index: number;
}

export function formatPlaceholder(type: EntityType, index: number): string {
  return `<${type}_${index}>`;
}

const ENTITY_SET: ReadonlySet<string> = new Set(ENTITY_TYPES);

export function isEntityType(value: string): value is EntityType {
  return ENTITY_SET.has(value);
}

/** Parses `TYPE_N` (no brackets, exact case). Entity types contain `_`, so split at the last one. */
export function parsePlaceholderBody(body: string): PlaceholderRef | undefined {
  const cut = body.lastIndexOf('_');
  if (cut <= 0) return undefined;
  const type = body.slice(0, cut);
  const digits = body.slice(cut + 1);
  if (!isEntityType(type) || !/^[1-9]\d*$/.test(digits) || digits.length > MAX_PLACEHOLDER_DIGITS) return undefined;
  return { type, index: Number(digits) };
}

/** Parses the canonical form `<TYPE_N>` only. */
export function parsePlaceholder(text: string): PlaceholderRef | undefined {
  if (!text.startsWith('<') || !text.endsWith('>')) return undefined;
  return parsePlaceholderBody(text.slice(1, -1));
}
