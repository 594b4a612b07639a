import {
  findPhoneNumbersInText,
  Metadata,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import type { Lang } from '../types.ts';
import { SEP_OPT } from './digit-shape.ts';
import { labelledPhones, withExtensions } from './phone-labels.ts';
import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';

// Which national formats to read numbers without a +country prefix in, per message language; a
// number none of them reads is tried in every other country (a French mobile in an English message).
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
const ALL_COUNTRIES: readonly CountryCode[] = [
  'US',
  'GB',
  'CN',
  'DE',
  'AT',
  'FR',
  'ES',
  'IT',
  'NL',
  'PL',
  'CH',
  'BE',
  'IE',
];
// Service numbers belong to companies (the bank's own hotline), not to the people we protect.
const SERVICE_TYPES = new Set(['TOLL_FREE', 'SHARED_COST', 'PREMIUM_RATE', 'UAN', 'VOICEMAIL']);
// Types that belong to a person; a national-format fixed line (no +country) is too easily an order
// number or a date (DE and FR numbering is permissive), so it needs a phone word nearby.
const PERSONAL_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);

// Shapes that are phone numbers whether or not the number is a valid one (recall wins: a made-up
// or mistyped number is still what the visitor typed as theirs).
const GROUP = `\\(?\\d{1,6}\\)?`;
/** +country or 00country, then groups: 8–15 digits in all */
const INTERNATIONAL = new RegExp(
  `(?<![A-Za-z\\d+])(?:\\+|00(?=[1-9]))\\d{1,3}(?:${SEP_OPT}${GROUP}){1,7}(?!\\d)`,
  'gu',
);
/** a national trunk 0 and 9–11 digits in groups (07700 900123, 06.48.22.17.93, 0688 872 49 99) */
const TRUNK = new RegExp(
  `(?<![A-Za-z\\d+./-]|\\d )\\(?0\\d{1,4}\\)?(?:[ ./-]{1,2}\\d{2,6}){1,5}(?![\\d]|[./-]\\d)`,
  'gu',
);
/** CN mobiles in any language: 11 digits from 13x–19x, any grouping, with or without +86/0086 */
const CN_MOBILE = new RegExp(`(?<![\\d+])(?:(?:\\+|00)86${SEP_OPT})?1[3-9]\\d(?:${SEP_OPT}\\d){8}(?!\\d)`, 'g');
/** North American 3-3-4: (646) 555-0143, 415.555.0187 */
const NANP =
  /(?<![A-Za-z\d+.-])(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]{0,2}[2-9]\d{2}[ .-]\d{4}(?![\d]|[.-]\d)/gu;
/** 3-3-4 with one kind of dash or dot throughout, or a bracketed area code, whatever the digits (a
 * made-up 930.167.3943 or (579)888-3058 is written as a phone all the same); +1 or 001 in front */
const NANP_SHAPE =
  /(?<![A-Za-z\d+.-])(?:(?:\+1|001|1)[ .-]?)?(?:\(\d{3}\) ?\d{3}[.-]\d{4}|\d{3}([.-])\d{3}\1\d{4})(?![\d]|[.-]\d)/gu;
/** any 7–15 digits in groups (a group may be in brackets): a phone only after a word such as
 * "call me" or "tel" */
const CUE_GROUP = `(?:\\(\\d{1,5}\\)|\\d{1,8})`;
const DIGITS_AFTER_CUE = new RegExp(
  `(?<![A-Za-z\\d+./-])(?:\\(\\d{1,5}\\) ?\\d{2,8}|\\d{2,8})(?:[ ./-]{1,2}${CUE_GROUP}){1,5}(?![\\d]|[./-]\\d)`,
  'gu',
);

const digitsOf = (s: string): string => s.replace(/\D/g, '');
const digitCount = (s: string): number => digitsOf(s).length;
// Free-phone and shared-cost prefixes (NANP 8xx, 0800/0808, CN 400/800): a company's line.
const SERVICE_PREFIX = /^(?:1?8(?:00|33|44|55|66|77|88)\d{7}|0800\d+|0808\d+|0845\d+|0870\d+|[48]00\d{7})$/;

// libphonenumber scans the whole text (~50 ms for 4,000 characters); it only gets the stretches that
// could hold a number: 6+ digits with the separators phone numbers use, plus a little lead-in.
const DIGIT_STRETCH = /(?:\+|00)?[(\d][\d\s().\/_-]{4,30}\d/g;
const LEAD_IN = 4;
const MAX_FOREIGN_TRIES = 8;
const MAX_PHONE_DIGITS = 15;
const SCAN_MIN_DIGITS = 11;
/** a date (09/20/2004, 12.05.2024, 2024-05-12) is no phone number */
const DATE_SHAPE = /^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})$/;

