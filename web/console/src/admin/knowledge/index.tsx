// The knowledge base in the admin's workspace: the articles, the editor (Markdown with the widget's
// own preview), history with diff and rollback, import, "Try a question" and the unanswered
// questions. Sub-paths under /admin/knowledge pick the view; back and forward work.
import { t, type Key } from '../../i18n.ts';
import { Link, path } from '../../router.tsx';
import { ArticleEditor } from './editor.tsx';
import { GapsView } from './gaps.tsx';
import { HistoryView } from './history.tsx';
import { ImportView } from './import.tsx';
import './knowledge.css';
import { ArticleList } from './list.tsx';
import { TryQuestion } from './try.tsx';

export const KB = '/admin/knowledge';

const SECTIONS: { to: string; label: Key }[] = [
  { to: '', label: 'kb.nav.articles' },
  { to: '/new', label: 'kb.nav.new' },
  { to: '/import', label: 'kb.nav.import' },
  { to: '/try', label: 'kb.nav.try' },
  { to: '/gaps', label: 'kb.nav.gaps' },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function View({ sub }: { sub: string }) {
  // a new article started from an unanswered question is another editor than a blank one
  if (sub === '/new') return <ArticleEditor key={`new${location.search}`} />;
  if (sub === '/import') return <ImportView />;
  if (sub === '/try') return <TryQuestion />;
  if (sub === '/gaps') return <GapsView />;
  const [, id, rest] = sub.split('/');
  if (id && UUID.test(id) && rest === 'history') return <HistoryView key={id} articleId={id} />;
  if (id && UUID.test(id) && rest === undefined) return <ArticleEditor key={id} articleId={id} />;
  return <ArticleList />;
}

export default function Knowledge() {
  const sub = path.value.split('?')[0]!.slice(KB.length);
  const section = SECTIONS.find((s) => s.to === sub) ?? (sub ? null : SECTIONS[0]);
  return (
    <div class="kb">
      <nav aria-label={t('kb.nav.label')} class="kb-sections">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.to}>
              <Link to={KB + s.to} current={s === section}>
                {t(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <View sub={sub} />
    </div>
  );
}
