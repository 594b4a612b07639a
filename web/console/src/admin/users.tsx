// Users and roles: every staff account with its role, standing, second factor and last sign-in;
// create one (an invitation link or a password), and manage one in the panel below the list. The
// API audits every change and keeps the last active admin; its error id shows beside the control.
import { useEffect, useState } from 'preact/hooks';
import { type ListedUser, UserList } from '../../../../protocol/adminPeople.ts';
import { call } from '../api.ts';
import { formatDateTime, t, type Key } from '../i18n.ts';
import { ErrorNote, useAction } from '../ui.tsx';
import { CreateUser } from './userCreate.tsx';
import { ListTable } from './formParts.tsx';
import { ManageUser } from './userManage.tsx';

export function UsersScreen() {
  const [users, setUsers] = useState<ListedUser[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useAction();
  const reload = () => list.run(async () => setUsers((await call(UserList, 'GET', '/api/users')).users));
  useEffect(() => void reload(), []);
  const current = users.find((u) => u.id === selected) ?? null;
  // closing the panel returns the keyboard to the row's Manage button
  const closePanel = (email: string) => {
    setSelected(null);
    document.querySelector<HTMLButtonElement>(`tr[data-user="${CSS.escape(email)}"] button`)?.focus();
  };
  return (
    <>
      <CreateUser created={reload} />
      <ErrorNote error={list.error} />
      <ListTable
        caption={t('users.listTitle')}
        columns={[
          t('users.col.name'),
          t('users.col.email'),
          t('users.col.role'),
          t('users.col.status'),
          t('users.col.mfa'),
          t('users.col.lastSignIn'),
        ]}
        empty={users.length === 0 && !list.busy ? t('users.none') : null}
      >
        {users.map((u) => (
          <tr key={u.id} data-user={u.email}>
            <td>{u.displayName}</td>
            <td>{u.email}</td>
            <td data-testid="user-role">{t(`role.${u.role}` as Key)}</td>
            <td data-testid="user-status">
              <Status user={u} />
            </td>
            <td data-testid="user-mfa">{u.mfa ? t('users.mfa.on') : t('users.mfa.off')}</td>
            <td>{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : t('users.never')}</td>
            <td>
              <button
                type="button"
                aria-expanded={selected === u.id}
                aria-label={t('users.manageOf', { name: u.displayName })}
                onClick={() => setSelected(selected === u.id ? null : u.id)}
              >
                {t('users.manage')}
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      {current && (
        <ManageUser key={current.id} user={current} changed={reload} close={() => closePanel(current.email)} />
      )}
    </>
  );
}

function Status({ user }: { user: ListedUser }) {
  if (user.disabled) return <span class="status-disabled">{t('users.status.disabled')}</span>;
  if (user.locked) return <span class="status-locked">{t('users.status.locked')}</span>;
  return <span>{t('users.status.active')}</span>;
}