/** four dotted numbers of at most 255 (84.160.58.102) are an IP address, which its recognizer finds */
function isIpv4(stretch: string): boolean {
  const parts = stretch.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function* stretches(
  text: string,
): Generator<{ offset: number; text: string; whole: { start: number; end: number }; digits: number }> {
  for (const m of text.matchAll(DIGIT_STRETCH)) {
    const digits = m[0].match(/\d/g)?.length ?? 0;
    // More than 15 digits is no one phone number (E.164): a card, an account or two numbers in a
    // row, which the shapes and those recognizers find.
    if (digits < 6 || digits > MAX_PHONE_DIGITS || DATE_SHAPE.test(m[0]) || isIpv4(m[0])) continue;
    const offset = Math.max(0, m.index - LEAD_IN);
    yield {
      offset,
      text: text.slice(offset, m.index + m[0].length).replace(/_/g, ' '),
      whole: { start: m.index, end: m.index + m[0].length },
      digits,
    };
  }
}

/** the numbers libphonenumber reads in a stretch: the whole stretch parsed as one number first (a
 * third of the cost of scanning it), the scan only when that fails and the stretch is long enough
 * to hold a number beside other digits */
function readNumbers(
  text: string,
  stretch: { offset: number; text: string; whole: { start: number; end: number }; digits: number },
  country: CountryCode,
): { start: number; end: number; number: PhoneNumber }[] {
  // A stretch glued to letters (ref7342594599) is a code: only the scan, which rejects those, reads it.
  const glued = /[\p{L}]/u.test(text[stretch.whole.start - 1] ?? '');
  const prefixed = /^(?:\+|00)/.test(text.slice(stretch.whole.start, stretch.whole.end));
  const possible = prefixed || nationalDigits(country, false).has(stretch.digits);
  const whole =
    glued || !possible
      ? undefined
      : parsePhoneNumberFromString(text.slice(stretch.whole.start, stretch.whole.end).replace(/_/g, ' '), country);
  if (whole?.isValid()) return [{ ...stretch.whole, number: whole }];
  if (stretch.digits < SCAN_MIN_DIGITS) return [];
  return findPhoneNumbersInText(stretch.text, { defaultCountry: country }).map((hit) => ({
    start: hit.startsAt + stretch.offset,
    end: hit.endsAt + stretch.offset,
    number: hit.number,
  }));
}

// How many digits a number of each country has written nationally (with or without its trunk
// prefix, or a carrier code where the country dials one), from libphonenumber's own metadata: a
// stretch of another length is no valid number of that country as a whole, so it is not asked.
interface NumberingPlanLengths {
  possibleLengths(): number[];
  type(type: 'MOBILE'): { possibleLengths(): number[] } | undefined;
  nationalPrefix(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
}
const planLengths = new Map<string, ReadonlySet<number>>();
function nationalDigits(country: CountryCode, mobile: boolean): ReadonlySet<number> {
  const key = `${country}${mobile ? ' mobile' : ''}`;
  let lengths = planLengths.get(key);
  if (!lengths) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(country);
    // (methods libphonenumber-js has but its typings leave out)
    const plan = metadata.numberingPlan as unknown as NumberingPlanLengths | undefined;
    const national = (mobile ? plan?.type('MOBILE')?.possibleLengths() : undefined) ?? plan?.possibleLengths() ?? [];
    const prefix = plan?.nationalPrefix() ?? '';
    const carrierCodes = (plan?.nationalPrefixForParsing() ?? prefix) !== prefix;
    const extra = carrierCodes ? [0, 1, 2, 3, 4, 5] : [0, prefix.length];
    planLengths.set(key, (lengths = new Set(national.flatMap((n) => extra.map((k) => n + k)))));
  }
  return lengths;
}

function validated(
  text: string,
  stretch: { offset: number; text: string; whole: { start: number; end: number }; digits: number },
  countries: readonly CountryCode[],
  mobilesOnly: boolean,
): Candidate[] {
  const found: Candidate[] = [];
  // With a +country or 00 prefix the default country plays no part: one reading is enough.
  const prefixed = /^(?:\+|00)/.test(text.slice(stretch.whole.start, stretch.whole.end));
  const wholeOnly = mobilesOnly && !prefixed && stretch.digits < SCAN_MIN_DIGITS;
  for (const country of prefixed ? countries.slice(0, 1) : countries) {
    if (wholeOnly && !nationalDigits(country, true).has(stretch.digits)) continue;
    const hits = readNumbers(text, stretch, country);
    // A number valid as a whole in one of them is that country's: national numbering plans do not
    // overlap (a US number starts 2–9, a GB one 0), so the next country would read nothing new.
    const whole = hits.length === 1 && hits[0]?.start === stretch.whole.start && hits[0].end === stretch.whole.end;
    for (const hit of hits) {
      const { start, end } = hit;
      // Digits glued to a code prefix (INV-2024-000123, ref/20240517) belong to that code.
      if (/[A-Za-z0-9][-/]$/.test(text.slice(Math.max(0, start - 2), start))) continue;
      const type = hit.number.getType() ?? 'UNKNOWN';
      if (mobilesOnly && type !== 'MOBILE') continue;
      const value = text.slice(start, end);
      const international = /^(?:\+|00)/.test(value);
      // "0151/2345678" is how DE and AT write numbers (always after the trunk 0); "7139/938480" is a reference.
      if (!international && value.includes('/') && !value.startsWith('0')) continue;
      // A mobile range is narrow (07[4-9] in GB, 1[3-9] in CN, 06 in FR/NL): a number in one outranks
      // a context-only guess such as a bank account next to the word "account".
      const score = SERVICE_TYPES.has(type)
        ? 0.2
        : type === 'MOBILE'
          ? 0.85
          : international || PERSONAL_TYPES.has(type)
            ? 0.7
            : 0.4;
      found.push({ start, end, score });
    }
    // (Another country's mobile reading of the same whole stretch would add the same span again.)
    if (whole && (!mobilesOnly || found.length > 0)) break;
  }
  return found;
}

function shaped(text: string, regex: RegExp, minDigits: number, maxDigits: number, score: number): Candidate[] {
  const found: Candidate[] = [];
  for (const m of text.matchAll(regex)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < minDigits || digits.length > maxDigits || SERVICE_PREFIX.test(digits)) continue;
    found.push({ start: m.index, end: m.index + m[0].length, score });
  }
  return found;
}

