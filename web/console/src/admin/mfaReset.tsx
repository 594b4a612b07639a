// One staff account's second factor: whether it is set up and, when it is, its reset (a lost phone)
// behind a modal dialog that asks for the reason the audit log keeps. The dialog is the browser's
// own (<dialog> with showModal): focus stays inside, Escape closes it, and focus goes back to the
// button that opened it. The server's error id shows beside the reason field.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ListedUser, MfaResetAnswer } from '../../../../protocol/adminPeople.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { Field, useAction } from '../ui.tsx';
import { FieldError, FormError, invalidAt } from './formParts.tsx';

export function SecondFactor({ user, changed }: { user: ListedUser; changed: () => void }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const note = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (done) note.current?.focus();
  }, [done]);
  const finished = (answer: MfaResetAnswer | null) => {
    setOpen(false);
    if (!answer) {
      opener.current?.focus();
      return;
    }
    setDone(t('users.mfaResetDone', { count: answer.sessionsRevoked, name: user.displayName }));
    changed();
  };
  return (
    <div class="control" role="group" aria-labelledby="manage-mfa-title" data-testid="manage-mfa">
      <h3 id="manage-mfa-title">{t('users.mfaTitle')}</h3>
      <p class="muted" data-testid="manage-mfa-status">
        {t(user.mfa ? 'users.mfaOnLead' : 'users.mfaOffLead')}
      </p>
      {user.mfa && (
        <div class="actions">
          <button
            type="button"
            class="danger"
            ref={opener}
            aria-haspopup="dialog"
            onClick={() => (setDone(null), setOpen(true))}
          >
            {t('users.mfaReset')}
          </button>
        </div>
      )}
      <p role="status" class="ok" data-testid="manage-mfa-done" tabIndex={-1} ref={note} hidden={!done}>
        {done ?? ''}
      </p>
      {open && <ResetDialog user={user} finished={finished} />}
    </div>
  );
}

function ResetDialog({ user, finished }: { user: ListedUser; finished: (a: MfaResetAnswer | null) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const answer = useRef<MfaResetAnswer | null>(null);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const invalid = 'aria-invalid' in invalidAt(error, 'reason', 'mfa-reset-reason');
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const submit = async () => {
    const result = await run(() => call(MfaResetAnswer, 'POST', `/api/users/${user.id}/mfa/reset`, { reason }));
    if (result) {
      answer.current = result;
      dialog.current?.close();
    }
  };
  return (
    <dialog
      ref={dialog}
      class="card mfa-reset"
      aria-labelledby="mfa-reset-title"
      aria-describedby="mfa-reset-lead"
      onClose={() => finished(answer.current)}
    >
      <form noValidate onSubmit={(e) => (e.preventDefault(), void submit())}>
        <h2 id="mfa-reset-title">{t('users.mfaResetTitle', { name: user.displayName })}</h2>
        <p id="mfa-reset-lead">{t('users.mfaResetLead')}</p>
        <Field label={t('users.mfaResetReason')} id="mfa-reset-reason" hint={t('users.mfaResetReasonHint')}>
          <textarea
            id="mfa-reset-reason"
            rows={3}
            maxLength={500}
            required
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? 'mfa-reset-reason-hint mfa-reset-reason-error' : 'mfa-reset-reason-hint'}
          />
          <FieldError error={error} path="reason" field="mfa-reset-reason" />
        </Field>
        <FormError error={error} paths={['reason']} />
        <div class="actions">
          <button type="submit" class="danger" disabled={busy}>
            {t('users.mfaResetConfirm')}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
