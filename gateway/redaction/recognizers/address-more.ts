// Address shapes beyond the house-number-first and continental patterns of address.ts:
// - streets named by a suffix or a leading type word, then a number, in the languages of Europe
//   ("Mellemvej 32", "Magasinsgatan 7", "Kiannonkatu 98", "Via Franscini 71", "Erzsébet tér 19");
// - a number, capitalised words and another number ("6750 Koskikatu 25"), weaker alone;
// - a flat or suite alone ("Apt. 595", "Suite 838"), weaker alone;
// - whatever follows an address cue ("my new address is …", "Address:", "lives at", "send it to")
//   up to the end of the clause, when it holds a number (a house number or a postcode);
// and an address block's following lines (town, region, postcode, country) join the address.
import type { Candidate } from './recognizer.ts';

const CAP = "\\p{Lu}[\\p{L}'’.-]*";
// a word ending in a street suffix, checked by a lookbehind once the word is read (no backtracking
// through every suffix at every letter)
const SUFFIX_STREET =
  "\\p{L}[\\p{L}'’.-]*(?<=\\p{L}{2}(?:vej|gade|gatan|gata|vägen|veien|vegen|katu|tie|polku|kuja|straße|strasse|str\\.|gasse|weg|laan|straat|gracht|utca|útja|stræti|stræde))";
const TYPE_FIRST = `(?:Rue de|Rue du|Rue des|Avenida|Via|Viale|Piazza|Corso|Largo|Rua|Avenida|Calle|Ulica|ul\\.|Rue|Strada|Plaza|Praça|Travessa|Aleja|al\\.)`;
const TYPE_AFTER = '(?:tér|út|utca|u\\.|köz|körút|sor)';
const NUMBER = '\\d{1,5}(?: ?[A-Za-z](?![\\p{L}]))?\\.?';
// a postcode and town after the street: ", 2300 København", ", D-10115 Berlin"
const TOWN = `(?:,? (?:[A-Z]{1,2}-)?\\d{4,5} ${CAP}(?: ${CAP})?)?`;
const UNIT = '(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Box|PSC)\\.?,? ?#?\\d{1,5}';

const STREETS: readonly RegExp[] = [
  new RegExp(`(?<![\\p{L}\\d])(?:\\d{1,5},? )?${SUFFIX_STREET} ${NUMBER}${TOWN}(?![\\p{L}\\d])`, 'gu'),
  new RegExp(
    `(?<![\\p{L}\\d])(?:\\d{1,5},? )?${TYPE_FIRST} ${CAP}(?: ${CAP}){0,3},? ${NUMBER}${TOWN}(?![\\p{L}\\d])`,
    'gu',
  ),
  new RegExp(`(?<![\\p{L}\\d])${CAP}(?: ${CAP})? ${TYPE_AFTER} ${NUMBER}(?![\\p{L}\\d])`, 'gu'),
];
const NUMBER_WORDS_NUMBER = new RegExp(
  `(?<![\\p{L}\\d.,/:-])\\d{1,5} ${CAP}(?: ${CAP}){0,2} \\d{1,4}(?![\\p{L}\\d.,/:-]|[.,]\\d)`,
  'gu',
);
const UNIT_ALONE = new RegExp(`(?<![\\p{L}\\d])${UNIT}(?![\\p{L}\\d])`, 'giu');

