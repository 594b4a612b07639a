// Pieces the admin's people screens share: the server's error for one field shown under it, and a
// secret (an API key, a password link) shown once with a copy button.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { t } from '../i18n.ts';
import { ErrorNote } from '../ui.tsx';
import './people.css';

type Issue = { path?: string; message?: string };
const issuesOf = (error: unknown): Issue[] =>
  error instanceof ApiError && Array.isArray(error.details) ? (error.details as Issue[]) : [];
const errorId = (field: string) => `${field}-error`;

/** The validation issues at `path`, with the server's error id, under the field `field` (its input's id). */
export function FieldError({ error, path, field }: { error: unknown; path: string; field: string }) {
  const issues = issuesOf(error).filter((i) => i.path === path);
  if (issues.length === 0 || !(error instanceof ApiError)) return null;
  return (
    <p class="field-error" id={errorId(field)}>
      <strong>{error.id}</strong>: {issues.map((i) => i.message).join('; ')}
    </p>
  );
}

/** aria attributes tying an input to its FieldError, when there is one. */
export const invalidAt = (error: unknown, path: string, field: string) =>
  issuesOf(error).some((i) => i.path === path) ? { 'aria-invalid': true, 'aria-describedby': errorId(field) } : {};

/** The form's own error note: shown unless every issue in it is shown at one of `paths`. */
export function FormError({ error, paths }: { error: unknown; paths: string[] }) {
  const issues = issuesOf(error);
  if (issues.length > 0 && issues.every((i) => i.path !== undefined && paths.includes(i.path))) return null;
  return <ErrorNote error={error} />;
}

/** A secret the server gives once: read-only, with a copy button and what happens after this view. */
export function OneTimeSecret(props: {
  id: string;
  title: string;
  label: string;
  value: string;
  warning: string;
  onDone: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  // the secret gets focus when it appears: the next Tab is its copy button
  useEffect(() => input.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('yes');
    } catch {
      // no clipboard (an insecure origin, a refused permission): the text is selected to copy by hand
      input.current?.select();
      setCopied('no');
    }
  };
  return (
    <section class="card one-time" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <p class="notice">{props.warning}</p>
      <div class="field">
        <label for={props.id}>{props.label}</label>
        <div class="secret-row">
          <input
            id={props.id}
            ref={input}
            readOnly
            value={props.value}
            class="secret-value"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="primary" onClick={() => void copy()}>
            {t('users.copy')}
          </button>
        </div>
      </div>
      <p role="status" class="muted">
        {copied === 'yes' ? t('users.copied') : copied === 'no' ? t('users.copyByHand') : ''}
      </p>
      <button type="button" onClick={props.onDone}>
        {t('users.secretDone')}
      </button>
    </section>
  );
}

/** A list as a table: its caption, column headings (the last, for row actions, named for screen readers) and rows. */
export function ListTable(props: {
  caption: string;
  columns: string[];
  empty: string | null;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
            <th scope="col">
              <span class="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
      {props.empty && <p class="muted">{props.empty}</p>}
    </div>
  );
}

/** An irreversible step asked once more, in place: the consequence, the step and a way back. */
export function Confirm(props: {
  label: string;
  text: string;
  action: string;
  busy: boolean;
  confirm: () => void;
  cancel: () => void;
}) {
  return (
    <div class="confirm" role="group" aria-label={props.label}>
      <p>{props.text}</p>
      <div class="actions">
        <button type="button" class="danger" disabled={props.busy} onClick={props.confirm}>
          {props.action}
        </button>
        <button type="button" onClick={props.cancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
