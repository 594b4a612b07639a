// Attachments: checked here for size and type (the server checks again, magic bytes included),
// uploaded as a raw body, shown back through an object URL fetched with the visitor's token.
import { request } from './api.ts';
import { h } from './dom.ts';
import type { Attachment } from './types.ts';
import type { Host } from './host.ts';

export function formatBytes(n: number): string {
  return n >= 1048576 ? `${Math.round((n / 1048576) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** The visitor-facing reason a file cannot be sent, or null when it may be uploaded. */
export function checkFile(host: Host, file: File): string | null {
  const { maxBytes, types } = host.config.site.attachments;
  if (!types.includes(file.type))
    return host.t('error.attachment_type', { types: types.map((t) => t.split('/')[1]!.toUpperCase()).join(', ') });
  if (file.size > maxBytes) return host.t('error.attachment_too_large', { size: formatBytes(maxBytes) });
  return null;
}

export async function uploadFile(host: Host, file: File): Promise<Attachment> {
  const res = await request(host.base, 'POST', '/api/widget/attachments', { raw: file, token: host.token });
  return ((await res.json()) as { attachment: Attachment }).attachment;
}

const objectUrls = new Map<string, Promise<string>>();

function objectUrl(host: Host, id: string): Promise<string> {
  let url = objectUrls.get(id);
  if (!url) {
    url = request(host.base, 'GET', `/api/widget/attachments/${encodeURIComponent(id)}`, { token: host.token }).then(
      async (r) => URL.createObjectURL(await r.blob()),
    );
    url.catch(() => objectUrls.delete(id));
    objectUrls.set(id, url);
  }
  return url;
}

export function renderAttachment(host: Host, a: Attachment, imageLabel: string): HTMLElement {
  if (a.mime.startsWith('image/')) {
    const img = h('img', { class: 'thumb', alt: imageLabel });
    void objectUrl(host, a.id).then(
      (u) => (img.src = u),
      () => img.remove(),
    );
    return img;
  }
  const name = `document-${a.id.slice(0, 8)}.pdf`;
  const link = h(
    'a',
    { href: '#', download: name, rel: 'noopener' },
    host.t('chat.openPdf', { name: `PDF (${formatBytes(a.size)})` }),
  );
  void objectUrl(host, a.id).then(
    (u) => (link.href = u),
    () => undefined,
  );
  return h('div', {}, link);
}
