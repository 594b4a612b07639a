// The second sign-in step after a right password: a 6-digit code from the authenticator app (or a
// one-time recovery code), or, for a role that requires a second factor not yet set up, the
// enrolment: the QR code and secret to add to the app, the recovery codes shown once, then a code.
import { useEffect, useState } from 'preact/hooks';
import type { Me, MfaEnrolment, SecondStep } from '../../../protocol/staff.ts';
import { beginEnrolment, confirmEnrolment, verifySecondFactor } from './api.ts';
import { t } from './i18n.ts';
import { ErrorNote, Field, useAction } from './ui.tsx';

interface Props {
  step: SecondStep['mfa'];
  onDone: (who: Me) => void;
  onCancel: () => void;
}

function CodeField({ value, onInput }: { value: string; onInput: (v: string) => void }) {
  return (
    <Field label={t('mfa.code')} id="mfa-code" hint={t('mfa.code.hint')}>
      <input
        id="mfa-code"
        aria-describedby="mfa-code-hint"
        inputMode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        value={value}
        onInput={(e) => onInput(e.currentTarget.value.replace(/\D/g, ''))}
      />
    </Field>
  );
}

function Verify({ step, onDone, onCancel }: Props) {
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const who = await run(() =>
      verifySecondFactor(step.challenge, recovery === null ? { code } : { recoveryCode: recovery.trim() }),
    );
    if (who) onDone(who);
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="mfa-title" noValidate>
      <h1 id="mfa-title">{t('mfa.verify.title')}</h1>
      <p class="muted">{recovery === null ? t('mfa.verify.lead') : t('mfa.recovery.lead')}</p>
      {recovery === null ? (
        <CodeField value={code} onInput={setCode} />
      ) : (
        <Field label={t('mfa.recovery')} id="mfa-recovery">
          <input
            id="mfa-recovery"
            autocomplete="off"
            required
            value={recovery}
            onInput={(e) => setRecovery(e.currentTarget.value)}
          />
        </Field>
      )}
      <ErrorNote error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {t('mfa.verify.submit')}
      </button>
      <button type="button" class="link" onClick={() => setRecovery(recovery === null ? '' : null)}>
        {recovery === null ? t('mfa.recovery.use') : t('mfa.recovery.back')}
      </button>
      <button type="button" class="link" onClick={onCancel}>
        {t('mfa.cancel')}
      </button>
    </form>
  );
}

function Enrol({ step, onDone, onCancel }: Props) {
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [saved, setSaved] = useState(false);
  const [code, setCode] = useState('');
  const start = useAction();
  const confirm = useAction();
  useEffect(() => {
    void start.run(() => beginEnrolment(step.challenge)).then((e) => e && setEnrolment(e));
    // one enrolment per challenge
  }, [step.challenge]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const who = await confirm.run(() => confirmEnrolment(step.challenge, code));
    if (who) onDone(who);
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="mfa-title" noValidate>
      <h1 id="mfa-title">{t('mfa.enrol.title')}</h1>
      <p class="muted">{t('mfa.enrol.lead')}</p>
      <ErrorNote error={start.error} />
      {enrolment && (
        <>
          <img class="qr" src={enrolment.qrCode} width={200} height={200} alt={t('mfa.enrol.qr')} />
          <p>
            {t('mfa.enrol.secret')} <code class="secret">{enrolment.secret}</code>
          </p>
          <h2>{t('mfa.enrol.codes')}</h2>
          <p class="muted">{t('mfa.enrol.codes.lead')}</p>
          <ul class="codes" aria-label={t('mfa.enrol.codes')}>
            {enrolment.recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <label class="check">
            <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />{' '}
            {t('mfa.enrol.saved')}
          </label>
          <CodeField value={code} onInput={setCode} />
          <ErrorNote error={confirm.error} />
          <button type="submit" class="primary" disabled={confirm.busy || !saved}>
            {t('mfa.enrol.submit')}
          </button>
        </>
      )}
      <button type="button" class="link" onClick={onCancel}>
        {t('mfa.cancel')}
      </button>
    </form>
  );
}

export const SecondFactor = (props: Props) =>
  props.step.step === 'enrol' ? <Enrol {...props} /> : <Verify {...props} />;
