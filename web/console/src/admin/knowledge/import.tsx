// Import: files or a zip dropped on the page (or chosen with the file input, for the keyboard),
// sent as one batch; the server answers a report line per file, a bad file failing on its own.
import { useState } from 'preact/hooks';
import { KbImportAnswer, type KbImportReport } from '../../../../../protocol/knowledge.ts';
import { ApiError } from '../../api.ts';
import { t, type Key } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { kb } from './api.ts';
import { AudienceOptions, CategoryOptions, LanguageOptions } from './fields.tsx';

const KB = '/admin/knowledge';
const ACCEPT = '.md,.markdown,.txt,.html,.htm,.zip';

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function ImportView() {
  const [over, setOver] = useState(false);
  const [publish, setPublish] = useState(true);
  const [defaults, setDefaults] = useState({ language: '', audience: '', category: '' });
  const [report, setReport] = useState<KbImportReport | null>(null);
  const { busy, error, run } = useAction();

  const send = (files: File[]) =>
    files.length > 0 &&
    run(async () => {
      setReport(null);
      const body = await Promise.all(files.map(async (f) => ({ name: f.name, contentBase64: await base64Of(f) })));
      const chosen = Object.fromEntries(Object.entries(defaults).filter(([, v]) => v));
      try {
        setReport((await kb.importFiles({ files: body, publish, ...chosen })).report);
      } catch (e) {
        // Every file failed (422): the answer is still the report, line by line.
        const failed = e instanceof ApiError && e.status === 422 ? KbImportAnswer.safeParse(e.details) : null;
        if (!failed?.success) throw e;
        setReport(failed.data.report);
      }
    });
  const set = (key: keyof typeof defaults) => (e: { currentTarget: { value: string } }) =>
    setDefaults({ ...defaults, [key]: e.currentTarget.value });

  return (
    <>
      <h2>{t('kb.import.title')}</h2>
      <div class="card">
        <div class="kb-meta">
          <Field label={t('kb.import.language')} id="kb-import-language">
            <select id="kb-import-language" value={defaults.language} onChange={set('language')}>
              <option value="">{t('kb.import.fromFile')}</option>
              <LanguageOptions />
            </select>
          </Field>
          <Field label={t('kb.import.audience')} id="kb-import-audience">
            <select id="kb-import-audience" value={defaults.audience} onChange={set('audience')}>
              <option value="">{t('kb.import.fromFile')}</option>
              <AudienceOptions />
            </select>
          </Field>
          <Field label={t('kb.import.category')} id="kb-import-category">
            <select id="kb-import-category" value={defaults.category} onChange={set('category')}>
              <option value="">{t('kb.import.fromFile')}</option>
              <CategoryOptions />
            </select>
          </Field>
          <div class="check">
            <input
              id="kb-import-publish"
              type="checkbox"
              checked={publish}
              onChange={(e) => setPublish(e.currentTarget.checked)}
            />
            <label for="kb-import-publish">{t('kb.import.publish')}</label>
          </div>
        </div>
        <div
          class={over ? 'kb-drop over' : 'kb-drop'}
          data-testid="kb-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            void send([...(e.dataTransfer?.files ?? [])]);
          }}
        >
          <p>{t('kb.import.drop')}</p>
          <Field label={t('kb.import.choose')} id="kb-import-files" hint={t('kb.import.accepts')}>
            <input
              id="kb-import-files"
              type="file"
              multiple
              accept={ACCEPT}
              aria-describedby="kb-import-files-hint"
              disabled={busy}
              onChange={(e) => {
                const input = e.currentTarget;
                void send([...(input.files ?? [])]);
                input.value = '';
              }}
            />
          </Field>
        </div>
        <p role="status">{busy ? t('kb.import.busy') : ''}</p>
        <ErrorNote error={error} />
      </div>
      {report && <ImportReportTable report={report} />}
    </>
  );
}

function ImportReportTable({ report }: { report: KbImportReport }) {
  return (
    <section aria-labelledby="kb-report-title">
      <h3 id="kb-report-title">{t('kb.import.report')}</h3>
      <p data-testid="kb-import-summary">
        {t('kb.import.summary', {
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          failed: report.failed,
        })}
      </p>
      <div class="table-wrap">
        <table>
          <caption>{t('kb.import.reportCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kb.import.file')}</th>
              <th scope="col">{t('kb.import.outcome')}</th>
              <th scope="col">{t('kb.import.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {report.files.map((f) => (
              <tr key={f.path} data-file={f.path}>
                <td>
                  <code>{f.path}</code>
                </td>
                <td class={`status-${f.status}`}>{t(`kb.import.status.${f.status}` as Key)}</td>
                <td>
                  {f.status === 'failed' ? (
                    <>
                      <strong>{f.error.id}</strong>: {f.error.message}
                    </>
                  ) : (
                    <>
                      <Link to={`${KB}/${f.articleId}`}>{f.slug}</Link> {t('kb.import.passages', { n: f.passages })}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
