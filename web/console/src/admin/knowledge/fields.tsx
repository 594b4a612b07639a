// Pieces the knowledge screens share: the server's complaint about one field, shown beside it with
// its error id, and the choices the API accepts for category, audience and language.
import { KB_AUDIENCES, KB_CATEGORIES } from '../../../../../protocol/knowledge.ts';
import { ApiError } from '../../api.ts';
import { t, type Key } from '../../i18n.ts';

/** The server's message for `path` when `error` is a validation failure naming that field. */
export function issueFor(error: unknown, path: string): { id: string; message: string } | null {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return null;
  const hit = (error.details as { path?: string; message?: string }[]).find((d) => d.path === path);
  return hit ? { id: error.id, message: hit.message ?? '' } : null;
}

/** Props for an input the server may refuse: marked invalid and described by the note beside it. */
export const invalidProps = (error: unknown, path: string, id: string) =>
  issueFor(error, path) ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-issue` } : {};

export function FieldIssue({ error, path, id }: { error: unknown; path: string; id: string }) {
  const issue = issueFor(error, path);
  if (!issue) return null;
  return (
    <small class="field-issue" id={`${id}-issue`} data-error-id={issue.id}>
      <strong>{issue.id}</strong>: {issue.message}
    </small>
  );
}

export const LANGUAGE_CODES = ['en', 'zh', 'de', 'fr', 'es'] as const;

/** The `<option>`s of one choice, each labelled by its `kb.<kind>.<value>` string. */
function options(kind: 'category' | 'audience' | 'language', values: readonly string[]) {
  return () => (
    <>
      {values.map((v) => (
        <option key={v} value={v}>
          {t(`kb.${kind}.${v}` as Key)}
        </option>
      ))}
    </>
  );
}
export const CategoryOptions = options('category', KB_CATEGORIES);
export const AudienceOptions = options('audience', KB_AUDIENCES);
export const LanguageOptions = options('language', LANGUAGE_CODES);

/** A language code as its name when the console knows it, else the code itself. */
export const languageName = (code: string | null) =>
  code && (LANGUAGE_CODES as readonly string[]).includes(code) ? t(`kb.language.${code}` as Key) : (code ?? '—');
