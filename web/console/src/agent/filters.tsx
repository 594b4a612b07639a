// The queue's filters: a site and a language from policies/sites.yaml (as the server lists them),
// remembered in this browser so the next shift starts with the same view.
import { useEffect, useState } from 'preact/hooks';
import { SitesAnswer } from '../../../../protocol/agent.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';

export type QueueFilter = {
  site?: string;
  language?: string;
};

const STORE = 'palisade.console.agent.queueFilter';

function stored(): QueueFilter {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) ?? '{}') as Record<string, unknown>;
    return {
      ...(typeof v.site === 'string' ? { site: v.site } : {}),
      ...(typeof v.language === 'string' ? { language: v.language } : {}),
    };
  } catch {
    return {};
  }
}

export function useQueueFilter(): [QueueFilter, (f: QueueFilter) => void] {
  const [filter, setFilter] = useState<QueueFilter>(stored);
  const change = (f: QueueFilter) => {
    setFilter(f);
    try {
      localStorage.setItem(STORE, JSON.stringify(f));
    } catch {
      /* private mode: the choice lasts this page */
    }
  };
  return [filter, change];
}

export function QueueFilters({ filter, change }: { filter: QueueFilter; change: (f: QueueFilter) => void }) {
  const [sites, setSites] = useState<{ id: string; name: string; languages: string[] }[]>([]);
  useEffect(() => {
    call(SitesAnswer, 'GET', '/api/agent/sites').then(
      (a) => setSites(a.sites),
      () => setSites([]),
    );
  }, []);
  const languages = [
    ...new Set(sites.filter((s) => !filter.site || s.id === filter.site).flatMap((s) => s.languages)),
  ].sort();
  const set = (key: keyof QueueFilter, value: string) => {
    const next: QueueFilter = { ...filter };
    if (value) next[key] = value;
    else delete next[key];
    if (
      key === 'site' &&
      next.language &&
      value &&
      !sites.find((s) => s.id === value)?.languages.includes(next.language)
    )
      delete next.language;
    change(next);
  };
  return (
    <fieldset class="queue-filters">
      <legend>{t('agent2.filter')}</legend>
      <label for="filter-site">{t('agent2.filter.site')}</label>
      <select id="filter-site" value={filter.site ?? ''} onChange={(e) => set('site', e.currentTarget.value)}>
        <option value="">{t('agent2.filter.all')}</option>
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
        {filter.site && !sites.some((s) => s.id === filter.site) && <option value={filter.site}>{filter.site}</option>}
      </select>
      <label for="filter-language">{t('agent2.filter.language')}</label>
      <select
        id="filter-language"
        value={filter.language ?? ''}
        onChange={(e) => set('language', e.currentTarget.value)}
      >
        <option value="">{t('agent2.filter.all')}</option>
        {languages.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
        {filter.language && !languages.includes(filter.language) && (
          <option value={filter.language}>{filter.language}</option>
        )}
      </select>
    </fieldset>
  );
}
