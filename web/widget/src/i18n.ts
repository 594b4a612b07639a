// The widget's own strings (the consent text comes from the server). English is the reference:
// test/widget/i18n.test.ts checks every language has exactly its keys and placeholders.
import de from '../i18n/de.json';
import en from '../i18n/en.json';
import es from '../i18n/es.json';
import fr from '../i18n/fr.json';
import zh from '../i18n/zh.json';

export type StringKey = keyof typeof en;
export type Strings = Record<StringKey, string>;

export const catalogs = { en, zh, de, fr, es } satisfies Record<string, Strings>;
export type Language = keyof typeof catalogs;
export const LANGUAGES = Object.keys(catalogs) as Language[];
/** Each language's name in itself, so a visitor finds theirs whatever the UI language is. */
export const AUTONYMS: Record<Language, string> = {
  en: 'English',
  zh: '中文',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
};

export const isLanguage = (v: string | null | undefined): v is Language => !!v && Object.hasOwn(catalogs, v);

/** The UI language for a BCP 47 tag such as `de-CH` (primary subtag), or null. */
export function languageOf(tag: string | null | undefined): Language | null {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : null;
}

export function translate(lang: Language, key: StringKey, vars: Record<string, string | number> = {}): string {
  const template = catalogs[lang][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
