// A new staff account: with an invitation (a one-time link the person opens to set their own
// password, shown here once) or with a password the admin hands over.
import { useState } from 'preact/hooks';
import { CreatedUser, type PasswordLink } from '../../../../protocol/adminPeople.ts';
import { ROLES, type StaffRole } from '../../../../protocol/staff.ts';
import { call } from '../api.ts';
import { formatDateTime, t, type Key } from '../i18n.ts';
import { Field, useAction } from '../ui.tsx';
import { FieldError, FormError, invalidAt, OneTimeSecret } from './formParts.tsx';

const PATHS = ['email', 'displayName', 'role', 'password'];

export function CreateUser({ created }: { created: () => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<StaffRole>('agent');
  const [method, setMethod] = useState<'invite' | 'password'>('invite');
  const [password, setPassword] = useState('');
  const [invitation, setInvitation] = useState<(PasswordLink & { name: string }) | null>(null);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { email, displayName, role, ...(method === 'invite' ? { invite: true } : { password }) };
    const answer = await run(() => call(CreatedUser, 'POST', '/api/users', body));
    if (!answer) return;
    setEmail('');
    setDisplayName('');
    setPassword('');
    if (answer.invitation) setInvitation({ ...answer.invitation, name: answer.user.displayName });
    created();
  };
  return (
    <>
      <form class="card people-form" onSubmit={submit} aria-labelledby="user-new-title" noValidate>
        <h2 id="user-new-title">{t('users.newTitle')}</h2>
        <Field label={t('users.email')} id="user-email">
          <input
            id="user-email"
            type="email"
            autocomplete="off"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            {...invalidAt(error, 'email', 'user-email')}
          />
          <FieldError error={error} path="email" field="user-email" />
        </Field>
        <Field label={t('users.displayName')} id="user-name">
          <input
            id="user-name"
            autocomplete="off"
            value={displayName}
            onInput={(e) => setDisplayName(e.currentTarget.value)}
            {...invalidAt(error, 'displayName', 'user-name')}
          />
          <FieldError error={error} path="displayName" field="user-name" />
        </Field>
        <Field label={t('users.role')} id="user-role">
          <select id="user-role" value={role} onChange={(e) => setRole(e.currentTarget.value as StaffRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as Key)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset>
          <legend>{t('users.method')}</legend>
          <div class="radios">
            <label>
              <input
                type="radio"
                name="user-method"
                value="invite"
                checked={method === 'invite'}
                onChange={() => setMethod('invite')}
              />
              {t('users.method.invite')}
            </label>
            <label>
              <input
                type="radio"
                name="user-method"
                value="password"
                checked={method === 'password'}
                onChange={() => setMethod('password')}
              />
              {t('users.method.password')}
            </label>
          </div>
        </fieldset>
        {method === 'password' && (
          <Field label={t('users.password')} id="user-password" hint={t('users.passwordHint')}>
            <input
              id="user-password"
              type="password"
              autocomplete="new-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              {...invalidAt(error, 'password', 'user-password')}
            />
            <FieldError error={error} path="password" field="user-password" />
          </Field>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t(method === 'invite' ? 'users.createInvite' : 'users.create')}
          </button>
        </div>
        <FormError error={error} paths={PATHS} />
      </form>
      {invitation && (
        <OneTimeSecret
          id="invitation-link"
          title={t('users.invitationTitle', { name: invitation.name })}
          label={t('users.invitationLink')}
          value={invitation.link}
          warning={t('users.linkWarning', { at: formatDateTime(invitation.expiresAt) })}
          onDone={() => setInvitation(null)}
        />
      )}
    </>
  );
}
