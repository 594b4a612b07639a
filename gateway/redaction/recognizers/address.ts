// Street addresses: a house number and a street (with its type word) in the order each country
// writes them, optionally followed by a flat, a town and a postcode; Chinese addresses by their
// administrative suffixes (省/市/区/县) down to a road and house number (路/街 … 号); a postcode alone
// only after a word that says it is one. A town or a street name alone identifies nobody: only the
// whole shape is an address.
import { moreAddresses, withBlock } from './address-more.ts';
import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';

const UPPER = '[A-ZÀ-ÖØ-Þ]';
const WORD = `${UPPER}[\\p{Ll}'’-]+`;
const NAME = `${WORD}(?:[ -]${WORD}){0,3}`;
const UK_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}';
const US_ZIP = '(?:[A-Z]{2} )?\\d{5}(?:-\\d{4})?';
const FLAT = `(?:,? (?:Apt\\.?|Apartment|Suite|Ste\\.?|Unit|Flat|Floor|#) ?[\\dA-Z]{1,5})`;
const TOWN_POSTCODE = `(?:,? ${NAME})?(?:,? (?:${UK_POSTCODE}|${US_ZIP}))?`;
const EN_TYPES =
  'Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Place|Pl|Way|Boulevard|Blvd|Terrace|Gardens|Crescent|Square|Sq|Hill|Parkway|Pkwy|Circle|Row|Mews|Walk|Highway|Hwy|Grove|Park|' +
  // the rest of the USPS street suffixes a house number is written before (not Key, Pass, Light: ordinary words after a number)
  'Alley|Bridge|Brook|Bypass|Canyon|Causeway|Centre|Cliffs?|Corners?|Cove|Creek|Crossing|Crossroad|Curve|Dale|Estates?|Expressway|Extension|Falls|Ferry|Fields?|Flats?|Forges?|Forks?|Freeway|Gateway|Glen|Green|Harbou?r|Haven|Heights|Hollow|Island|Junction|Knolls?|Lakes?|Landing|Loop|Manor|Meadows?|Mills?|Motorway|Orchard|Oval|Pike|Pines?|Plains?|Plaza|Points?|Port|Prairie|Ranch|Rapids?|Ridge|River|Route|Shores?|Springs?|Stravenue|Stream|Summit|Trace|Trail|Turnpike|Valley|Viaduct|View|Villa?ge|Vista|Wells';

// Continental postcode + town after a street: "10115 Berlin", "75002 Paris", "1012 AB Amsterdam".
const EU_TOWN = `(?:,? (?:D-|F-|E-)?(?:\\d{5}|\\d{4} ?[A-Z]{2}) ${NAME})?`;

const PATTERNS: readonly RegExp[] = [
  // 221B Baker Street, London NW1 6XE · 1600 Pennsylvania Ave NW, Washington, DC 20500
  new RegExp(
    `(?<![\\p{L}\\d])\\d{1,5}[A-Za-z]?,? ${NAME} (?:${EN_TYPES})\\.?(?: (?:NW|NE|SW|SE|N|S|E|W))?${FLAT}?${TOWN_POSTCODE}(?![\\p{L}\\d])`,
    'gu',
  ),
  // Hauptstraße 5, 10115 Berlin · Keizersgracht 123, 1015 CJ Amsterdam · Am Markt 3
  new RegExp(
    `(?<![\\p{L}\\d])(?:${UPPER}[\\p{Ll}-]{2,}(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|straat|laan|gracht|plein|kade|singel|dijk|steeg|markt)|(?:Am|An der|Im|Auf der) ${WORD}) \\d{1,4}(?: ?[a-z])?\\b${EU_TOWN}`,
    'gu',
  ),
  // 12 rue de la Paix, 75002 Paris · 3 bis avenue Victor Hugo
  new RegExp(
    `(?<![\\p{L}\\d])\\d{1,4}(?: (?:bis|ter))?,? (?:[Rr]ue|[Aa]venue|[Aa]v\\.|[Bb]oulevard|bd|[Pp]lace|[Cc]hemin|[Aa]llée|[Ii]mpasse|[Qq]uai|[Rr]oute|[Cc]ours) (?:(?:de la|de l'|du|des|de|d'|la|le|l')\\s?)?${NAME}${EU_TOWN}`,
    'gu',
  ),
  // Calle de Alcalá 45, 28014 Madrid · Avenida Diagonal, nº 640
  new RegExp(
    `(?<![\\p{L}\\d])(?:Calle|C/|Avenida|Avda\\.|Av\\.|Plaza|Pza\\.|Paseo|Camino|Carrera|Ronda|Travesía) (?:(?:de la|de los|de las|del|de)\\s)?${NAME},? (?:n[º°o]\\.? ?)?\\d{1,4}${EU_TOWN}`,
    'gu',
  ),
];

