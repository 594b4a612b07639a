// Language-aware analysis against PostgreSQL's own Snowball configurations (PGlite): inflections
// meet per language, stop words go, Han text stays character bigrams, and a German question finds
// the German passage that an English stemmer could not match.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeText, termsOf } from '../../gateway/knowledge/analyze.ts';
import { sqlStemmer } from './store/search.ts';

let pglite: PGlite;
// What TypeORM's query does with pg's { name, text } config (a prepared statement), on PGlite.
const db = {
  query: async (q: string | { text: string }, values?: unknown[]) =>
    (await pglite.query(typeof q === 'string' ? q : q.text, values)).rows,
} as unknown as Parameters<typeof sqlStemmer>[0];

beforeAll(async () => {
  pglite = new PGlite();
});
afterAll(async () => {
  await pglite.close();
});

const terms = async (text: string, lang: string) => termsOf(await analyzeText(sqlStemmer(db), text, lang, 'bigram'));

describe('per-language analysis in the database', () => {
  it('stems German, French and Spanish inflections to one term', async () => {
    expect(await terms('Karten', 'de')).toEqual(await terms('Karte', 'de'));
    expect(await terms('virements', 'fr')).toEqual(await terms('virement', 'fr'));
    expect(await terms('transferencias', 'es')).toEqual(await terms('transferencia', 'es'));
  });

  it("drops each language's stop words", async () => {
    expect(await terms('ich habe die Karte', 'de')).toEqual(await terms('Karte', 'de'));
    expect(await terms('je veux la carte', 'fr')).toEqual(await terms('carte', 'fr'));
    expect(await terms('quiero mi tarjeta', 'es')).toEqual(await terms('tarjeta', 'es'));
  });

  it('splits French elisions and folds accents', async () => {
    expect(await terms("l'agence", 'fr')).toEqual(await terms('agence', 'fr'));
    expect(await terms('découvert', 'fr')).toEqual(await terms('decouvert', 'fr'));
  });

  it('keeps Chinese as character bigrams', async () => {
    expect(await terms('银行卡挂失', 'zh')).toEqual(['银行', '行卡', '卡挂', '挂失']);
  });

  it('keeps a Latin word glued to Chinese a word of its own (ATM, App)', async () => {
    expect(await terms('手机银行App在哪下载', 'zh')).toEqual(['app', '手机', '机银', '银行', '在哪', '哪下', '下载']);
    expect(await terms('在ATM取钱', 'zh')).toEqual(['atm', '在', '取钱']);
  });

  it('a German stemmer matches what the English one cannot', async () => {
    const question = new Set(await terms('Meine Karten wurden gesperrt', 'de'));
    const passage = await terms('Sperren Sie Ihre Karte', 'de');
    expect(passage.some((t) => question.has(t))).toBe(true);
    const english = new Set(await terms('Meine Karten wurden gesperrt', 'en'));
    expect((await terms('Sperren Sie Ihre Karte', 'en')).filter((t) => english.has(t))).not.toEqual(
      passage.filter((t) => question.has(t)),
    );
  });
});
