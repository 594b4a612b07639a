// Every widget language has exactly the English keys, no empty string, and the same placeholders.
import { describe, expect, it } from 'vitest';
import { catalogs, LANGUAGES, languageOf, translate } from '../../web/widget/src/i18n.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('widget i18n', () => {
  it('offers the site languages', () => {
    expect(LANGUAGES).toEqual(['en', 'zh', 'de', 'fr', 'es']);
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))(
    '%s has every English key and no other, with the same placeholders',
    (lang) => {
      const en = catalogs.en as Record<string, string>;
      const other = catalogs[lang] as Record<string, string>;
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(other)) {
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
        expect(placeholders(text), `${lang}.${key}`).toEqual(placeholders(en[key]!));
      }
    },
  );

  it('fills placeholders and maps language tags', () => {
    expect(translate('de', 'error.rate_limited', { seconds: 30 })).toBe(
      'Sie senden zu schnell. Versuchen Sie es in 30 Sekunden erneut.',
    );
    expect(languageOf('zh-Hans-CN')).toBe('zh');
    expect(languageOf('pt-BR')).toBeNull();
    expect(languageOf(null)).toBeNull();
  });
});
