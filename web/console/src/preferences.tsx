// Language and theme pickers, in the header and on the sign-in page.
import { LANGUAGES, type Lang, lang, t } from './i18n.ts';
import { type Theme, theme } from './theme.ts';

export function Preferences() {
  return (
    <div class="prefs">
      <label>
        <span>{t('prefs.language')}</span>
        <select value={lang.value} onChange={(e) => (lang.value = e.currentTarget.value as Lang)}>
          {(Object.keys(LANGUAGES) as Lang[]).map((l) => (
            <option key={l} value={l} lang={LANGUAGES[l].tag}>
              {LANGUAGES[l].name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('prefs.theme')}</span>
        <select value={theme.value} onChange={(e) => (theme.value = e.currentTarget.value as Theme)}>
          <option value="system">{t('prefs.theme.system')}</option>
          <option value="light">{t('prefs.theme.light')}</option>
          <option value="dark">{t('prefs.theme.dark')}</option>
        </select>
      </label>
    </div>
  );
}
