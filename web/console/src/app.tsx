// The shell: checks the session, then shows the navigation the user's capabilities allow (the
// server's rules, from /api/auth/me), the workspace for the path, language, theme and sign-out.
import { useSignalEffect } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { fetchMe, signOut } from './api.ts';
import { t, type Key } from './i18n.ts';
import { startLive, stopLive } from './live.ts';
import { Link, navigate, path } from './router.tsx';
import { can, me } from './session.ts';
import { Preferences } from './preferences.tsx';
import { PasswordLink } from './passwordLink.tsx';
import { SignIn } from './signin.tsx';
import { Lazy } from './ui.tsx';
import './theme.ts';

const loadCompliance = () => import('./compliance/index.tsx');
const loadAgent = () => import('./agent/index.tsx');
const loadAdmin = () => import('./admin/index.tsx');
const loadSupervisor = () => import('./supervisor/index.tsx');

interface Workspace {
  path: string;
  label: Key;
  allowed: () => boolean;
  load?: () => Promise<{ default: preact.ComponentType }>;
}
/** Workspaces in the order of the navigation; each shows only when the user's capabilities allow it. */
const WORKSPACES: Workspace[] = [
  {
    path: '/compliance',
    label: 'nav.compliance',
    allowed: () => can('read:AuditLog') || can('read:SubjectRequest') || can('read:LegalHold'),
  },
  { path: '/agent', label: 'agent.nav', allowed: () => can('update:Conversation'), load: loadAgent },
  { path: '/supervisor', label: 'nav.supervisor', allowed: () => can('read:TeamStats'), load: loadSupervisor },
  {
    path: '/admin',
    label: 'nav.admin',
    allowed: () => can('read:StaffUser') || can('update:KnowledgeArticle') || can('read:ApiKey'),
    load: loadAdmin,
  },
];

export function App() {
  const [checking, setChecking] = useState(true);
  useEffect(() => {
    fetchMe()
      .then((m) => (me.value = m))
      .catch(() => undefined)
      .finally(() => setChecking(false));
  }, []);
  useSignalEffect(() => (me.value ? startLive() : stopLive()));
  // the one-time password link works without (and whatever) a session
  if (path.value === '/password') return <PasswordLink />;
  if (checking) return <p class="boot">{t('common.loading')}</p>;
  return me.value ? <Shell /> : <SignIn />;
}

function Shell() {
  const user = me.value!.user;
  const workspaces = WORKSPACES.filter((w) => w.allowed());
  const current = workspaces.find((w) => path.value === w.path || path.value.startsWith(w.path + '/'));
  const [signingOut, setSigningOut] = useState(false);
  const leave = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      me.value = null;
      navigate('/');
    }
  };
  return (
    <>
      <a class="skip" href="#main">
        {t('shell.skip')}
      </a>
      <header class="top">
        <Link to="/" class="brand">
          Palisade
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul>
            {workspaces.map((w) => (
              <li key={w.path}>
                <Link to={w.path} current={current === w}>
                  {t(w.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <Preferences />
        <div class="who">
          <span>
            {user.displayName} · {t(`role.${user.role}` as Key)}
          </span>
          <button type="button" onClick={leave} disabled={signingOut}>
            {t('shell.signout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {current ? <Lazy key={current.path} load={current.load ?? loadCompliance} /> : <Home workspaces={workspaces} />}
      </main>
    </>
  );
}

function Home({ workspaces }: { workspaces: Workspace[] }) {
  const user = me.value!.user;
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title', { name: user.displayName })}</h1>
      <p>{t('home.role', { role: t(`role.${user.role}` as Key) })}</p>
      {workspaces.length ? (
        <ul class="tiles">
          {workspaces.map((w) => (
            <li key={w.path}>
              <Link to={w.path}>{t(w.label)}</Link>
            </li>
          ))}
        </ul>
      ) : (
        <p class="notice">{t('home.none')}</p>
      )}
    </section>
  );
}