function findPhones({ text, lang }: RecognizerInput): Candidate[] {
  const found: Candidate[] = [];
  const own = COUNTRIES[lang];
  const others = ALL_COUNTRIES.filter((c) => !own.includes(c));
  const service: Candidate[] = [];
  const strong = [
    ...shaped(text, INTERNATIONAL, 8, 15, 0.6),
    ...shaped(text, TRUNK, 10, 11, 0.5),
    ...shaped(text, CN_MOBILE, 11, 13, lang === 'zh' ? 0.85 : 0.6),
    ...shaped(text, NANP, 10, 11, 0.5),
    ...shaped(text, NANP_SHAPE, 10, 13, 0.5),
  ];
  // A number labelled as someone's line ("Mobile: 0341 …") is a phone whatever type libphonenumber
  // gives its digits (GB 03 is a UAN range), unless it is free-phone or shared-cost by its prefix.
  const labelled = labelledPhones(text, 0.6).filter((c) => !SERVICE_PREFIX.test(digitsOf(text.slice(c.start, c.end))));
  let foreignTries = 0;
  for (const stretch of stretches(text)) {
    const hits = validated(text, stretch, own, false);
    service.push(...hits.filter((h) => h.score <= 0.2));
    found.push(...hits);
    // Not a number of this language's countries nor phone-shaped already: a mobile of another
    // country is still a phone (612 48 93 07 in an English message). Tried for the first few such
    // stretches only, which bounds the cost on hostile input (100 KB of digits).
    const end = stretch.offset + stretch.text.length;
    const covered = strong.some((c) => c.start < end && stretch.offset < c.end);
    const digits = digitCount(stretch.text);
    if (hits.length === 0 && !covered && digits >= 8 && digits <= 12 && foreignTries < MAX_FOREIGN_TRIES) {
      foreignTries++;
      found.push(...validated(text, stretch, others, true).map((c) => ({ ...c, score: 0.6 })));
    }
  }
  const shapes = [...strong, ...shaped(text, DIGITS_AFTER_CUE, 7, 15, 0.25)];
  // A shape that libphonenumber reads as a service number (a hotline) is that, not a person's phone.
  found.push(...shapes.filter((c) => !service.some((s) => s.start < c.end && c.start < s.end)));
  // The number after a label is the whole of it ("Tel. 8 (912) 345-67-89"), not the part inside.
  const inside = (c: Candidate): boolean =>
    labelled.some((l) => l.start <= c.start && c.end <= l.end && l.end - l.start > c.end - c.start);
  return withExtensions(text, [...found.filter((c) => !inside(c)), ...labelled]);
}

export const phone: Recognizer = {
  name: 'phone',
  entity: 'PHONE',
  find: findPhones,
  chunkSize: 1000,
  context: [
    'phone',
    'mobile',
    'cell',
    'tel',
    'telephone',
    'call',
    'call me',
    'reach me',
    'contact',
    'landline',
    'fax',
    'answering',
    'messages to',
    'my registered',
    'whatsapp',
    'sms',
    'text me',
    'telefon',
    'handy',
    'handynummer',
    'rufnummer',
    'téléphone',
    'portable',
    'teléfono',
    'móvil',
    'telefono',
    'ruf',
    'anrufen',
    'appelez',
    'appeler',
    'llámame',
    'llamar',
    'chiamami',
    'bel me',
    'bellen',
    'zadzwoń',
    'numer telefonu',
    'cellulare',
    'telefoon',
    'mobiel',
    'telefonu',
    'komórka',
    '手机',
    '电话',
    '手机号',
    '联系',
    '号码',
    '致电',
  ],
  contextBoost: 0.25,
};
