// Staff strings: one file per language (web/console/i18n/<lang>.json, the same keys), chosen by the
// user and remembered in this browser; dates in the browser's time zone, in the chosen language.
import { computed, effect, signal } from '@preact/signals';
import baseEn from '../i18n/en.json';
import baseZh from '../i18n/zh.json';
import adminKbEn from '../i18n/admin-kb.en.json';
import adminKbZh from '../i18n/admin-kb.zh.json';
import adminPeopleEn from '../i18n/admin-people.en.json';
import adminPeopleZh from '../i18n/admin-people.zh.json';
import adminSystemEn from '../i18n/admin-system.en.json';
import adminSystemZh from '../i18n/admin-system.zh.json';
import agentMoreEn from '../i18n/agent-more.en.json';
import agentMoreZh from '../i18n/agent-more.zh.json';
import agentShiftEn from '../i18n/agent-shift.en.json';
import agentShiftZh from '../i18n/agent-shift.zh.json';
import supervisorEn from '../i18n/supervisor.en.json';
import supervisorZh from '../i18n/supervisor.zh.json';

// One file pair per area (<area>.en.json beside <area>.zh.json, the same keys); en.json/zh.json hold the shell's.
const en = {
  ...baseEn,
  ...adminPeopleEn,
  ...adminKbEn,
  ...adminSystemEn,
  ...agentMoreEn,
  ...agentShiftEn,
  ...supervisorEn,
};
const zh = {
  ...baseZh,
  ...adminPeopleZh,
  ...adminKbZh,
  ...adminSystemZh,
  ...agentMoreZh,
  ...agentShiftZh,
  ...supervisorZh,
};
export type Key = keyof typeof en;
export const LANGUAGES = { en: { name: 'English', tag: 'en' }, zh: { name: '简体中文', tag: 'zh-CN' } } as const;
export type Lang = keyof typeof LANGUAGES;
const STRINGS: Record<Lang, Record<Key, string>> = { en, zh };
const STORE = 'palisade.console.lang';

const stored = (() => {
  try {
    return localStorage.getItem(STORE);
  } catch {
    return null;
  }
})();
const initial: Lang =
  stored === 'zh' || stored === 'en' ? stored : navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
export const lang = signal<Lang>(initial);

effect(() => {
  document.documentElement.lang = LANGUAGES[lang.value].tag;
  try {
    localStorage.setItem(STORE, lang.value);
  } catch {
    /* private mode: the choice lasts this page */
  }
});

/** The string for `key` in the chosen language, `{name}` replaced from `vars`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = STRINGS[lang.value][key] ?? en[key];
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const dateTime = computed(
  () => new Intl.DateTimeFormat(LANGUAGES[lang.value].tag, { dateStyle: 'medium', timeStyle: 'medium', timeZone }),
);
const dateOnly = computed(() => new Intl.DateTimeFormat(LANGUAGES[lang.value].tag, { dateStyle: 'medium', timeZone }));
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTime.value.format(new Date(iso)) : '—');
export const formatDate = (iso: string | null | undefined) => (iso ? dateOnly.value.format(new Date(iso)) : '—');
export const formatNumber = (n: number) => new Intl.NumberFormat(LANGUAGES[lang.value].tag).format(n);
