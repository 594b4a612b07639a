// Files a visitor attaches: read raw (never through the JSON parser), size-capped while reading,
// typed by their first bytes (the declared Content-Type must agree), stored encrypted and audited.
// They are never sent to a model: the model sees only "[attachment: image/png]".
import type http from 'node:http';
import { AppError, notFound } from '../errors.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { readAttachment } from '../privacy/conversations.ts';
import type { AttachmentType, Site } from './sites.ts';
import { attachmentOwnedBy } from './store/attachments.ts';

export const attachmentTooLarge = (limit: number) =>
  new AppError(413, 'attachment_too_large', `An attachment may have at most ${limit} bytes.`);
export const attachmentType = (allowed: readonly string[]) =>
  new AppError(
    415,
    'attachment_type',
    `The file's content must be one of ${allowed.join(', ')}, and Content-Type must name it.`,
  );

const startsWith = (b: Uint8Array, bytes: number[], at = 0) => bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** What the content is, from its magic bytes; undefined when it is none of the accepted types. */
export function sniff(b: Uint8Array): AttachmentType | undefined {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(b, ascii('%PDF-'))) return 'application/pdf';
  return undefined;
}

/** Reads the body up to the site's limit: 413 attachment_too_large past it (declared or actual). */
export async function readUpload(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    throw attachmentTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume(); // drain, so the keep-alive connection stays usable
      throw attachmentTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The accepted type of an upload, or 415 attachment_type. */
export function checkUpload(site: Site, declared: string | undefined, content: Buffer): AttachmentType {
  const mime = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  const found = sniff(content);
  if (!found || found !== mime || !site.attachments.types.includes(found)) throw attachmentType(site.attachments.types);
  return found;
}

/** A visitor's own attachment, opened (an audited read); another subject's is not found. */
export async function readVisitorAttachment(
  ctx: PrivacyCtx,
  attachmentId: string,
  subjectId: string,
): Promise<{ mime: string; content: Buffer }> {
  if (!(await attachmentOwnedBy(ctx.tx, attachmentId, subjectId))) throw notFound('attachment');
  return readAttachment(ctx, attachmentId);
}
