// The question's language when the widget gives none (or gives one the text plainly contradicts).
import { describe, expect, it } from 'vitest';
import { baseLang, detectLanguage, foldAccents, questionLanguage, tsConfigOf } from './language.ts';

describe('language detection', () => {
  const cases: [string, string][] = [
    ['How do I block my card?', 'en'],
    ['Wie sperre ich meine Karte?', 'de'],
    ['Comment faire opposition sur ma carte ?', 'fr'],
    ['¿Cómo bloqueo mi tarjeta?', 'es'],
    ['银行卡丢了怎么办', 'zh'],
    ['手机银行App闪退', 'zh'],
  ];
  it.each(cases)('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('keeps the hint unless the text clearly says otherwise', () => {
    expect(questionLanguage('karte pin', 'de')).toBe('de');
    expect(questionLanguage('Ich habe meine PIN vergessen, was kann ich tun?', 'en')).toBe('de');
    expect(questionLanguage('pin', undefined)).toBe('en');
  });

  it('maps languages to PostgreSQL text-search configurations', () => {
    expect(tsConfigOf('de-AT')).toBe('german');
    expect(tsConfigOf('fr')).toBe('french');
    expect(tsConfigOf('es')).toBe('spanish');
    expect(tsConfigOf('en')).toBe('english');
    expect(tsConfigOf('nl')).toBe('simple');
    expect(baseLang('pt')).toBeUndefined();
  });

  it('folds accents the way customers drop them', () => {
    expect(foldAccents('découvert cuánto Überweisung')).toBe('decouvert cuanto Uberweisung');
  });
});
