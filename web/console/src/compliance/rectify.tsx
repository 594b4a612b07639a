// Carrying out a verified rectification: the identifier as it is on record and what it becomes
// (both looked up by keyed digest on the server; the receipt names kinds only).
import { useState } from 'preact/hooks';
import { IDENTIFIER_KINDS, RequestAnswer, type SubjectRequest } from '../../../../protocol/staff.ts';
import { call } from '../api.ts';
import { t, type Key } from '../i18n.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';

export function RectifyForm({ request, done }: { request: SubjectRequest; done: (r: SubjectRequest) => void }) {
  const [kind, setKind] = useState<string>('email');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const answer = await run(() =>
      call(RequestAnswer, 'POST', `/api/privacy/requests/${request.id}/rectify`, {
        from: { kind, value: from },
        to: { kind, value: to },
      }),
    );
    if (answer) done(answer.request);
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="rectify-title">
      <h3 id="rectify-title">{t('dsr.rectifyTitle')}</h3>
      <KindField id="rectify-kind" kind={kind} setKind={setKind} />
      <Field label={t('dsr.rectifyFrom')} id="rectify-from">
        <input
          id="rectify-from"
          required
          value={from}
          onInput={(e) => setFrom(e.currentTarget.value)}
          autocomplete="off"
        />
      </Field>
      <Field label={t('dsr.rectifyTo')} id="rectify-to">
        <input id="rectify-to" required value={to} onInput={(e) => setTo(e.currentTarget.value)} autocomplete="off" />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('dsr.rectify')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

/** Which kind of identifier (email, phone, customer id, visitor id) a lookup uses. */
export function KindField({ id, kind, setKind }: { id: string; kind: string; setKind: (k: string) => void }) {
  return (
    <Field label={t('dsr.identifierKind')} id={id}>
      <select id={id} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
        {IDENTIFIER_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`dsr.kind.${k}` as Key)}
          </option>
        ))}
      </select>
    </Field>
  );
}
