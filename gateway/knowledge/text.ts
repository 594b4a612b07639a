// Text → index terms, the same way for passages and questions. English and other space-separated
// languages: lower-cased words, stop words dropped, a light suffix stemmer. Chinese (no spaces):
// overlapping character bigrams by default, or words from segmentit; the eval measures both.
import { loadSegmenter } from '../redaction/recognizers/zh-person-segmenter.ts';
import type { ZhMode } from './types.ts';

const STOP = new Set(
  `a an the and or but if then else of to in on at by for with about from into over under up down out off
  is am are was were be been being do does did doing have has had having can could would should will shall may might must
  i me my mine we us our ours you your yours he him his she her it its they them their this that these those there here
  what which who whom whose when where why how not no nor so too very just also than as all any each few more most other some such only own same
  please thanks thank hi hello want need get got tell know let lets im ive dont doesnt cant isnt whats hows`
    .split(/\s+/)
    .filter(Boolean),
);

/** Chinese function characters: they count little towards how well a passage covers a question. */
export const ZH_LIGHT = new Set([
  ...'的了吗呢么吧啊呀我你您他她它们是在有和与及或就都也还要会能可请问怎么什如何哪里儿个一这那',
]);

const HAN = /\p{Script=Han}/u;
// A Han run, or a run of other letters and digits: "App在哪下载" is the word "app" and a Han run.
const RUNS = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+(?:['’](?:(?!\p{Script=Han})\p{L})+)?/gu;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const IRREGULAR: Record<string, string> = {
  forgotten: 'forgot',
  forget: 'forgot',
  stolen: 'steal',
  stole: 'steal',
  lost: 'lose',
  paid: 'pay',
  sent: 'send',
  broken: 'break',
  broke: 'break',
  took: 'take',
  taken: 'take',
  withdrew: 'withdraw',
  withdrawn: 'withdraw',
  bought: 'buy',
  kept: 'keep',
  got: 'get',
  gave: 'give',
  given: 'give',
  left: 'leave',
  made: 'make',
  went: 'go',
  gone: 'go',
  moved: 'move',
  spent: 'spend',
  children: 'child',
  men: 'man',
  women: 'woman',
};

/** A light English stemmer: inflections only, applied identically to passages and questions. */
export function stem(word: string): string {
  let w = word.replace(/['’]s$/, '').replace(/['’]/g, '');
  const irregular = IRREGULAR[w];
  if (irregular) return irregular;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && w.length > 3) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  if (w.endsWith('i') && w.length > 3) w = `${w.slice(0, -1)}y`;
  return w;
}

export interface HanRun {
  text: string;
  terms: string[];
}

export interface Prepared {
  /** English-like terms, stop words removed, stemmed, in order */
  words: string[];
  /** runs of Han characters with their index terms (bigrams or segmented words) */
  han: HanRun[];
}

export function hanTerms(run: string, mode: ZhMode): string[] {
  if (mode === 'segment') return segmentRun(run);
  if (run.length === 1) return [run];
  const out: string[] = [];
  for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}

const SEGMENT_WINDOW = 16; // segmentit is exponential in run length (see zh-person-segmenter.ts)
function segmentRun(run: string): string[] {
  const seg = loadSegmenter();
  const out: string[] = [];
  for (let i = 0; i < run.length; i += SEGMENT_WINDOW) {
    for (const t of seg.doSegment(run.slice(i, i + SEGMENT_WINDOW), { simple: false })) {
      if (t.w && HAN.test(t.w) && !(t.w.length === 1 && ZH_LIGHT.has(t.w))) out.push(t.w);
    }
  }
  return out;
}

export function prepare(text: string, mode: ZhMode = 'bigram'): Prepared {
  const words: string[] = [];
  const han: HanRun[] = [];
  for (const m of normalize(text).matchAll(RUNS)) {
    const token = m[0];
    if (HAN.test(token)) {
      han.push({ text: token, terms: hanTerms(token, mode) });
      continue;
    }
    const plain = token.replace(/['’]/g, '');
    if (STOP.has(plain) || STOP.has(token)) continue;
    if (plain.length === 1 && !/\d/.test(plain)) continue;
    words.push(stem(token));
  }
  return { words, han };
}

/** Every index term of a text, in order (duplicates kept: term frequency matters). */
export function indexTerms(text: string, mode: ZhMode = 'bigram'): string[] {
  const p = prepare(text, mode);
  return [...p.words, ...p.han.flatMap((r) => r.terms)];
}

export const isHan = (s: string) => HAN.test(s);
