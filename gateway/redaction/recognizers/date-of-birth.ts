import { isPlausibleBirthDate } from './dates.ts';
import type { Recognizer } from './recognizer.ts';

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  januar: 1,
  janvier: 1,
  enero: 1,
  gennaio: 1,
  januari: 1,
  stycznia: 1,
  jänner: 1,
  feb: 2,
  february: 2,
  februar: 2,
  février: 2,
  fevrier: 2,
  febrero: 2,
  febbraio: 2,
  februari: 2,
  lutego: 2,
  mar: 3,
  march: 3,
  märz: 3,
  maerz: 3,
  mars: 3,
  marzo: 3,
  maart: 3,
  marca: 3,
  apr: 4,
  april: 4,
  avril: 4,
  abril: 4,
  aprile: 4,
  kwietnia: 4,
  may: 5,
  mai: 5,
  mayo: 5,
  maggio: 5,
  mei: 5,
  maja: 5,
  jun: 6,
  june: 6,
  juni: 6,
  juin: 6,
  junio: 6,
  giugno: 6,
  czerwca: 6,
  jul: 7,
  july: 7,
  juli: 7,
  juillet: 7,
  julio: 7,
  luglio: 7,
  lipca: 7,
  aug: 8,
  august: 8,
  août: 8,
  aout: 8,
  agosto: 8,
  augustus: 8,
  sierpnia: 8,
  sep: 9,
  sept: 9,
  september: 9,
  septembre: 9,
  septiembre: 9,
  settembre: 9,
  września: 9,
  oct: 10,
  october: 10,
  oktober: 10,
  octobre: 10,
  octubre: 10,
  ottobre: 10,
  października: 10,
  nov: 11,
  november: 11,
  novembre: 11,
  noviembre: 11,
  listopada: 11,
  dec: 12,
  december: 12,
  dezember: 12,
  décembre: 12,
  decembre: 12,
  diciembre: 12,
  dicembre: 12,
  grudnia: 12,
};
const MONTH_NAMES = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const YEAR = '(?:19|20)\\d{2}';

/** parses the date shapes the patterns admit and checks it is a real, past day */
export function parseBirthDate(value: string): boolean {
  const v = value.toLowerCase().replace(/(\d)(st|nd|rd|th)\b/g, '$1');
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(v);
  if (m) return isPlausibleBirthDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(v);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = Number(m[3]);
    // Day-first (Europe) or month-first (US): either reading being a real date is enough.
    return isPlausibleBirthDate(y, b, a) || isPlausibleBirthDate(y, a, b);
  }
  const words = v.split(/[\s.,]+/).filter((w) => w !== '' && w !== 'de' && w !== 'of' && w !== 'the');
  const month = words.map((w) => MONTHS[w]).find((n) => n !== undefined);
  const numbers = words.filter((w) => /^\d+$/.test(w)).map(Number);
  const year = numbers.find((n) => n >= 1900);
  const day = numbers.find((n) => n < 100);
  return month !== undefined && year !== undefined && day !== undefined && isPlausibleBirthDate(year, month, day);
}

// A date is everywhere in banking chat (payments, statements); it is personal data only as a birth date.
export const dateOfBirth: Recognizer = {
  name: 'date_of_birth',
  entity: 'DATE_OF_BIRTH',
  patterns: [
    {
      name: 'iso',
      regex: new RegExp(`(?<!\\d)${YEAR}\\s*[-/.年]\\s*(?:0?[1-9]|1[0-2])\\s*[-/.月]\\s*${DAY}(?:\\s*日)?(?!\\d)`, 'g'),
      score: 0.6,
    },
    { name: 'numeric', regex: new RegExp(`(?<![\\d./-])\\d{1,2}[./-]\\d{1,2}[./-]${YEAR}(?![\\d])`, 'g'), score: 0.6 },
    {
      name: 'day-month-year',
      regex: new RegExp(
        `(?<![A-Za-z0-9])${DAY}(?:st|nd|rd|th|\\.)?(?: de| of)? (?:${MONTH_NAMES})\\.?,?(?: de)? ${YEAR}(?![\\p{N}])`,
        'giu',
      ),
      score: 0.6,
    },
    {
      name: 'month-day-year',
      regex: new RegExp(`(?<![A-Za-z0-9])(?:${MONTH_NAMES})\\.? ${DAY}(?:st|nd|rd|th)?,? ${YEAR}(?![\\p{N}])`, 'giu'),
      score: 0.6,
    },
  ],
  context: [
    'born',
    'birth',
    'date of birth',
    'dob',
    'd.o.b',
    'birthday',
    'birthdate',
    'b-day',
    'geboren',
    'geburtsdatum',
    'geb.',
    'geburtstag',
    'né le',
    'née le',
    'né',
    'née',
    'date de naissance',
    'naissance',
    'fecha de nacimiento',
    'nacido',
    'nacida',
    'nací',
    'naci',
    'nacimiento',
    'data di nascita',
    'nato',
    'nata',
    'nascita',
    'geboortedatum',
    'geboortedag',
    'data urodzenia',
    'urodzony',
    'urodzona',
    'urodzin',
    '生日',
    '出生',
    '出生日期',
    '出生于',
    '生于',
  ],
  contextRequired: true,
  // after: 10 reaches a verb-final " geboren" ("ich bin am 18.12.1944 geboren").
  contextWindow: { before: 32, after: 10 },
  validate: parseBirthDate,
  validScore: 0.8,
};
