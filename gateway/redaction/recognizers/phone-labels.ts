// Numbers a label names as a phone ("Mobile: 0341 8387176", "930.167.3943 fax", "(37) 788-063-Office",
// "Tel.:\n+46 (0)157 548 89"), whatever their grouping and whether or not any numbering plan holds
// them, and the extension written after a number ("463-612-6138x036", "+1 415 555 0187 ext. 12").
// A label right beside the number is what a signature, a form or a letterhead writes; a context
// word somewhere nearby (phone.ts) is weaker and gates only the weakest shape.
import type { Candidate } from './recognizer.ts';

/** words that name the line a number reaches: in front of the number ("Fax: …") */
const LABEL_BEFORE =
  'phone|telephone|tel|mobile|mob|cell|cellphone|fax|office|desk|home|work|landline|whatsapp|direct|' +
  'telefon|handy|mobil|téléphone|tél|portable|teléfono|móvil|telefono|cellulare|telefoon|mobiel|komórka|komórki|' +
  'telefonu|telefonnummer|handynummer|rufnummer|telefoonnummer';
/** …and after it, ending the line or the field ("…-Office,", "… fax\n"; not "4711-0815 home delivery") */
const LABEL_AFTER = 'phone|mobile|cell|fax|office|desk|home|work|landline|whatsapp';
/** digit groups, a group in brackets ("(0)", "(37)", "(0151)"), a leading + */
const NUMBER = `\\+?(?:\\(\\d{1,5}\\)|\\d{1,15})(?:[ ./-]{1,2}(?:\\(\\d{1,5}\\)|\\d{1,15})|\\(\\d{1,5}\\)|(?<=\\))\\d{1,15}){0,7}`;
const END = `(?!\\d|[./-]\\d)`;
const BEFORE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${LABEL_BEFORE})(?:[ \\t]*(?:no\\.?|nr\\.?|number|#))?[ \\t]*[:.=]?[ \\t]*\\n?[ \\t]*(?<value>${NUMBER})${END}`,
  'giud',
);
const AFTER = new RegExp(
  `(?<![\\p{L}\\p{N}+./-])(?<value>${NUMBER})${END}[ \\t]*[-–,:(]?[ \\t]*(?:${LABEL_AFTER})(?![\\p{L}]|[ \\t]+\\p{L})`,
  'giud',
);
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;
/** dates and amounts are no phone numbers, labelled or not (12.05.2024, 2024-05-12, 12 345.67) */
const NOT_A_PHONE = /^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|\d{1,3}(?:[ ,]\d{3})+[.,]\d{2})$/;
/** "x036", " ext. 12", " extension 4", " #221" directly after the number */
const EXTENSION = /^[ \t]?(?:x|ext\.?|extn\.?|extension|#)[ \t]?\d{1,6}(?!\d)/i;

/** labelled phone numbers, at `score` */
export function labelledPhones(text: string, score: number): Candidate[] {
  const found: Candidate[] = [];
  for (const regex of [BEFORE, AFTER]) {
    for (const m of text.matchAll(regex)) {
      const span = m.indices?.groups?.['value'];
      if (!span) continue;
      const value = text.slice(span[0], span[1]);
      const digits = value.replace(/\D/g, '').length;
      if (digits < MIN_DIGITS || digits > MAX_DIGITS || NOT_A_PHONE.test(value)) continue;
      found.push({ start: span[0], end: span[1], score });
    }
  }
  return found;
}

/** each finding that ends in a digit and has an extension after it, widened over the extension */
export function withExtensions(text: string, found: readonly Candidate[]): Candidate[] {
  return found.map((c) => {
    if (!/\d/.test(text[c.end - 1] ?? '')) return c;
    const ext = EXTENSION.exec(text.slice(c.end, c.end + 20));
    return ext ? { ...c, end: c.end + ext[0].length } : c;
  });
}
