// Legal holds: place one (maker), approve or reject another officer's (checker; one's own cannot be
// approved: the screen says why, the server enforces it), request and approve a lift, history.
// Every change arrives live from the staff channel.
import { useEffect, useState } from 'preact/hooks';
import { HoldAnswer, HoldList, type LegalHold } from '../../../../protocol/staff.ts';
import { call } from '../api.ts';
import { formatDate, formatDateTime, t, type Key } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { me } from '../session.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';

export function HoldsScreen() {
  const [holds, setHolds] = useState<LegalHold[]>([]);
  const list = useAction();
  const reload = () => list.run(async () => setHolds((await call(HoldList, 'GET', '/api/privacy/holds')).holds));
  useEffect(() => {
    void reload();
    return subscribe('hold', () => void reload());
  }, []);
  return (
    <>
      <PlaceHold placed={reload} />
      <ErrorNote error={list.error} />
      <div class="table-wrap">
        <table>
          <caption>{t('holds.listTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('holds.col.case')}</th>
              <th scope="col">{t('holds.col.scope')}</th>
              <th scope="col">{t('holds.col.status')}</th>
              <th scope="col">{t('holds.col.placed')}</th>
              <th scope="col">{t('holds.col.ends')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <HoldRow key={h.id} hold={h} changed={reload} />
            ))}
          </tbody>
        </table>
        {holds.length === 0 && !list.busy && <p class="muted">{t('holds.none')}</p>}
      </div>
    </>
  );
}

function HoldRow({ hold: h, changed }: { hold: LegalHold; changed: () => void }) {
  const { busy, error, run } = useAction();
  const [reason, setReason] = useState('');
  const mine = me.value?.user.id;
  const decide = (path: string, body: object = {}) =>
    run(async () => (await call(HoldAnswer, 'POST', `/api/privacy/holds/${h.id}/${path}`, body), changed()));
  const ownPlacement = h.placedBy === mine;
  const ownLift = h.liftRequestedBy === mine;
  return (
    <tr data-hold={h.caseId}>
      <td>
        <strong>{h.caseId}</strong>
        <div class="muted">{h.reason}</div>
      </td>
      <td>
        {t(`holds.scope.${h.scope}` as Key)}: <code>{h.subjectId ?? h.conversationId}</code>
      </td>
      <td data-testid="hold-status">{t(`holds.status.${h.status}` as Key)}</td>
      <td>
        {formatDateTime(h.placedAt)}
        <div class="muted">{ownPlacement ? t('holds.byYou') : h.placedBy.slice(0, 8)}</div>
      </td>
      <td>{formatDate(h.endsAt)}</td>
      <td>
        {h.status === 'pending' &&
          (ownPlacement ? (
            <p class="muted">{t('holds.ownPending')}</p>
          ) : (
            <div class="actions">
              <button
                type="button"
                class="primary"
                disabled={busy}
                onClick={() => decide('approve')}
                aria-label={t('holds.approveOf', { id: h.caseId })}
              >
                {t('holds.approve')}
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => decide('reject')}
                aria-label={t('holds.rejectOf', { id: h.caseId })}
              >
                {t('holds.reject')}
              </button>
            </div>
          ))}
        {h.status === 'active' && (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void decide('lift', { reason });
            }}
          >
            <Field label={t('holds.liftReason')} id={`lift-${h.id}`}>
              <input id={`lift-${h.id}`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </Field>
            <button type="submit" disabled={busy}>
              {t('holds.requestLift')}
            </button>
          </form>
        )}
        {h.status === 'lift_pending' &&
          (ownLift ? (
            <p class="muted">{t('holds.ownLift')}</p>
          ) : (
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() => decide('lift/approve')}
              aria-label={t('holds.approveLiftOf', { id: h.caseId })}
            >
              {t('holds.approveLift')}
            </button>
          ))}
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}

function PlaceHold({ placed }: { placed: () => void }) {
  const [scope, setScope] = useState<'subject' | 'conversation'>('subject');
  const [target, setTarget] = useState('');
  const [caseId, setCaseId] = useState('');
  const [reason, setReason] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      scope,
      caseId,
      reason,
      ...(scope === 'subject' ? { subjectId: target } : { conversationId: target }),
      ...(endsAt ? { endsAt: new Date(endsAt).toISOString() } : {}),
    };
    const ok = await run(() => call(HoldAnswer, 'POST', '/api/privacy/holds', body));
    if (ok) {
      setCaseId('');
      setReason('');
      setTarget('');
      placed();
    }
  };
  return (
    <form class="card inline-form" onSubmit={submit} aria-labelledby="hold-new-title">
      <h2 id="hold-new-title">{t('holds.newTitle')}</h2>
      <Field label={t('holds.caseId')} id="hold-case">
        <input id="hold-case" required value={caseId} onInput={(e) => setCaseId(e.currentTarget.value)} />
      </Field>
      <Field label={t('holds.col.scope')} id="hold-scope">
        <select id="hold-scope" value={scope} onChange={(e) => setScope(e.currentTarget.value as 'subject')}>
          <option value="subject">{t('holds.scope.subject')}</option>
          <option value="conversation">{t('holds.scope.conversation')}</option>
        </select>
      </Field>
      <Field label={t(scope === 'subject' ? 'holds.subjectId' : 'holds.conversationId')} id="hold-target">
        <input
          id="hold-target"
          required
          value={target}
          onInput={(e) => setTarget(e.currentTarget.value)}
          autocomplete="off"
        />
      </Field>
      <Field label={t('holds.reason')} id="hold-reason">
        <input id="hold-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <Field label={t('holds.endsAt')} id="hold-ends">
        <input id="hold-ends" type="date" value={endsAt} onInput={(e) => setEndsAt(e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('holds.place')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
