// The allow list: values that look personal but are the company's own (hotline, support mailbox).
// Matching is by canonical value, so spacing, case and full-width digits do not matter.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { RedactionPolicy } from './policy.ts';
import { ENTITY_TYPES, type EntityType } from './types.ts';
import { canonicalValue } from './value-key.ts';

export type AllowList = (type: EntityType, value: string) => boolean;

// A phone is written "+44 20 7946 0000", "+44 (0)20 7946 0000", "0044 20…" or "020 7946 0000":
// all of them reduce to the same national significant number, which is what we compare.
function phoneKeys(value: string): string[] {
  const digits = value.normalize('NFKC').replace(/\D+/gu, '');
  const keys = new Set([digits, digits.replace(/^0+/u, '')]);
  const international = digits.startsWith('00') ? `+${digits.slice(2)}` : value.normalize('NFKC');
  // Without a default country libphonenumber reads only a number with a + (or a +country in a
  // tel: URI's phone-context); anything else throws inside it and comes back undefined, so the
  // parse (and its exception) is skipped for the national numbers most messages hold.
  const parsed = international.includes('+') ? parsePhoneNumberFromString(international) : undefined;
  if (parsed) keys.add(parsed.nationalNumber);
  keys.delete('');
  return [...keys];
}

function keysFor(type: EntityType, value: string): string[] {
  return type === 'PHONE' ? phoneKeys(value) : [canonicalValue(type, value)];
}

export function createAllowList(entries: RedactionPolicy['allow']): AllowList {
  const allowed = new Set<string>();
  for (const entry of entries) {
    for (const type of entry.type ? [entry.type] : ENTITY_TYPES) {
      for (const key of keysFor(type, entry.value)) allowed.add(`${type}\u0000${key}`);
    }
  }
  if (allowed.size === 0) return () => false;
  return (type, value) => keysFor(type, value).some((key) => allowed.has(`${type}\u0000${key}`));
}
