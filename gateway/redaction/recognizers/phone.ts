import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import type { Lang } from '../types.ts';
import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';

// Which national formats to read numbers without a +country prefix in, per message language.
const COUNTRIES: Readonly<Record<Lang, readonly CountryCode[]>> = {
  en: ['US', 'GB'],
  zh: ['CN'],
  de: ['DE', 'AT'],
  fr: ['FR'],
  es: ['ES'],
  it: ['IT'],
  nl: ['NL'],
  pl: ['PL'],
};
// Service numbers belong to companies (the bank's own hotline), not to the people we protect.
const SERVICE_TYPES = new Set(['TOLL_FREE', 'SHARED_COST', 'PREMIUM_RATE', 'UAN', 'VOICEMAIL']);
// Types that belong to a person; a national-format fixed line (no +country) is too easily an order
// number or a date (DE and FR numbering is permissive), so it needs a phone word nearby.
const PERSONAL_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);
// CN mobiles in any language: 11 digits from 13x–19x, with or without +86/0086, grouped 3-4-4 or not.
const CN_MOBILE = /(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)/g;

// libphonenumber scans the whole text (~50 ms for 4,000 characters); it only gets the stretches that
// could hold a number: 6+ digits with the separators phone numbers use, plus a little lead-in.
const DIGIT_STRETCH = /(?:\+|00)?[(\d][\d\s().\/-]{4,30}\d/g;
const LEAD_IN = 4;

function* stretches(text: string): Generator<{ offset: number; text: string }> {
  for (const m of text.matchAll(DIGIT_STRETCH)) {
    if ((m[0].match(/\d/g)?.length ?? 0) < 6) continue;
    const offset = Math.max(0, m.index - LEAD_IN);
    yield { offset, text: text.slice(offset, m.index + m[0].length) };
  }
}

function findPhones({ text, lang }: RecognizerInput): Candidate[] {
  const found: Candidate[] = [];
  for (const country of COUNTRIES[lang]) for (const stretch of stretches(text)) {
    for (const hit of findPhoneNumbersInText(stretch.text, { defaultCountry: country })) {
      const start = hit.startsAt + stretch.offset;
      const end = hit.endsAt + stretch.offset;
      // Digits glued to a code prefix (INV-2024-000123, ref/20240517) belong to that code.
      if (/[A-Za-z0-9][-/]$/.test(text.slice(Math.max(0, start - 2), start))) continue;
      const type = hit.number.getType() ?? 'UNKNOWN';
      const value = text.slice(start, end);
      const international = /^(?:\+|00)/.test(value);
      // "0151/2345678" is how DE and AT write numbers (always after the trunk 0); "7139/938480" is a reference.
      if (!international && value.includes('/') && !value.startsWith('0')) continue;
      // A mobile range is narrow (07[4-9] in GB, 1[3-9] in CN, 06 in FR/NL): a number in one outranks
      // a context-only guess such as a bank account next to the word "account".
      const score = SERVICE_TYPES.has(type) ? 0.2 : type === 'MOBILE' ? 0.85 : international || PERSONAL_TYPES.has(type) ? 0.7 : 0.4;
      found.push({ start, end, score });
    }
  }
  for (const m of text.matchAll(CN_MOBILE)) {
    found.push({ start: m.index, end: m.index + m[0].length, score: lang === 'zh' ? 0.85 : 0.6 });
  }
  return found;
}

export const phone: Recognizer = {
  name: 'phone',
  entity: 'PHONE',
  find: findPhones,
  chunkSize: 1000,
  context: [
    'phone', 'mobile', 'cell', 'tel', 'telephone', 'call', 'call me', 'reach me', 'contact', 'landline', 'whatsapp', 'sms', 'text me',
    'telefon', 'handy', 'handynummer', 'rufnummer', 'téléphone', 'portable', 'teléfono', 'móvil', 'telefono',
    'ruf', 'anrufen', 'appelez', 'appeler', 'llámame', 'llamar', 'chiamami', 'bel me', 'bellen', 'zadzwoń', 'numer telefonu',
    'cellulare', 'telefoon', 'mobiel', 'telefonu', 'komórka', '手机', '电话', '手机号', '联系', '号码', '致电',
  ],
  contextBoost: 0.25,
};
