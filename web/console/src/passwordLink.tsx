// /console/password#token=…: a staff member sets their own password with the one-time link an
// admin gave them (an invitation or a reset). The token stays in the fragment, so it never reaches
// a server log or a Referer; it is removed from the address bar once read.
import { useState } from 'preact/hooks';
import { setPasswordWithLink } from './api.ts';
import { t } from './i18n.ts';
import { Preferences } from './preferences.tsx';
import { navigate } from './router.tsx';
import { ErrorNote, Field, useAction } from './ui.tsx';

const MIN_LENGTH = 12;
const tokenFromAddress = (() => {
  let token: string | null = null;
  return () => {
    if (token === null) {
      token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
      if (token) history.replaceState(null, '', location.pathname);
    }
    return token;
  };
})();

export function PasswordLink() {
  const token = tokenFromAddress();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const [mismatch, setMismatch] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.length < MIN_LENGTH) return setMismatch(t('password.short', { n: String(MIN_LENGTH) }));
    if (password !== again) return setMismatch(t('password.mismatch'));
    setMismatch(null);
    if (await run(() => setPasswordWithLink(token, password))) setDone(true);
  };
  return (
    <main class="signin" id="main">
      <div class="signin-top">
        <Preferences />
      </div>
      {done ? (
        <div class="card" role="status">
          <h1>{t('password.done.title')}</h1>
          <p>{t('password.done.lead')}</p>
          <button type="button" class="primary" onClick={() => navigate('/')}>
            {t('password.done.signin')}
          </button>
        </div>
      ) : (
        <form class="card" onSubmit={submit} aria-labelledby="password-title" noValidate>
          <h1 id="password-title">{t('password.title')}</h1>
          <p class="muted">{token ? t('password.lead', { n: String(MIN_LENGTH) }) : t('password.notoken')}</p>
          <Field label={t('password.new')} id="password-new">
            <input
              id="password-new"
              type="password"
              autocomplete="new-password"
              required
              minLength={MIN_LENGTH}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </Field>
          <Field label={t('password.again')} id="password-again">
            <input
              id="password-again"
              type="password"
              autocomplete="new-password"
              required
              value={again}
              onInput={(e) => setAgain(e.currentTarget.value)}
            />
          </Field>
          {mismatch && (
            <p class="error" role="alert">
              {mismatch}
            </p>
          )}
          <ErrorNote error={error} />
          <button type="submit" class="primary" disabled={busy || !token}>
            {t('password.submit')}
          </button>
        </form>
      )}
    </main>
  );
}
