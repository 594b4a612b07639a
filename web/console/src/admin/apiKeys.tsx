// API keys for the OpenAI-compatible endpoint (/v1): the list (a key's prefix, never the key), the
// limits each key has, a new key shown once with a copy button, and revocation after a confirmation.
import { useEffect, useState } from 'preact/hooks';
import {
  type ApiKey,
  ApiKeyList,
  type ApiKeyLimits,
  CreatedApiKey,
  RevokedApiKey,
} from '../../../../protocol/adminPeople.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t } from '../i18n.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';
import { Confirm, FieldError, FormError, invalidAt, ListTable, OneTimeSecret } from './formParts.tsx';

export function ApiKeysScreen() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [limits, setLimits] = useState<ApiKeyLimits | null>(null);
  const list = useAction();
  const reload = () =>
    list.run(async () => {
      const answer = await call(ApiKeyList, 'GET', '/api/keys');
      setKeys(answer.keys);
      setLimits(answer.limits);
    });
  useEffect(() => void reload(), []);
  return (
    <>
      <CreateKey created={reload} />
      <ErrorNote error={list.error} />
      {limits && <p data-testid="key-limits">{limitsText(limits)}</p>}
      <ListTable
        caption={t('keys.listTitle')}
        columns={[
          t('keys.col.name'),
          t('keys.col.prefix'),
          t('keys.col.cloud'),
          t('keys.col.created'),
          t('keys.col.lastUsed'),
          t('keys.col.revoked'),
        ]}
        empty={keys.length === 0 && !list.busy ? t('keys.none') : null}
      >
        {keys.map((k) => (
          <KeyRow key={k.id} apiKey={k} changed={reload} />
        ))}
      </ListTable>
    </>
  );
}

const limitsText = (l: ApiKeyLimits) => {
  const part = (n: number, key: 'keys.limit.requests' | 'keys.limit.tokens') =>
    n > 0 ? t(key, { n: formatNumber(n) }) : null;
  const parts = [part(l.requestsPerMinute, 'keys.limit.requests'), part(l.tokensPerMinute, 'keys.limit.tokens')].filter(
    Boolean,
  );
  return parts.length ? t('keys.limits', { limits: parts.join(t('keys.limitJoin')) }) : t('keys.noLimits');
};

function KeyRow({ apiKey: k, changed }: { apiKey: ApiKey; changed: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const revoke = async () => {
    if (await run(() => call(RevokedApiKey, 'POST', `/api/keys/${k.id}/revoke`, {}))) {
      setConfirming(false);
      changed();
    }
  };
  return (
    <tr data-key={k.name} class={k.revokedAt ? 'revoked' : ''}>
      <td>{k.name}</td>
      <td>
        <code>{k.prefix}…</code>
      </td>
      <td>{k.allowCloud ? t('keys.cloud.yes') : t('keys.cloud.no')}</td>
      <td>{formatDateTime(k.createdAt)}</td>
      <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : t('keys.neverUsed')}</td>
      <td data-testid="key-revoked">{k.revokedAt ? formatDateTime(k.revokedAt) : t('keys.live')}</td>
      <td>
        {!k.revokedAt && !confirming && (
          <button type="button" aria-label={t('keys.revokeOf', { name: k.name })} onClick={() => setConfirming(true)}>
            {t('keys.revoke')}
          </button>
        )}
        {confirming && (
          <Confirm
            label={t('keys.confirmTitle', { name: k.name })}
            text={t('keys.confirm')}
            action={t('keys.revokeNow')}
            busy={busy}
            confirm={() => void revoke()}
            cancel={() => setConfirming(false)}
          />
        )}
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}

function CreateKey({ created }: { created: () => void }) {
  const [name, setName] = useState('');
  const [allowCloud, setAllowCloud] = useState(false);
  const [secret, setSecret] = useState<{ key: string; name: string } | null>(null);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await run(() => call(CreatedApiKey, 'POST', '/api/keys', { name, allowCloud }));
    if (!answer) return;
    setSecret({ key: answer.key, name: answer.apiKey.name });
    setName('');
    setAllowCloud(false);
    created();
  };
  return (
    <>
      <form class="card people-form" onSubmit={submit} aria-labelledby="key-new-title" noValidate>
        <h2 id="key-new-title">{t('keys.newTitle')}</h2>
        <Field label={t('keys.name')} id="key-name" hint={t('keys.nameHint')}>
          <input
            id="key-name"
            autocomplete="off"
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            {...invalidAt(error, 'name', 'key-name')}
          />
          <FieldError error={error} path="name" field="key-name" />
        </Field>
        <label class="check-label wide">
          <input type="checkbox" checked={allowCloud} onChange={(e) => setAllowCloud(e.currentTarget.checked)} />
          {t('keys.allowCloud')}
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('keys.create')}
          </button>
        </div>
        <FormError error={error} paths={['name']} />
      </form>
      {secret && (
        <OneTimeSecret
          id="new-key"
          title={t('keys.createdTitle', { name: secret.name })}
          label={t('keys.key')}
          value={secret.key}
          warning={t('keys.onceWarning')}
          onDone={() => setSecret(null)}
        />
      )}
    </>
  );
}
