// Table tests for the pieces of retrieval that need no database: index terms, typo correction,
// line diff, and the answer/prompt rules (threshold, citations, "I don't know").
import { describe, expect, it } from 'vitest';
import { extractiveAnswer, groundedPrompt } from './answer.ts';
import { lineDiff } from './diff.ts';
import { correct, editDistance } from './fuzzy.ts';
import { buildQuery, CORRECTED_CREDIT, hanSynonyms, NEAR_CREDIT } from './query.ts';
import { coverage } from './score.ts';
import { hanTerms, indexTerms, stem } from './text.ts';
import { createRetriever } from './retriever.ts';
import type { PassageHit, PassageSource } from './types.ts';

describe('index terms', () => {
  const cases: [string, string[]][] = [
    ['How do I activate my new Card?', ['activat', 'new', 'card']],
    ['Cards, cards and CARDS', ['card', 'card', 'card']],
    ['transferring transfers transferred', ['transfer', 'transfer', 'transfer']],
    ['银行卡挂失', ['银行', '行卡', '卡挂', '挂失']],
    ['PIN 密码', ['pin', '密码']],
    ['Ｆｕｌｌｗｉｄｔｈ', ['fullwidth']],
  ];
  it.each(cases)('%s', (text, terms) => {
    expect(indexTerms(text)).toEqual(terms);
  });

  it('stems inflections the same way on both sides', () => {
    for (const [a, b] of [
      ['charges', 'charged'],
      ['applies', 'applied'],
      ['fees', 'fee'],
      ['forgotten', 'forgot'],
      ['stolen', 'steal'],
    ]) {
      expect(stem(a!)).toBe(stem(b!));
    }
  });
});

describe('typo correction', () => {
  const vocab: [string, number][] = [
    ['password', 10],
    ['card', 30],
    ['international', 5],
    ['mortgag', 8],
    ['cash', 12],
  ];
  const cases: [string, string | undefined][] = [
    ['pasword', 'password'],
    ['crad', 'card'],
    ['internatonal', 'international'],
    ['morgag', 'mortgag'],
    ['car', undefined], // too short to correct
    ['bitcoin', undefined],
  ];
  it.each(cases)('%s → %s', (word, expected) => {
    expect(correct(word, vocab)).toBe(expected);
  });
  it('counts a transposition as one edit', () => {
    expect(editDistance('crad', 'card', 2)).toBe(1);
  });
  it('falls back to the stem a word begins with when a typo kept the stemmer from taking the suffix off', () => {
    // Snowball: "international" → "intern", but "internatonal" → "internaton".
    expect(
      correct('internaton', [
        ['intern', 5],
        ['internet', 9],
      ]),
    ).toBe('intern');
    expect(correct('bitcoin', [['bit', 3]])).toBeUndefined(); // a stem under five letters never stands in
    expect(correct('internationally', [['intern', 5]])).toBeUndefined(); // more than a suffix left over
  });

  it('falls back to a stem the word begins with one edit off when the typo sits inside the stem', () => {
    // Snowball: "activate" → "activ", but "actvate" → "actvat" (two edits from "activ").
    expect(
      correct('actvat', [
        ['activ', 10],
        ['act', 20],
      ]),
    ).toBe('activ');
    expect(
      correct('actvat', [
        ['activ', 10],
        ['actvat', 1],
      ]),
    ).toBe('actvat'); // a word the index holds wins
    expect(correct('actvationsfee', [['activ', 10]])).toBeUndefined(); // more than a suffix left over
    expect(correct('hello', [['activ', 10]])).toBeUndefined();
  });
  it("corrects within the question's analyser only, and trusts a long word one edit away more", () => {
    const stats = {
      passages: 10,
      avgTerms: 5,
      df: new Map([
        ['travel', 2],
        ['trasl', 6],
        ['password', 3],
      ]),
      byConfig: new Map([
        [
          'english',
          new Map([
            ['travel', 2],
            ['password', 3],
          ]),
        ],
        ['spanish', new Map([['trasl', 6]])],
      ]),
    };
    const asked = { words: ['travl', 'pasword'], han: [] };
    const [travel, password] = buildQuery(asked, stats, 'bigram', new Map(), 'english').units;
    expect(travel).toMatchObject({ terms: ['travel'], credit: CORRECTED_CREDIT });
    expect(password).toMatchObject({ terms: ['password'], credit: NEAR_CREDIT });
    expect(buildQuery(asked, stats, 'bigram', new Map()).units[0]!.terms).toEqual(['trasl']); // no analyser: any language
  });
});

