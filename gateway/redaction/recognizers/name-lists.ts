// The name lists the cue-less name finders check words against: compromise's lexicon of about 3,000
// given names and its surnames, plus common given names it lacks; and the words that look like
// names but never are one, or are ordinary words too.
import nlp from 'compromise';

// Common given names of South Asia, Africa, East Asia (romanised) and the Nordics that the lexicon lacks.
const EXTRA_GIVEN = (
  'priya pooja anjali deepa divya kavya lakshmi meera nisha rani sunita aarti rahul rohan vikram arjun sanjay suresh ramesh rajesh amit anil vijay ' +
  'kwame kofi kojo ama abena akosua yaw chidi chinedu chioma ngozi emeka obinna adaeze achieng akinyi wanjiru njeri otieno kamau mwangi tendai ' +
  'tatenda farai chipo thabo sipho lindiwe zanele nomvula bongani hyun jiwoo minjun seojun jisoo haruto yuki hiroshi takeshi akira kenji sakura ' +
  'xiaoming xiaoli jing ying lei hao oona sigrid astrid ingrid solveig freya eero aino tuomas jukka'
).split(' ');
// Capitalised words that start sentences or name things, never people.
export const NOT_NAMES = new Set(
  (
    'the this that these those my our your his her their a an i we you he she it they hello hi hey dear thanks thank please ' +
    'customer service support bank card account credit debit online mobile app team branch manager user client caller agent ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december ' +
    'urgent asap atm pin iban bic swift sepa visa mastercard amex paypal apple google street road avenue lane new old north south east west ' +
    'corporation corp inc ltd llc gmbh plc ag sa group systems solutions partners technologies capital holdings labs ventures ' +
    "i'm i’m bot re fwd subject note " +
    // headings of forms and words that name a company or a body, never a person
    'personal info information details profile mission statement orchestra investments insurance consulting ' +
    'foundation institute university academy agency association society hospital clinic'
  ).split(' '),
);

export interface NameLists {
  given: Set<string>;
  surnames: Set<string>;
  /** every word of the lexicon */
  known: Set<string>;
  /** words the lexicon knows as a place, an organisation or a date: never a name */
  other: Set<string>;
}
let lists: NameLists | undefined;
export function names(): NameLists {
  if (lists) return lists;
  const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon;
  const given = new Set(EXTRA_GIVEN);
  const surnames = new Set<string>();
  const other = new Set<string>();
  for (const [word, tags] of Object.entries(lexicon)) {
    const tag = String(tags);
    if (/FirstName|MaleName|FemaleName/.test(tag) && !NOT_NAMES.has(word)) given.add(word);
    else if (/LastName/.test(tag) && !NOT_NAMES.has(word)) surnames.add(word);
    else if (/Place|City|Country|Region|Organization|Month|WeekDay|Date/.test(tag)) other.add(word);
  }
  lists = { given, surnames, known: new Set(Object.keys(lexicon)), other };
  return lists;
}

// Lower-case words that are given names or surnames in the lists and ordinary English words too.
export const COMMON_WORDS = new Set(
  (
    'will may june mark bill rose grant young page king long rich hope joy faith grace summer autumn dawn art chase chance ' +
    'sky rock stone wood hill bush brown green white black gray grey fox wolf bird ford love lane bell ray guy max ' +
    'sue pat bob jack frank earl dean sterling august april can don drew sunny penny an so do us jean lee'
  ).split(' '),
);
// Chat shorthand no lexicon has, which a lower-case name pair would otherwise take in ("maria pls").
export const SHORTHAND = new Set([
  'pls',
  'plz',
  'thx',
  'ty',
  'tx',
  'asap',
  'btw',
  'fyi',
  'imo',
  'lol',
  'brb',
  'idk',
  'ok',
  'okay',
  'hmm',
  'yeah',
  'yep',
  'nope',
]);
