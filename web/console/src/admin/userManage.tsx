// One staff account's controls: display name, role, disable / enable, unlock, a password-reset
// link (the person must choose a new password with it) and the second factor's reset. Each control
// keeps its own error, so the server's refusal (last_admin, user_disabled, mfa_reset_self) shows
// beside the control that caused it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ListedUser, PasswordLink, UserAnswer } from '../../../../protocol/adminPeople.ts';
import { ROLES, type StaffRole } from '../../../../protocol/staff.ts';
import { call } from '../api.ts';
import { formatDateTime, t, type Key } from '../i18n.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';
import { FieldError, FormError, invalidAt, OneTimeSecret } from './formParts.tsx';
import { SecondFactor } from './mfaReset.tsx';

export function ManageUser({ user, changed, close }: { user: ListedUser; changed: () => void; close: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const patch = (change: object) => call(UserAnswer, 'PATCH', `/api/users/${user.id}`, change).then(changed);
  return (
    <section class="card manage" id="user-manage" aria-labelledby="user-manage-title" data-manage={user.email}>
      <h2 id="user-manage-title" tabIndex={-1} ref={heading}>
        {t('users.manageTitle', { name: user.displayName, email: user.email })}
      </h2>
      <Rename user={user} patch={patch} />
      <RoleControl user={user} patch={patch} />
      <Standing user={user} patch={patch} />
      <ResetLink user={user} />
      <SecondFactor user={user} changed={changed} />
      <div class="actions">
        <button type="button" onClick={close}>
          {t('common.close')}
        </button>
      </div>
    </section>
  );
}

type Patch = (change: object) => Promise<void>;

function Rename({ user, patch }: { user: ListedUser; patch: Patch }) {
  const [name, setName] = useState(user.displayName);
  const { busy, error, run } = useAction();
  return (
    <form
      class="control"
      noValidate
      onSubmit={(e) => (e.preventDefault(), void run(() => patch({ displayName: name })))}
    >
      <Field label={t('users.displayName')} id="manage-name">
        <input
          id="manage-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          {...invalidAt(error, 'displayName', 'manage-name')}
        />
        <FieldError error={error} path="displayName" field="manage-name" />
      </Field>
      <div class="actions">
        <button type="submit" disabled={busy || name === user.displayName}>
          {t('users.rename')}
        </button>
      </div>
      <FormError error={error} paths={['displayName']} />
    </form>
  );
}

function RoleControl({ user, patch }: { user: ListedUser; patch: Patch }) {
  const [role, setRole] = useState<StaffRole>(user.role);
  const { busy, error, run } = useAction();
  return (
    <form class="control" onSubmit={(e) => (e.preventDefault(), void run(() => patch({ role })))}>
      <Field label={t('users.role')} id="manage-role">
        <select
          id="manage-role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as StaffRole)}
          aria-describedby={error ? 'manage-role-error' : undefined}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}` as Key)}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit" disabled={busy || role === user.role}>
          {t('users.changeRole')}
        </button>
      </div>
      <ErrorNote error={error} id="manage-role-error" />
    </form>
  );
}

function Standing({ user, patch }: { user: ListedUser; patch: Patch }) {
  const disable = useAction();
  const unlock = useAction();
  return (
    <div class="control" role="group" aria-labelledby="manage-standing-title">
      <h3 id="manage-standing-title">{t('users.standing')}</h3>
      <p class="muted">{t(user.disabled ? 'users.disabledLead' : 'users.enabledLead')}</p>
      <div class="actions">
        <button
          type="button"
          class={user.disabled ? 'primary' : 'danger'}
          disabled={disable.busy}
          onClick={() => void disable.run(() => patch({ disabled: !user.disabled }))}
          aria-describedby={disable.error ? 'manage-disable-error' : undefined}
        >
          {t(user.disabled ? 'users.enable' : 'users.disable')}
        </button>
        {user.locked && (
          <button type="button" disabled={unlock.busy} onClick={() => void unlock.run(() => patch({ unlock: true }))}>
            {t('users.unlock')}
          </button>
        )}
      </div>
      <ErrorNote error={disable.error} id="manage-disable-error" />
      <ErrorNote error={unlock.error} />
    </div>
  );
}

function ResetLink({ user }: { user: ListedUser }) {
  const [link, setLink] = useState<PasswordLink | null>(null);
  const { busy, error, run } = useAction();
  const issue = async () => {
    const answer = await run(() =>
      call(PasswordLink, 'POST', `/api/users/${user.id}/password-link`, { purpose: 'reset' }),
    );
    if (answer) setLink(answer);
  };
  return (
    <div class="control" role="group" aria-labelledby="manage-reset-title">
      <h3 id="manage-reset-title">{t('users.resetTitle')}</h3>
      <p class="muted">{t('users.resetLead')}</p>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => void issue()}>
          {t('users.resetLink')}
        </button>
      </div>
      <ErrorNote error={error} />
      {link && (
        <OneTimeSecret
          id="reset-link"
          title={t('users.resetReady', { name: user.displayName })}
          label={t('users.resetLinkLabel')}
          value={link.link}
          warning={t('users.linkWarning', { at: formatDateTime(link.expiresAt) })}
          onDone={() => setLink(null)}
        />
      )}
    </div>
  );
}
