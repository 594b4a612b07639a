// What the visitor reads for a failed request: the server's stable error id translated, with the
// site's own limits filled in (the server's refusals carry ids, not numbers).
import { ApiError } from './api.ts';
import { formatBytes } from './attachments.ts';
import { h } from './dom.ts';
import type { Language, StringKey } from './i18n.ts';
import { translate } from './i18n.ts';
import type { WidgetConfig } from './types.ts';

export function errorText(language: Language, config: WidgetConfig | undefined, err: unknown): string {
  const t = (key: StringKey, vars?: Record<string, string | number>) => translate(language, key, vars);
  if (!(err instanceof ApiError)) return t('error.network');
  const key = `error.${err.id}` as StringKey;
  if (err.id === 'rate_limited') return t('error.rate_limited', { seconds: err.retryAfter ?? 30 });
  if (err.id === 'message_too_long')
    return t('error.message_too_long', { max: config?.site.limits.messageChars ?? '' });
  if (err.id === 'unknown_site') return t('error.origin_not_allowed');
  if (err.id === 'origin_not_allowed' && !config) return t('error.site_not_set_up', { origin: location.origin });
  const files = config?.site.attachments;
  if (err.id === 'attachment_type' && files)
    return t('error.attachment_type', { types: files.types.map((m) => m.split('/')[1]!.toUpperCase()).join(', ') });
  if (err.id === 'attachment_too_large' && files)
    return t('error.attachment_too_large', { size: formatBytes(files.maxBytes) });
  if (t(key) !== key) return t(key);
  return err.status < 500 && err.message ? err.message : t('error.generic');
}

/** The screen after an erasure: what was erased, the request's id, what is kept. */
export function renderErased(language: Language, requestId: string, onNew: () => void): HTMLElement {
  const t = (key: StringKey, vars?: Record<string, string | number>) => translate(language, key, vars);
  return h(
    'div',
    { class: 'pad erased' },
    h('h3', { tabindex: '-1', 'data-autofocus': true }, t('erased.title')),
    h('p', {}, t('erased.what')),
    h('p', {}, t('erased.request', { id: '' }), h('code', {}, requestId)),
    h('p', { class: 'muted' }, t('erased.keep')),
    h('button', { type: 'button', class: 'primary', on: { click: onNew } }, t('chat.newConversation')),
  );
}