// After these the rest of the clause is where someone lives or wants post sent.
// (one \b before the alternatives and no unicode flag: a position inside a word fails at once)
const CUE =
  /\b(?:address(?:es)?\b(?: is| to| with| was|:)|lives? (?:at|on)|living at|sent to|send (?:[a-z]+ ){1,3}to|deliver(?:ed)? to|ship(?:ped)? to|mail(?:ed)? to|move[ds]? to|located at|User:|(?:is|it's|are|was) (?:at|on|in)|corner of|return(?: it)? to|meet(?: you)? at|drops? you off at|stop at|Adresse ?:|dirección ?:|adresse est|wohne in|j'habite (?:au|à)|vivo en)\s*/gi;
// (a dot after a street abbreviation, "ul. Cicha 86", "Koepenicker Str. 74", ends nothing; a
// labelled line, "Mobile: …", is the next field)
const CLAUSE_END =
  /[?!;]|(?<!\b(?:ul|al|St|Str|Ave|Av|Avda|Apt|Rd|Dr|Blvd|Ste|No|u|nº))\.(?:\s|$)|\n\n|\n(?=[^\n:]{1,20}:)|,\s+and\b|\s(?:for|after|before|since|because|and I|but|please|thanks|thank you)\b/iu;
const MAX_CUED = 120;
// A number beside a capitalised word ("Pod Floriánem 1677", "12 Elm Road"), not "5pm" or "£20".
const HOUSE_NUMBER = /(?<![\p{L}\d£$€])\d{1,5}[A-Za-z]?,? \p{Lu}|\p{Lu}[\p{L}.]* \d{1,5}(?![\d\p{L}])/u;

// A following line of an address block: a town, a region code, a postcode, a country.
const BLOCK_LINE =
  /^\n(?:[ \t]*\n)?[ \t>?]*,?[ \t]*(?:[\p{Lu}\d][\p{L}\d'’.()-]*(?:[ ,]+[\p{L}\d'’.()-]+){0,5})[ \t]*(?=\n|$)/u;
const MAX_BLOCK_LINES = 4;
// …but not a number labelled as a phone line after it ("781 1704 office", "28-64-66-98 fax").
const PHONE_LINE = /\d[ \t]*[-–,(]?[ \t]*(?:phone|mobile|cell|fax|office|desk|home|work|landline)\)?[ \t]*$/iu;

function cued(text: string): Candidate[] {
  const found: Candidate[] = [];
  for (const m of text.matchAll(CUE)) {
    const start = m.index + m[0].length;
    const rest = text.slice(start, start + MAX_CUED);
    const end = CLAUSE_END.exec(rest)?.index ?? rest.length;
    let value = rest.slice(0, end).replace(/[\s,]+$/u, '');
    // "Billing address: Sara Schwarz\n 28245 Puruntie 82": the name line above the address is a person's.
    let skipped = 0;
    for (
      let line = /^[^\d\n]*\n\s*/u.exec(value);
      line && /\d/.test(value.slice(line[0].length));
      line = /^[^\d\n]*\n\s*/u.exec(value)
    ) {
      skipped += line[0].length;
      value = value.slice(line[0].length);
    }
    // A house number or a postcode makes it an address ("sent to my email" has neither).
    if (!HOUSE_NUMBER.test(value) || /@/.test(value)) continue;
    found.push({ start: start + skipped, end: start + skipped + value.length, score: 0.75 });
  }
  return found;
}

/** extends an address over a building number before it and the town / region / postcode /
 * country lines that follow it */
export function withBlock(text: string, c: Candidate): Candidate {
  let end = c.end;
  const before = /(?<![\p{L}\d.,:/-])\d{1,5} $/u.exec(text.slice(Math.max(0, c.start - 6), c.start));
  const start = before ? c.start - before[0].length : c.start;
  for (let i = 0; i < MAX_BLOCK_LINES; i++) {
    const line = BLOCK_LINE.exec(text.slice(end));
    if (!line || PHONE_LINE.test(line[0])) break;
    end += line[0].length;
  }
  return end === c.end && start === c.start ? c : { ...c, start, end };
}

export function moreAddresses(text: string): Candidate[] {
  const found: Candidate[] = [];
  // Every shape here holds a number (a house number, a flat, a postcode).
  if (!/\d/.test(text)) return found;
  for (const regex of STREETS)
    for (const m of text.matchAll(regex)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.8 });
  // The weak shapes count only as the first line of a block or before a town ("…, Leeds").
  for (const regex of [NUMBER_WORDS_NUMBER, UNIT_ALONE]) {
    for (const m of text.matchAll(regex)) {
      const end = m.index + m[0].length;
      found.push({
        start: m.index,
        end,
        score: /^(?:\.?[ \t]*\n|,? \p{Lu})/u.test(text.slice(end, end + 3)) ? 0.6 : 0.4,
      });
    }
  }
  found.push(...cued(text));
  return found;
}
