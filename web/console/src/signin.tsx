// Sign-in: the cookie session (httpOnly, refresh rotation). After an expiry or a revoked session
// the form says so.
import { useState } from 'preact/hooks';
import type { Me, SecondStep } from '../../../protocol/staff.ts';
import { signIn } from './api.ts';
import { t } from './i18n.ts';
import { endedBecause, me } from './session.ts';
import { ErrorNote, Field, useAction } from './ui.tsx';
import { Preferences } from './preferences.tsx';
import { SecondFactor } from './secondFactor.tsx';

export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [second, setSecond] = useState<SecondStep['mfa'] | null>(null);
  const { busy, error, run } = useAction();
  const signedIn = (who: Me) => {
    endedBecause.value = null;
    me.value = who;
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await run(() => signIn(email, password));
    if (!answer) return;
    setPassword('');
    if ('mfa' in answer) setSecond(answer.mfa);
    else signedIn(answer);
  };
  if (second)
    return (
      <main class="signin" id="main">
        <div class="signin-top">
          <Preferences />
        </div>
        <SecondFactor step={second} onDone={signedIn} onCancel={() => setSecond(null)} />
      </main>
    );
  return (
    <main class="signin" id="main">
      <div class="signin-top">
        <Preferences />
      </div>
      <form class="card" onSubmit={submit} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">{t('signin.title')}</h1>
        <p class="muted">{t('signin.lead')}</p>
        {endedBecause.value && (
          <p class="notice" role="status">
            {t('signin.ended')}
          </p>
        )}
        <Field label={t('signin.email')} id="signin-email">
          <input
            id="signin-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('signin.password')} id="signin-password">
          <input
            id="signin-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <ErrorNote error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
    </main>
  );
}
