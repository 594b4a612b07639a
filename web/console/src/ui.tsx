// Small shared pieces: a labelled field, the server's error next to what caused it, a lazy workspace.
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { t } from './i18n.ts';

/** The server's error id and message (and the request id to quote), announced to screen readers. */
export function ErrorNote({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const fields = e && Array.isArray(e.details) ? (e.details as { path?: string; message?: string }[]) : [];
  return (
    <div class="error" role="alert" id={id}>
      <strong>{e ? e.id : 'error'}</strong>: {error instanceof Error ? error.message : String(error)}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={`${f.path}${f.message}`}>
              <code>{f.path}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
      {e?.requestId && <span class="muted"> ({t('error.request', { id: e.requestId })})</span>}
    </div>
  );
}

export function Field(props: { label: string; id: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small id={`${props.id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}

/** Runs `work`, keeping busy and error state for the form that started it. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** A workspace module loaded on first use. */
export function Lazy({ load }: { load: () => Promise<{ default: ComponentType }> }) {
  const [Component, setComponent] = useState<ComponentType | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (m) => live && setComponent(() => m.default),
      (e: unknown) => live && setError(e),
    );
    return () => void (live = false);
  }, [load]);
  if (error) return <ErrorNote error={error} />;
  if (!Component) return <p class="muted">{t('common.loading')}</p>;
  return <Component />;
}

/** Saves bytes the console holds (an access archive) as a file the browser downloads. */
export function download(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