describe('Chinese synonyms', () => {
  const stats = {
    passages: 10,
    avgTerms: 5,
    df: new Map([
      ['按揭', 2],
      ['提前', 3],
      ['还款', 3],
    ]),
  };
  const asked = (text: string) => ({ words: [], han: [{ text, terms: hanTerms(text, 'bigram') }] });

  it("lets a listed word's characters be satisfied by its synonym's bigrams, at synonym credit", () => {
    const synonyms = hanSynonyms([
      ['房贷', '按揭', '住房贷款'],
      ['a', 'b'],
    ]);
    expect(synonyms.map((s) => s.word)).toEqual(['住房贷款', '房贷', '按揭']);
    const query = buildQuery(asked('提前还房贷'), stats, 'bigram', new Map(), undefined, synonyms);
    const [, , , fang, dai] = query.units;
    expect(fang).toMatchObject({ terms: ['还房', '房贷'], alternatives: ['按揭'], known: true });
    expect(dai).toMatchObject({ terms: ['房贷'], alternatives: ['按揭'], known: true });
    const holds = (terms: string[]) => (t: string) => terms.includes(t);
    expect(coverage(query, holds(['提前', '还款', '按揭']))).toBeGreaterThan(0.7);
    expect(coverage(query, holds(['提前', '还款', '按揭']))).toBeLessThan(1);
    // without the list the same characters are unknown to the knowledge base and cover nothing
    const plain = buildQuery(asked('提前还房贷'), stats, 'bigram', new Map());
    expect(plain.units.slice(3).every((u) => u.known === false)).toBe(true);
  });

  it('leaves a question without a listed word as it was', () => {
    const synonyms = hanSynonyms([['房贷', '按揭']]);
    const withList = buildQuery(asked('提前还款'), stats, 'bigram', new Map(), undefined, synonyms);
    expect(withList).toEqual(buildQuery(asked('提前还款'), stats, 'bigram', new Map()));
  });
});

describe('line diff', () => {
  it('marks added and removed lines', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'same', text: 'c' },
      { op: 'add', text: 'd' },
    ]);
  });
});

const hit = (confidence: number, n = 1): PassageHit => ({
  passageId: `p${n}`,
  articleId: `a${n}`,
  versionId: `v${n}`,
  title: `Title ${n}`,
  heading: 'Section',
  text: `Passage ${n} text.`,
  language: 'en',
  score: confidence * 2,
  confidence,
});

