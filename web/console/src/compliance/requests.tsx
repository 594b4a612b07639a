// Data-subject requests: the list (due dates, overdue in red, near-due in amber), creation from a
// subject lookup (by keyed digest on the server, audited), transitions, execution (access → the
// archive downloads; erasure → typed confirmation, then the receipt). Changes arrive live.
import { useEffect, useState } from 'preact/hooks';
import {
  DSR_TYPES,
  ExecuteAnswer,
  RequestAnswer,
  RequestList,
  type SubjectRequest,
  SubjectAnswer,
} from '../../../../protocol/staff.ts';
import { ApiError, call } from '../api.ts';
import { formatDate, formatDateTime, t, type Key } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { download, ErrorNote, Field, useAction } from '../ui.tsx';
import { KindField, RectifyForm } from './rectify.tsx';

const OPEN = new Set(['received', 'identity_verified', 'in_progress']);
const NEAR_MS = 7 * 86_400_000;
const dueClass = (r: SubjectRequest) =>
  !OPEN.has(r.state)
    ? ''
    : r.overdue || Date.parse(r.dueAt) < Date.now()
      ? 'overdue'
      : Date.parse(r.dueAt) - Date.now() < NEAR_MS
        ? 'near'
        : '';

export function RequestsScreen() {
  const [requests, setRequests] = useState<SubjectRequest[]>([]);
  const list = useAction();
  const reload = () =>
    list.run(async () => setRequests((await call(RequestList, 'GET', '/api/privacy/requests')).requests));
  useEffect(() => {
    void reload();
    return subscribe('dsr', () => void reload());
  }, []);
  const [selected, setSelected] = useState<string | null>(null);
  const current = requests.find((r) => r.id === selected) ?? null;
  return (
    <>
      <CreateRequest onCreated={(r) => (setSelected(r.id), reload())} />
      <ErrorNote error={list.error} />
      <div class="table-wrap">
        <table>
          <caption>{t('dsr.listTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dsr.col.received')}</th>
              <th scope="col">{t('dsr.col.type')}</th>
              <th scope="col">{t('dsr.col.state')}</th>
              <th scope="col">{t('dsr.col.channel')}</th>
              <th scope="col">{t('dsr.col.subject')}</th>
              <th scope="col">{t('dsr.col.due')}</th>
              <th scope="col">
                <span class="sr-only">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} data-request={r.id}>
                <td>{formatDateTime(r.receivedAt)}</td>
                <td>{t(`dsr.type.${r.type}` as Key)}</td>
                <td data-testid="dsr-state">{t(`dsr.state.${r.state}` as Key)}</td>
                <td>{r.channel}</td>
                <td>
                  <code>{r.subjectId}</code>
                </td>
                <td class={dueClass(r)}>
                  {formatDate(r.dueAt)}
                  {dueClass(r) === 'overdue' && <span class="badge">{t('dsr.overdue')}</span>}
                  {dueClass(r) === 'near' && <span class="badge amber">{t('dsr.near')}</span>}
                </td>
                <td>
                  <button
                    type="button"
                    class="link"
                    onClick={() => setSelected(r.id)}
                    aria-label={t('dsr.openOf', { id: r.id.slice(0, 8) })}
                  >
                    {t('dsr.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {requests.length === 0 && !list.busy && <p class="muted">{t('dsr.none')}</p>}
      </div>
      {current && <RequestPanel key={current.id} request={current} changed={reload} />}
    </>
  );
}

function CreateRequest({ onCreated }: { onCreated: (r: SubjectRequest) => void }) {
  const [kind, setKind] = useState<string>('email');
  const [value, setValue] = useState('');
  const [type, setType] = useState<string>('access');
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const made = await run(async () => {
      const { subject } = await call(SubjectAnswer, 'POST', '/api/privacy/subjects/lookup', { kind, value });
      if (!subject) throw new ApiError(404, 'subject_not_found', t('dsr.noSubject'));
      return (
        await call(RequestAnswer, 'POST', '/api/privacy/requests', { subjectId: subject.id, type, channel: 'console' })
      ).request;
    });
    if (made) {
      setValue('');
      onCreated(made);
    }
  };
  return (
    <form class="card inline-form" onSubmit={submit} aria-labelledby="dsr-new-title">
      <h2 id="dsr-new-title">{t('dsr.newTitle')}</h2>
      <KindField id="dsr-kind" kind={kind} setKind={setKind} />
      <Field label={t('dsr.identifier')} id="dsr-value">
        <input
          id="dsr-value"
          required
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          autocomplete="off"
        />
      </Field>
      <Field label={t('dsr.col.type')} id="dsr-type">
        <select id="dsr-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
          {DSR_TYPES.map((k) => (
            <option key={k} value={k}>
              {t(`dsr.type.${k}` as Key)}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('dsr.create')}
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function RequestPanel({ request: r, changed }: { request: SubjectRequest; changed: () => void }) {
  const { busy, error, run } = useAction();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [receipt, setReceipt] = useState<Record<string, unknown> | null>(r.receipt);
  const transition = (to: string, why?: string) =>
    run(
      async () => (
        await call(
          RequestAnswer,
          'POST',
          `/api/privacy/requests/${r.id}/transition`,
          why ? { to, reason: why } : { to },
        ),
        changed()
      ),
    );
  const execute = () =>
    run(async () => {
      const done = await call(ExecuteAnswer, 'POST', `/api/privacy/requests/${r.id}/execute`, {});
      if (done.export) download(`palisade-export-${r.subjectId}.json`, JSON.stringify(done.export, null, 2));
      setReceipt(done.receipt ?? done.request.receipt);
      setConfirming(false);
      changed();
    });
  const open = OPEN.has(r.state);
  return (
    <section class="card panel" aria-labelledby="dsr-panel-title">
      <h2 id="dsr-panel-title">
        {t(`dsr.type.${r.type}` as Key)} · <code>{r.subjectId}</code> · {t(`dsr.state.${r.state}` as Key)}
      </h2>
      {r.refusedReason && <p>{t('dsr.refusedBecause', { reason: r.refusedReason })}</p>}
      {open && (
        <div class="actions">
          {r.state === 'received' && (
            <button type="button" disabled={busy} onClick={() => transition('identity_verified')}>
              {t('dsr.verifyIdentity')}
            </button>
          )}
          {r.state !== 'received' && r.type === 'access' && (
            <button type="button" class="primary" disabled={busy} onClick={execute}>
              {t('dsr.executeAccess')}
            </button>
          )}
          {r.state !== 'received' && r.type === 'erasure' && !confirming && (
            <button type="button" class="danger" disabled={busy} onClick={() => setConfirming(true)}>
              {t('dsr.executeErasure')}
            </button>
          )}
        </div>
      )}
      {open && r.state !== 'received' && r.type === 'rectification' && (
        <RectifyForm request={r} done={(done) => (setReceipt(done.receipt), changed())} />
      )}
      {confirming && (
        <form
          class="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === r.subjectId) void execute();
          }}
        >
          <p>{t('dsr.erasureWarning')}</p>
          <Field label={t('dsr.typePseudonym', { id: r.subjectId })} id="dsr-typed">
            <input id="dsr-typed" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" />
          </Field>
          <div class="actions">
            <button type="submit" class="danger" disabled={busy || typed !== r.subjectId}>
              {t('dsr.erase')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {open && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void transition('refused', reason);
          }}
        >
          <Field label={t('dsr.refuseReason')} id="dsr-reason">
            <input id="dsr-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </Field>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t('dsr.refuse')}
            </button>
          </div>
        </form>
      )}
      <ErrorNote error={error} />
      {receipt && (
        <div class="receipt" role="status">
          <h3>{t('dsr.receipt')}</h3>
          <dl>
            {Object.entries(receipt).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>
                  {typeof v === 'object'
                    ? JSON.stringify(v)
                    : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)
                      ? formatDateTime(v)
                      : String(v)}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </section>
  );
}
