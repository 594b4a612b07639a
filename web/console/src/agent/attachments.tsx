// The visitor's attachments in the transcript: images inline, other files as a download link. Each
// view or download is a read of personal data, so it goes through the audited agent API.
import type { TranscriptMessage } from '../../../../protocol/agent.ts';
import { formatNumber, t } from '../i18n.ts';

const kindOf = (mime: string) => mime.split('/')[1]?.toUpperCase() ?? mime;
const sizeOf = (bytes: number) =>
  bytes < 1024
    ? t('shift.bytes', { n: formatNumber(bytes) })
    : t('shift.kilobytes', { n: formatNumber(Math.ceil(bytes / 1024)) });

export function Attachments({ items }: { items: TranscriptMessage['attachments'] }) {
  if (items.length === 0) return null;
  return (
    <ul class="attachments" aria-label={t('shift.attachments', { n: items.length })}>
      {items.map((a, i) => {
        const url = `/api/agent/attachments/${encodeURIComponent(a.id)}`;
        const label = t('shift.attachmentOf', { n: i + 1, kind: kindOf(a.mime), size: sizeOf(a.size) });
        return (
          <li key={a.id} data-attachment={a.id}>
            {a.mime.startsWith('image/') ? (
              <a href={url} target="_blank" rel="noopener" aria-label={t('shift.openImage', { label })}>
                <img src={url} alt={t('shift.imageAlt', { label })} loading="lazy" />
              </a>
            ) : (
              <a href={url} download>
                {t('shift.download', { label })}
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