// US forces' and ships' post (USNS Bergman / FPO AP 93757, PSC 0272, Box 1651 / APO AA 94530) and post boxes.
const MILITARY =
  /(?<![\p{L}\d])(?:(?:USNS|USNV|USS|USCGC) \p{Lu}[\p{L}'’-]+|(?:PSC|Unit|CMR) \d{1,5},? Box \d{1,5})\s*\n?\s*(?:APO|FPO|DPO) (?:AA|AE|AP) \d{5}(?![\p{L}\d])/giu;
const PO_BOX =
  /(?<![\p{L}\d])(?:P\.? ?O\.? Box|Post(?:fach| Box)|Apartado(?: de correos)?|Boîte postale|Casella postale|Postbus) \d{1,6}(?![\p{L}\d])/giu;

const HAN = '\\p{Script=Han}';
// 北京市海淀区中关村南大街5号 · 广东省深圳市南山区科技园路1号3栋201室 · 上海市浦东新区
const ZH_ADDRESS = new RegExp(
  `(?:${HAN}{2,7}?(?:省|自治区))?(?:${HAN}{2,7}?市)?(?:${HAN}{1,7}?(?:区|县|旗))?(?:${HAN}{1,10}?(?:路|街|大道|巷|弄|胡同))(?:\\d{1,5}|[一二三四五六七八九十百]{1,4})(?:号|號)(?:院)?(?:\\d{1,4}(?:号楼|栋|幢|单元))?(?:\\d{1,5}(?:室|号))?`,
  'gu',
);
const ZH_CITY_DISTRICT = new RegExp(`${HAN}{2,4}?(?:省${HAN}{2,4}?市|市${HAN}{1,5}?(?:区|县))`, 'gu');
// Words before an address that are not part of it (我住在 "I live in", 地址是 "the address is").
const ZH_LEAD_IN = /^(?:.*?(?:我住在|住在|我家在|家住|地址是|地址为|地址|寄到|送到|邮寄到|位于|搬到|在))/u;

// A postcode alone says little; after "postcode", "PLZ", "邮编" it is part of where someone lives.
const POSTCODE_AFTER_CUE = new RegExp(
  `(?:post ?code|zip(?: code)?|postal code|plz|postleitzahl|code postal|código postal|cp|postcode|邮编|邮政编码)\\s*(?:is|ist|est|es|:|：)?\\s*(?<value>${UK_POSTCODE}|\\d{5}(?:-\\d{4})?|\\d{4} ?[A-Z]{2}|\\d{6})(?![\\p{L}\\d])`,
  'giu',
);

function findAddresses({ text }: RecognizerInput): Candidate[] {
  const found: Candidate[] = [];
  for (const pattern of [...PATTERNS, MILITARY, PO_BOX])
    for (const m of text.matchAll(pattern)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.85 });
  for (const regex of [ZH_ADDRESS, ZH_CITY_DISTRICT]) {
    for (const m of text.matchAll(regex)) {
      const lead = ZH_LEAD_IN.exec(m[0])?.[0].length ?? 0;
      if (m[0].length - lead >= 4)
        found.push({ start: m.index + lead, end: m.index + m[0].length, score: regex === ZH_ADDRESS ? 0.85 : 0.6 });
    }
  }
  for (const m of text.matchAll(POSTCODE_AFTER_CUE)) {
    const value = m.groups?.['value'] ?? '';
    const start = m.index + m[0].length - value.length;
    found.push({ start, end: start + value.length, score: 0.7 });
  }
  found.push(...moreAddresses(text));
  return found.map((c) => (c.score >= 0.75 ? withBlock(text, c) : c));
}

export const address: Recognizer = {
  name: 'address',
  entity: 'ADDRESS',
  find: findAddresses,
  chunkSize: 2000,
};
