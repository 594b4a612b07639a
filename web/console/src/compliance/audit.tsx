// Audit log: filters, newest first with cursor paging, an event's details, Verify chain, Export
// (CSV or JSON lines of the filtered set, streamed by the server). Every read is audited there.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  AuditPageAnswer,
  type AuditEvent,
  VerifyAnswer,
  type VerifyAnswer as Verified,
} from '../../../../protocol/staff.ts';
import { call, withQuery } from '../api.ts';
import { formatDateTime, formatNumber, t } from '../i18n.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';

const ACTOR_TYPES = ['staff', 'visitor', 'system', 'anonymous', 'api_key'];
const OUTCOMES = ['success', 'failure', 'denied'];
interface Filters {
  from: string;
  to: string;
  actorType: string;
  actorId: string;
  subjectId: string;
  action: string;
  resourceType: string;
  outcome: string;
}
const EMPTY: Filters = {
  from: '',
  to: '',
  actorType: '',
  actorId: '',
  subjectId: '',
  action: '',
  resourceType: '',
  outcome: '',
};
/** A datetime-local value is the user's own time zone: sent as an instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);
const query = (f: Filters) => ({ ...f, from: instant(f.from), to: instant(f.to) });

export function AuditScreen() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters | null>(null);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const [verified, setVerified] = useState<Verified | null>(null);
  const search = useAction();
  const verify = useAction();
  const set = (k: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  const load = async (filters: Filters, after: string | null) => {
    const page = await search.run(() =>
      call(AuditPageAnswer, 'GET', withQuery('/api/audit/events', { ...query(filters), limit: 50, cursor: after })),
    );
    if (!page) return;
    setEvents(after ? [...events, ...page.events] : page.events);
    setCursor(page.nextCursor);
    setApplied(filters);
  };
  const exportHref = (format: 'csv' | 'jsonl') =>
    withQuery('/api/audit/export', { ...query(applied ?? EMPTY), format });

  return (
    <>
      <form
        class="filters card"
        aria-label={t('audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          void load(draft, null);
        }}
      >
        <Field label={t('audit.from')} id="f-from">
          <input id="f-from" type="datetime-local" step="1" value={draft.from} onInput={set('from')} />
        </Field>
        <Field label={t('audit.to')} id="f-to">
          <input id="f-to" type="datetime-local" step="1" value={draft.to} onInput={set('to')} />
        </Field>
        <Field label={t('audit.actorType')} id="f-actor-type">
          <select id="f-actor-type" value={draft.actorType} onChange={set('actorType')}>
            <option value="">{t('common.any')}</option>
            {ACTOR_TYPES.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.actorId')} id="f-actor-id">
          <input id="f-actor-id" value={draft.actorId} onInput={set('actorId')} />
        </Field>
        <Field label={t('audit.subject')} id="f-subject">
          <input id="f-subject" value={draft.subjectId} onInput={set('subjectId')} placeholder="sub_…" />
        </Field>
        <Field label={t('audit.action')} id="f-action" hint={t('audit.actionHint')}>
          <input id="f-action" value={draft.action} onInput={set('action')} aria-describedby="f-action-hint" />
        </Field>
        <Field label={t('audit.resource')} id="f-resource">
          <input id="f-resource" value={draft.resourceType} onInput={set('resourceType')} placeholder="StaffUser" />
        </Field>
        <Field label={t('audit.outcome')} id="f-outcome">
          <select id="f-outcome" value={draft.outcome} onChange={set('outcome')}>
            <option value="">{t('common.any')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}` as 'outcome.success')}
              </option>
            ))}
          </select>
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={search.busy}>
            {t('audit.search')}
          </button>
          <button type="button" onClick={() => setDraft(EMPTY)}>
            {t('audit.clear')}
          </button>
        </div>
        <ErrorNote error={search.error} />
      </form>

      <div class="toolbar">
        <button
          type="button"
          disabled={verify.busy}
          onClick={() => verify.run(async () => setVerified(await call(VerifyAnswer, 'GET', '/api/audit/verify')))}
        >
          {t('audit.verify')}
        </button>
        {applied && (
          <>
            <a class="button" href={exportHref('csv')} download>
              {t('audit.exportCsv')}
            </a>
            <a class="button" href={exportHref('jsonl')} download>
              {t('audit.exportJsonl')}
            </a>
          </>
        )}
      </div>
      <ErrorNote error={verify.error} />
      {verified && (
        <p class={verified.ok ? 'ok' : 'error'} role="status" data-testid="verify-result">
          {verified.ok
            ? t('audit.verifiedOk', { checked: formatNumber(verified.checked), head: verified.headSeq })
            : t('audit.verifiedBroken', {
                seq: verified.firstBroken?.seq ?? verified.firstBroken?.chainSeq ?? '?',
                problem: verified.firstBroken?.problem ?? '',
              })}
        </p>
      )}

      {applied && (
        <div class="table-wrap">
          <table>
            <caption>{t('audit.results', { count: formatNumber(events.length) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.time')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.actor')}</th>
                <th scope="col">{t('audit.col.subject')}</th>
                <th scope="col">{t('audit.col.resource')}</th>
                <th scope="col">{t('audit.col.outcome')}</th>
                <th scope="col">
                  <span class="sr-only">{t('audit.col.details')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>{formatDateTime(e.occurredAt)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.actorType}:{e.actorId}
                  </td>
                  <td>{e.subjectId ?? '—'}</td>
                  <td>{e.resourceType ? `${e.resourceType}${e.resourceId ? ':' + e.resourceId : ''}` : '—'}</td>
                  <td class={`outcome-${e.outcome}`}>{t(`outcome.${e.outcome}` as 'outcome.success')}</td>
                  <td>
                    <button
                      type="button"
                      class="link"
                      onClick={() => setOpen(e)}
                      aria-label={t('audit.detailsOf', { seq: e.seq })}
                    >
                      {t('audit.details')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {events.length === 0 && <p class="muted">{t('audit.none')}</p>}
          {cursor && (
            <button type="button" onClick={() => load(applied, cursor)} disabled={search.busy}>
              {t('audit.more')}
            </button>
          )}
        </div>
      )}
      {open && <EventDrawer event={open} close={() => setOpen(null)} />}
    </>
  );
}

function EventDrawer({ event, close }: { event: AuditEvent; close: () => void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), [event.seq]);
  return (
    <aside class="drawer card" aria-labelledby="drawer-title" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <h2 id="drawer-title">{t('audit.eventTitle', { seq: event.seq })}</h2>
      <dl>
        {Object.entries({ ...event, details: undefined }).map(([k, v]) =>
          v === undefined ? null : (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{k === 'occurredAt' ? formatDateTime(String(v)) : String(v ?? '—')}</dd>
            </div>
          ),
        )}
      </dl>
      <h3>{t('audit.detailsTitle')}</h3>
      <pre>{JSON.stringify(event.details, null, 2)}</pre>
      <button type="button" ref={closeButton} onClick={close}>
        {t('common.close')}
      </button>
    </aside>
  );
}
