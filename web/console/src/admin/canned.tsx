// Canned responses per site and language: the list with its filters, a form to create one or edit
// the chosen one, and delete (the server archives it). Sites and languages come from sites.yaml.
import { useEffect, useState } from 'preact/hooks';
import {
  type CannedResponse,
  CannedList,
  type CannedSite,
  CannedSites,
  NoContent,
} from '../../../../protocol/adminPeople.ts';
import { call, withQuery } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';
import { CannedForm, languageName } from './cannedForm.tsx';
import { Confirm, ListTable } from './formParts.tsx';

export function CannedScreen() {
  const [sites, setSites] = useState<CannedSite[]>([]);
  const [filter, setFilter] = useState({ site: '', language: '', q: '' });
  const [responses, setResponses] = useState<CannedResponse[]>([]);
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const list = useAction();
  const reload = (f = filter) =>
    list.run(async () =>
      setResponses((await call(CannedList, 'GET', withQuery('/api/canned', { ...f, limit: 200 }))).responses),
    );
  useEffect(() => {
    void list.run(async () => setSites((await call(CannedSites, 'GET', '/api/canned/sites')).sites));
    void reload();
  }, []);
  const languages = sites.find((s) => s.id === filter.site)?.languages ?? [
    ...new Set(sites.flatMap((s) => s.languages)),
  ];
  const search = (e: Event) => {
    e.preventDefault();
    void reload();
  };
  return (
    <>
      {sites.length > 0 && (
        <CannedForm
          key={editing?.id ?? 'new'}
          sites={sites}
          editing={editing}
          saved={() => (setEditing(null), void reload())}
          cancel={() => setEditing(null)}
        />
      )}
      <form class="card filters" onSubmit={search} aria-labelledby="canned-filter-title">
        <h2 id="canned-filter-title">{t('canned.filterTitle')}</h2>
        <Field label={t('canned.site')} id="canned-filter-site">
          <select
            id="canned-filter-site"
            value={filter.site}
            onChange={(e) => setFilter({ ...filter, site: e.currentTarget.value, language: '' })}
          >
            <option value="">{t('common.any')}</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.id})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('canned.language')} id="canned-filter-language">
          <select
            id="canned-filter-language"
            value={filter.language}
            onChange={(e) => setFilter({ ...filter, language: e.currentTarget.value })}
          >
            <option value="">{t('common.any')}</option>
            {languages.map((l) => (
              <option key={l} value={l}>
                {languageName(l)} ({l})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('canned.search')} id="canned-filter-q">
          <input
            id="canned-filter-q"
            type="search"
            value={filter.q}
            onInput={(e) => setFilter({ ...filter, q: e.currentTarget.value })}
          />
        </Field>
        <div class="actions">
          <button type="submit" disabled={list.busy}>
            {t('canned.filter')}
          </button>
        </div>
      </form>
      <ErrorNote error={list.error} />
      <ListTable
        caption={t('canned.listTitle')}
        columns={[
          t('canned.shortcut'),
          t('canned.title'),
          t('canned.col.where'),
          t('canned.body'),
          t('canned.col.updated'),
        ]}
        empty={responses.length === 0 && !list.busy ? t('canned.none') : null}
      >
        {responses.map((r) => (
          <CannedRow key={r.id} response={r} edit={() => setEditing(r)} changed={() => void reload()} />
        ))}
      </ListTable>
    </>
  );
}

function CannedRow({
  response: r,
  edit,
  changed,
}: {
  response: CannedResponse;
  edit: () => void;
  changed: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const remove = async () => {
    await run(async () => {
      await call(NoContent, 'DELETE', `/api/canned/${r.id}`);
      changed();
    });
  };
  return (
    <tr data-canned={r.shortcut}>
      <td>
        <code>/{r.shortcut}</code>
      </td>
      <td>{r.title}</td>
      <td>
        {r.site} · {r.language}
      </td>
      <td class="canned-body" data-testid="canned-body">
        {r.body}
      </td>
      <td>{formatDateTime(r.updatedAt)}</td>
      <td>
        {!confirming ? (
          <span class="actions">
            <button type="button" aria-label={t('canned.editOf', { shortcut: r.shortcut })} onClick={edit}>
              {t('canned.edit')}
            </button>
            <button
              type="button"
              aria-label={t('canned.deleteOf', { shortcut: r.shortcut })}
              onClick={() => setConfirming(true)}
            >
              {t('canned.delete')}
            </button>
          </span>
        ) : (
          <Confirm
            label={t('canned.confirmTitle', { shortcut: r.shortcut })}
            text={t('canned.confirm')}
            action={t('canned.deleteNow')}
            busy={busy}
            confirm={() => void remove()}
            cancel={() => setConfirming(false)}
          />
        )}
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}
