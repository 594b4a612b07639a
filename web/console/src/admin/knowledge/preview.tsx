// Article text through the widget's own parser and renderer, so the admin sees what a visitor's
// widget shows (and, like there, markup in the text stays text): the editor's live preview and the
// answer in "Try a question".
import { useEffect, useRef } from 'preact/hooks';
import { renderMarkdown } from '../../../../widget/src/renderMarkdown.ts';
import { t } from '../../i18n.ts';

// Only a well-formed code reaches the lang attribute (the field may hold a typo the server refuses).
const LANG_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

export function Markdown({
  source,
  lang,
  class: className,
  testId,
}: {
  source: string;
  lang?: string;
  class?: string;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.replaceChildren(renderMarkdown(source));
  }, [source]);
  return (
    <div ref={box} class={className} data-testid={testId} lang={lang && LANG_CODE.test(lang) ? lang : undefined} />
  );
}

export function MarkdownPreview({ source, title, lang }: { source: string; title: string; lang: string }) {
  return (
    <section aria-labelledby="kb-preview-title">
      <h3 id="kb-preview-title">{t('kb.editor.preview')}</h3>
      <div class="kb-preview" data-testid="kb-preview" lang={LANG_CODE.test(lang) ? lang : undefined}>
        <h4>{title}</h4>
        <Markdown source={source} />
      </div>
    </section>
  );
}
