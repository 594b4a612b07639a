// Creates a canned response or edits the chosen one. The body may hold the fill-ins {agent_name} and
// {visitor_language}; a button inserts each at the cursor, and the server refuses any other.
import { useEffect, useRef, useState } from 'preact/hooks';
import { CannedAnswer, type CannedResponse, type CannedSite } from '../../../../protocol/adminPeople.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { Field, useAction } from '../ui.tsx';
import { FieldError, FormError, invalidAt } from './formParts.tsx';

const FILL_INS = ['{agent_name}', '{visitor_language}'];
const PATHS = ['site', 'language', 'shortcut', 'title', 'body'];

/** A language by its own name (Deutsch), as agents and visitors know it. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function CannedForm(props: {
  sites: CannedSite[];
  editing: CannedResponse | null;
  saved: () => void;
  cancel: () => void;
}) {
  const { editing, sites } = props;
  const first = sites[0]!;
  const [site, setSite] = useState(editing?.site ?? first.id);
  const [language, setLanguage] = useState(editing?.language ?? first.defaultLanguage);
  const [shortcut, setShortcut] = useState(editing?.shortcut ?? '');
  const [title, setTitle] = useState(editing?.title ?? '');
  const [body, setBody] = useState(editing?.body ?? '');
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // Edit moves the keyboard to the form at the top of the screen
  useEffect(() => void (editing && heading.current?.focus()), []);
  const { busy, error, run } = useAction();
  const languages = sites.find((s) => s.id === site)?.languages ?? [];

  const insert = (fillIn: string) => {
    const el = bodyRef.current;
    const at = el ? el.selectionStart : body.length;
    const end = el ? el.selectionEnd : body.length;
    setBody(body.slice(0, at) + fillIn + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + fillIn.length, at + fillIn.length);
    });
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = { site, language, shortcut, title, body };
    const saved = await run(() =>
      editing
        ? call(CannedAnswer, 'PUT', `/api/canned/${editing.id}`, input)
        : call(CannedAnswer, 'POST', '/api/canned', input),
    );
    if (saved) props.saved();
  };
  const field = (path: string) => invalidAt(error, path, `canned-${path}`);
  return (
    <form class="card people-form" onSubmit={submit} aria-labelledby="canned-form-title" noValidate>
      <h2 id="canned-form-title" tabIndex={-1} ref={heading}>
        {editing ? t('canned.editTitle', { shortcut: editing.shortcut }) : t('canned.newTitle')}
      </h2>
      <Field label={t('canned.site')} id="canned-site">
        <select
          id="canned-site"
          value={site}
          onChange={(e) => {
            const next = sites.find((s) => s.id === e.currentTarget.value) ?? first;
            setSite(next.id);
            if (!next.languages.includes(language)) setLanguage(next.defaultLanguage);
          }}
          {...field('site')}
        >
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.id})
            </option>
          ))}
        </select>
        <FieldError error={error} path="site" field="canned-site" />
      </Field>
      <Field label={t('canned.language')} id="canned-language">
        <select
          id="canned-language"
          value={language}
          onChange={(e) => setLanguage(e.currentTarget.value)}
          {...field('language')}
        >
          {languages.map((l) => (
            <option key={l} value={l}>
              {languageName(l)} ({l})
            </option>
          ))}
        </select>
        <FieldError error={error} path="language" field="canned-language" />
      </Field>
      <Field label={t('canned.shortcut')} id="canned-shortcut" hint={t('canned.shortcutHint')}>
        <input
          id="canned-shortcut"
          autocomplete="off"
          value={shortcut}
          onInput={(e) => setShortcut(e.currentTarget.value)}
          {...field('shortcut')}
        />
        <FieldError error={error} path="shortcut" field="canned-shortcut" />
      </Field>
      <Field label={t('canned.title')} id="canned-title">
        <input
          id="canned-title"
          autocomplete="off"
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
          {...field('title')}
        />
        <FieldError error={error} path="title" field="canned-title" />
      </Field>
      <div class="field wide">
        <label for="canned-body">{t('canned.body')}</label>
        <textarea
          id="canned-body"
          ref={bodyRef}
          rows={4}
          value={body}
          onInput={(e) => setBody(e.currentTarget.value)}
          aria-describedby="canned-body-hint"
          {...field('body')}
        />
        <div class="fill-ins" id="canned-body-hint">
          <span class="muted">{t('canned.fillInHint')}</span>
          {FILL_INS.map((f) => (
            <button
              type="button"
              key={f}
              class="link"
              onClick={() => insert(f)}
              aria-label={t('canned.insert', { fillIn: f })}
            >
              <code>{f}</code>
            </button>
          ))}
        </div>
        <FieldError error={error} path="body" field="canned-body" />
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {editing ? t('canned.save') : t('canned.create')}
        </button>
        {editing && (
          <button type="button" onClick={props.cancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      <FormError error={error} paths={PATHS} />
    </form>
  );
}
