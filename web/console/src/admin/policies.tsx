// Policies: the files the appliance reads, read-only, with the SHA-256 in force and when it was
// read. Changing a file is the bank's change control; a draft can be checked here first by the
// parser the appliance runs at start, which changes nothing.
import { useEffect, useState } from 'preact/hooks';
import {
  POLICY_FILES,
  PoliciesAnswer,
  PolicyCheckAnswer,
  type PolicyFileName,
  type PolicyView,
} from '../../../../protocol/system.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t } from '../i18n.ts';
import { can } from '../session.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';

const DRAFT_STYLE = {
  width: '100%',
  minHeight: '14rem',
  fontFamily: 'ui-monospace, monospace',
  padding: '0.5rem',
  border: '1px solid var(--muted)',
  borderRadius: '4px',
  background: 'var(--panel)',
  color: 'inherit',
};

function PolicyFile({ p }: { p: PolicyView }) {
  const id = `policy-${p.name.replace(/\W/g, '-')}`;
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{p.name}</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">{t('policies.inForce')}</th>
            <td>
              <code class="wrap">{p.inForce ?? t('policies.notRead')}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('policies.loadedAt')}</th>
            <td>{formatDateTime(p.loadedAt)}</td>
          </tr>
          <tr>
            <th scope="row">{t('policies.reloads')}</th>
            <td>{p.reloads === 'while running' ? t('policies.whileRunning') : t('policies.atStart')}</td>
          </tr>
          <tr>
            <th scope="row">{t('policies.onDisk')}</th>
            <td>{t('policies.onDiskValue', { bytes: formatNumber(p.bytes), at: formatDateTime(p.modifiedAt) })}</td>
          </tr>
        </tbody>
      </table>
      {p.changedOnDisk && (
        <p class="notice" role="status">
          {t('policies.changedOnDisk', { sha: p.sha256.slice(0, 12) })}
        </p>
      )}
      {p.text !== null ? (
        <details>
          <summary>{t('policies.showText')}</summary>
          <pre tabIndex={0} aria-label={p.name}>
            {p.text}
          </pre>
        </details>
      ) : (
        <p class="muted">{t('policies.tooLarge')}</p>
      )}
    </section>
  );
}

function DraftCheck({ policies }: { policies: PolicyView[] }) {
  const [file, setFile] = useState<PolicyFileName>('routing.yaml');
  const [text, setText] = useState('');
  const [result, setResult] = useState<PolicyCheckAnswer | null>(null);
  const act = useAction();
  const current = policies.find((p) => p.name === file)?.text ?? null;
  const submit = (e: Event) => {
    e.preventDefault();
    void act.run(async () => setResult(await call(PolicyCheckAnswer, 'POST', '/api/policies/check', { file, text })));
  };
  return (
    <section class="card" aria-labelledby="draft-title">
      <h2 id="draft-title">{t('policies.draftTitle')}</h2>
      <p class="muted" id="draft-hint">
        {t('policies.draftHint')}
      </p>
      <form onSubmit={submit} aria-describedby="draft-hint">
        <Field label={t('policies.draftFile')} id="draft-file">
          <select
            id="draft-file"
            value={file}
            onChange={(e) => (setFile((e.target as HTMLSelectElement).value as PolicyFileName), setResult(null))}
          >
            {POLICY_FILES.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('policies.draftText')} id="draft-text">
          <textarea
            id="draft-text"
            style={DRAFT_STYLE}
            spellcheck={false}
            value={text}
            onInput={(e) => (setText((e.target as HTMLTextAreaElement).value), setResult(null))}
          />
        </Field>
        <div class="toolbar">
          <button type="submit" class="primary" disabled={act.busy}>
            {t('policies.check')}
          </button>
          <button type="button" disabled={current === null} onClick={() => (setText(current ?? ''), setResult(null))}>
            {t('policies.startFromFile')}
          </button>
        </div>
      </form>
      <ErrorNote error={act.error} />
      {result &&
        (result.valid ? (
          <p class="ok" role="status" data-testid="draft-result">
            {t('policies.valid', { file: result.file })}
          </p>
        ) : (
          <div class="error" role="alert" data-testid="draft-result">
            <strong>{t('policies.invalid', { file: result.file, n: formatNumber(result.errors.length) })}</strong>
            <ul>
              {result.errors.map((e, i) => (
                <li key={i}>
                  <code>{e.path}</code>: {e.message}
                </li>
              ))}
            </ul>
          </div>
        ))}
    </section>
  );
}

export function PoliciesScreen() {
  const [answer, setAnswer] = useState<{ directory: string; policies: PolicyView[] } | null>(null);
  const load = useAction();
  useEffect(() => void load.run(async () => setAnswer(await call(PoliciesAnswer, 'GET', '/api/policies'))), []);
  return (
    <>
      <p class="notice">{t('policies.changeControl')}</p>
      <ErrorNote error={load.error} />
      {answer && can('verify:Policy') && <DraftCheck policies={answer.policies} />}
      {answer && <p class="muted">{t('policies.directory', { dir: answer.directory })}</p>}
      {answer?.policies.map((p) => (
        <PolicyFile key={p.name} p={p} />
      ))}
    </>
  );
}
