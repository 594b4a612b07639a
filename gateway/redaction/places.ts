// Place and organisation names identify nobody on their own: "the parcel is in Frankfurt", "ISO
// 20022", "I paid with Visa" lose meaning when redacted and protect no one. They are kept, unless
// they say something about a person: part of an address (the ADDRESS span covers them), beside a
// name ("Andrew Taylor from Houston branch"), or after words that tie them to the visitor ("I live
// in Toronto", "I work at Siemens", "my employer Amazon", "I moved from Leeds").
import type { DetectedEntity } from './types.ts';

const PLACE_TYPES = new Set(['LOCATION', 'ORGANIZATION']);
/** characters between a name and a place that still make them one phrase ("Ann Lee, Siemens") */
const BESIDE = /^[\s,(–-]*(?:from|at|of|in|with|von|aus|bei|chez|de|du|van|del|da|@)?[\s,(–-]*$/iu;
const MAX_GAP = 14;
// First-person words that make a place or employer the visitor's own, within the sentence before it.
const ABOUT_ME =
  /(?:\b(?:i|we)\b(?:'m| am| are|'re)?\s+(?:\w+\s+){0,2}(?:live|living|lived|moved|moving|move|reside|residing|work|working|worked|based|from|born|grew up|stay|staying)\b|\bmy\s+(?:employer|company|firm|home|house|flat|address|office|workplace|hometown|school|university)\b|\bemployed (?:by|at)\b|\b(?:ich wohne|wir wohnen|ich arbeite|mein arbeitgeber|je vis|j'habite|je travaille|mon employeur|vivo en|trabajo en|mi empresa|ik woon|ik werk|mijn werkgever)\b|我住在|我在.{0,6}工作|我的公司)[^.!?。！？]{0,40}$/iu;

/** LOCATION and ORGANIZATION findings that say something about a person; everything else passes through */
export function placesAboutPeople(text: string, entities: readonly DetectedEntity[]): DetectedEntity[] {
  const people = entities.filter((e) => e.type === 'PERSON');
  return entities.filter((e) => {
    if (!PLACE_TYPES.has(e.type)) return true;
    const beside = people.some((p) => {
      const gap = p.end <= e.start ? text.slice(p.end, e.start) : e.end <= p.start ? text.slice(e.end, p.start) : '';
      return gap.length <= MAX_GAP && BESIDE.test(gap);
    });
    return beside || ABOUT_ME.test(text.slice(Math.max(0, e.start - 60), e.start));
  });
}
