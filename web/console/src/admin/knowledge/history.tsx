// An article's history: every version with who, when and why; a side-by-side diff between any two;
// rollback, which adds a version copying an old one and publishes it (history is never rewritten).
import { useEffect, useState } from 'preact/hooks';
import type { KbArticle, KbDiff, KbVersion } from '../../../../../protocol/knowledge.ts';
import { formatDateTime, t } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { can, me } from '../../session.ts';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { kb } from './api.ts';
import { DiffTable } from './diff.tsx';
import { FieldIssue, invalidProps } from './fields.tsx';
import { ArticleStatus } from './list.tsx';

const KB = '/admin/knowledge';

export function HistoryView({ articleId }: { articleId: string }) {
  const [article, setArticle] = useState<KbArticle | null>(null);
  const [versions, setVersions] = useState<KbVersion[]>([]);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const load = useAction();
  const reload = () =>
    load.run(async () => {
      const [a, v] = await Promise.all([kb.article(articleId), kb.versions(articleId)]);
      setArticle(a.article);
      setVersions(v.versions);
    });
  useEffect(() => {
    void reload();
    if (can('read:StaffUser'))
      kb.staffNames().then(
        (r) => setNames(new Map(r.users.map((u) => [u.id, u.displayName]))),
        () => undefined,
      );
  }, [articleId]);
  const who = (v: KbVersion) =>
    v.author.id === me.value?.user.id
      ? t('kb.history.you')
      : (names.get(v.author.id) ?? `${v.author.type} ${v.author.id.slice(0, 8)}`);
  const numberOf = (id: string | null) => versions.find((v) => v.id === id)?.versionNo;

  return (
    <>
      <h2>{article ? t('kb.history.title', { title: article.title }) : t('kb.history.titlePlain')}</h2>
      {article && (
        <p>
          <ArticleStatus article={article} /> · <Link to={`${KB}/${article.id}`}>{t('kb.history.edit')}</Link>
        </p>
      )}
      <ErrorNote error={load.error} />
      <div class="table-wrap">
        <table>
          <caption>{t('kb.history.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kb.history.version')}</th>
              <th scope="col">{t('kb.field.title')}</th>
              <th scope="col">{t('kb.history.who')}</th>
              <th scope="col">{t('kb.history.when')}</th>
              <th scope="col">{t('kb.history.why')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} data-version={v.versionNo}>
                <td>
                  {v.versionNo}
                  {v.id === article?.publishedVersionId && <span class="badge amber">{t('kb.history.live')}</span>}
                </td>
                <td>{v.title}</td>
                <td>{who(v)}</td>
                <td>{formatDateTime(v.createdAt)}</td>
                <td>
                  {v.reason ?? '—'}
                  {v.restoredFrom && (
                    <div class="muted">{t('kb.history.restoredFrom', { n: numberOf(v.restoredFrom) ?? '?' })}</div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && <Compare articleId={articleId} versions={versions} />}
      {article && !article.archived && versions.length > 1 && (
        <Rollback articleId={articleId} versions={versions} done={() => void reload()} />
      )}
    </>
  );
}

function VersionSelect({
  id,
  label,
  value,
  versions,
  set,
}: {
  id: string;
  label: string;
  value: string;
  versions: KbVersion[];
  set: (id: string) => void;
}) {
  return (
    <Field label={label} id={id}>
      <select id={id} value={value} onChange={(e) => set(e.currentTarget.value)}>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            {t('kb.diff.version', { n: v.versionNo })} — {v.title}
          </option>
        ))}
      </select>
    </Field>
  );
}

function Compare({ articleId, versions }: { articleId: string; versions: KbVersion[] }) {
  const [from, setFrom] = useState(versions[1]!.id);
  const [to, setTo] = useState(versions[0]!.id);
  const [diff, setDiff] = useState<{ diff: KbDiff; from: number; to: number } | null>(null);
  const { busy, error, run } = useAction();
  const no = (id: string) => versions.find((v) => v.id === id)?.versionNo ?? 0;
  return (
    <section class="card" aria-labelledby="kb-compare-title">
      <h2 id="kb-compare-title">{t('kb.diff.title')}</h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () =>
            setDiff({ diff: (await kb.diff(articleId, from, to)).diff, from: no(from), to: no(to) }),
          );
        }}
      >
        <VersionSelect id="kb-diff-from" label={t('kb.diff.from')} value={from} versions={versions} set={setFrom} />
        <VersionSelect id="kb-diff-to" label={t('kb.diff.to')} value={to} versions={versions} set={setTo} />
        <button type="submit" disabled={busy}>
          {t('kb.diff.compare')}
        </button>
      </form>
      <ErrorNote error={error} />
      {diff && <DiffTable {...diff} />}
    </section>
  );
}

function Rollback({ articleId, versions, done }: { articleId: string; versions: KbVersion[]; done: () => void }) {
  const [target, setTarget] = useState(versions[1]!.id);
  const [reason, setReason] = useState('');
  const [restored, setRestored] = useState('');
  const { busy, error, run } = useAction();
  return (
    <section class="card" aria-labelledby="kb-rollback-title">
      <h2 id="kb-rollback-title">{t('kb.rollback.title')}</h2>
      <p class="muted">{t('kb.rollback.intro')}</p>
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await run(() => kb.rollback(articleId, target, reason));
          if (r) {
            setReason('');
            setRestored(t('kb.rollback.done', { n: r.version?.versionNo ?? '' }));
            done();
          }
        }}
      >
        <VersionSelect
          id="kb-rollback-version"
          label={t('kb.rollback.version')}
          value={target}
          versions={versions}
          set={setTarget}
        />
        <Field label={t('kb.field.reason')} id="kb-rollback-reason">
          <input
            id="kb-rollback-reason"
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            {...invalidProps(error, 'reason', 'kb-rollback-reason')}
          />
          <FieldIssue error={error} path="reason" id="kb-rollback-reason" />
        </Field>
        <button type="submit" disabled={busy}>
          {t('kb.rollback.restore')}
        </button>
      </form>
      <p role="status">{restored}</p>
      <ErrorNote error={error} />
    </section>
  );
}