describe('answers', () => {
  it('quotes the best passage verbatim with its citation when confident', () => {
    const a = extractiveAnswer([hit(0.9), hit(0.5, 2)]);
    expect(a).toMatchObject({
      kind: 'answer',
      text: 'Passage 1 text.',
      citations: [{ n: 1, articleId: 'a1', versionId: 'v1' }],
    });
  });
  it('quotes two articles, each with its citation, when both answer with confidence', () => {
    const a = extractiveAnswer([hit(0.9), { ...hit(0.85, 2) }, hit(0.8, 3)]);
    expect(a.citations.map((c) => [c.n, c.articleId])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
    ]);
    expect(a.text).toBe('Passage 1 text. [1]\n\nPassage 2 text. [2]');
    const one = extractiveAnswer([hit(0.9), { ...hit(0.9, 1), passageId: 'p1b' }, hit(0.3, 2)]);
    expect(one.citations.map((c) => c.articleId)).toEqual(['a1']);
  });
  const unsure: [string, PassageHit[], string | undefined, RegExp][] = [
    ['below the threshold', [hit(0.2)], undefined, /I don't know/],
    ['no passages at all', [], undefined, /I don't know/],
    ['in Chinese', [hit(0.1)], 'zh', /人工客服/],
    ['in German', [hit(0.1)], 'de', /Mitarbeiter/],
    ['in French', [hit(0.1)], 'fr-FR', /membre de notre équipe/],
    ['in Spanish', [hit(0.1)], 'es', /persona de nuestro equipo/],
  ];
  it.each(unsure)('says it does not know and offers a human: %s', (_name, passages, lang, text) => {
    const a = extractiveAnswer(passages, { lang });
    expect(a.kind).toBe('unknown');
    expect(a.text).toMatch(text);
    expect(a).toMatchObject({ citations: [], offerHuman: true });
  });
  it('answers "I don\'t know" in the question\'s language when no language is given', () => {
    expect(extractiveAnswer([], { question: '¿Puedo comprar bitcoin con vosotros?' }).text).toMatch(/No encuentro/);
    expect(extractiveAnswer([{ ...hit(0.1), language: 'fr' }]).text).toMatch(/Je ne trouve pas/);
  });
  it('numbers the sources of a grounded prompt and tells the model to stay inside them', () => {
    const p = groundedPrompt('q?', [hit(0.9), hit(0.6, 2), hit(0.05, 3)]);
    expect(p?.citations.map((c) => c.articleId)).toEqual(['a1', 'a2']);
    expect(p?.system).toContain('[1] Title 1 — Section\nPassage 1 text.');
    expect(p?.system).toContain('[2] Title 2');
    expect(p?.system).toMatch(/ONLY from the numbered sources/);
    expect(p?.system).not.toContain('Passage 3');
    expect(groundedPrompt('q?', [hit(0.1)])).toBeNull();
  });
});

describe('retriever memo', () => {
  function counting() {
    let candidates = 0;
    const row = {
      passageId: 'p1',
      articleId: 'a1',
      versionId: 'v1',
      title: 'Blocking a card',
      heading: null,
      text: 'Block a lost card in the app.',
      language: 'en',
      headTerms: 'block card',
      terms: 'block lost card app',
    };
    const source = {
      candidates: async () => (candidates++, [row]),
      stats: async () => ({
        passages: 1,
        avgTerms: 4,
        df: new Map([
          ['block', 1],
          ['lost', 1],
          ['card', 1],
          ['app', 1],
        ]),
      }),
    } as PassageSource;
    let clock = 0;
    const retriever = createRetriever({ source, now: () => clock, statsTtlMs: 1000 });
    return { retriever, calls: () => candidates, advance: (ms: number) => (clock += ms) };
  }
  const ask = { question: 'How do I block a lost card?', audience: 'public' as const, limit: 3 };

  it('answers a repeated (or concurrent) search from memory until it expires or the knowledge base changes', async () => {
    const { retriever, calls, advance } = counting();
    const [a, b] = await Promise.all([retriever.search(ask), retriever.search(ask)]);
    expect(a.passages[0]?.passageId).toBe('p1');
    expect(b).toEqual(a);
    expect(calls()).toBe(1);
    await retriever.search({ ...ask, lang: 'de' });
    expect(calls()).toBe(2); // another request is another search
    advance(1001);
    await retriever.search(ask);
    expect(calls()).toBe(3);
    retriever.invalidate();
    await retriever.search(ask);
    expect(calls()).toBe(4);
  });

  it('keeps serving expired statistics while fresh ones are read, then uses the fresh ones', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    const df = (n: number) =>
      new Map([
        ['block', n],
        ['lost', n],
        ['card', n],
        ['app', n],
      ]);
    const row = {
      passageId: 'p1',
      articleId: 'a1',
      versionId: 'v1',
      title: 'Blocking a card',
      heading: null,
      text: 'Block it.',
      language: 'en',
      headTerms: 'block card',
      terms: 'block lost card app',
    };
    const source = {
      candidates: async () => [row],
      stats: () => {
        reads++;
        if (reads === 1) return Promise.resolve({ passages: 1, avgTerms: 4, df: df(1) });
        return new Promise(
          (resolve) =>
            (release = () =>
              resolve({
                passages: 1,
                avgTerms: 4,
                df: new Map([
                  ['block', 1],
                  ['card', 1],
                ]),
              })),
        );
      },
    } as PassageSource;
    let clock = 0;
    const retriever = createRetriever({ source, now: () => clock, statsTtlMs: 1000, memoEntries: 0 });
    const first = await retriever.search(ask);
    clock += 1001;
    // The refresh hangs: the search still answers, from the expired statistics.
    const known = first.signals!.known;
    expect((await retriever.search(ask)).signals?.known).toBe(known);
    expect(reads).toBe(2);
    await retriever.search(ask);
    expect(reads).toBe(2); // one refresh at a time
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect((await retriever.search(ask)).signals?.known).toBeLessThan(known); // "lost" is no longer in the index
  });
});
