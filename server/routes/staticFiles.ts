// Built files (the widget bundle, the consoles' assets) served from disk with their precompressed
// twins: `name.br` and `name.gz` made at build time (web/build.ts) are sent to browsers that accept
// them, with `Vary: Accept-Encoding`. A file whose name carries a content hash (`app-3f9c2a1b.js`)
// never changes, so it is cached for a year; any other file briefly, revalidated by its ETag.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Context } from 'koa';

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
type Encoding = (typeof ENCODINGS)[number]['name'] | 'identity';

interface Variant {
  mtimeMs: number;
  size: number;
  body: Buffer;
}

export interface BuiltFile {
  /** of the uncompressed file: the same whichever encoding is sent */
  etag: string;
  variants: Partial<Record<Encoding, Variant>>;
}

/** A name with a content hash (8+ letters and digits, a digit among them) before its extension: `index-B3dE9xYz.js`, `app.3f9c2a1b.css`. */
export const isHashedName = (name: string) => /[.-](?=[A-Za-z_-]*\d)[A-Za-z0-9_]{8,}\.[a-z0-9]+$/.test(name);

const readVariant = (url: URL, before: Variant | undefined): Variant | undefined => {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(url);
  } catch {
    return undefined;
  }
  if (before && before.mtimeMs === stat.mtimeMs && before.size === stat.size) return before;
  return { mtimeMs: stat.mtimeMs, size: stat.size, body: fs.readFileSync(url) };
};

/** The file and its compressed twins, re-read only when one changed on disk (a rebuild while running is served). */
export function builtFileReader(url: URL): () => BuiltFile | null {
  let cached: BuiltFile | null = null;
  return () => {
    const plain = readVariant(url, cached?.variants.identity);
    if (!plain) return (cached = null);
    const etag =
      plain === cached?.variants.identity
        ? cached.etag
        : `"${createHash('sha256').update(plain.body).digest('base64url').slice(0, 27)}"`;
    const variants: BuiltFile['variants'] = { identity: plain };
    for (const e of ENCODINGS) {
      const v = readVariant(new URL(url.href + e.suffix), cached?.variants[e.name]);
      // A twin older than the file is from an earlier build: never send it.
      if (v && v.mtimeMs >= plain.mtimeMs - 1000) variants[e.name] = v;
    }
    cached = { etag, variants };
    return cached;
  };
}

/** Sends a built file: the best encoding the browser accepts, ETag, caching by name, 304 when fresh. */
export function sendBuilt(
  ctx: Context,
  file: BuiltFile,
  opts: { type: string; name: string; maxAgeSeconds?: number },
): void {
  ctx.status = 200;
  ctx.type = opts.type;
  ctx.vary('Accept-Encoding');
  ctx.set('ETag', file.etag);
  ctx.set(
    'Cache-Control',
    isHashedName(opts.name)
      ? 'public, max-age=31536000, immutable'
      : `public, max-age=${opts.maxAgeSeconds ?? 300}, must-revalidate`,
  );
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  // The smallest the browser takes: browsers list gzip before br, yet accept both alike.
  const encoding: Encoding =
    ENCODINGS.find((e) => file.variants[e.name] && ctx.acceptsEncodings(e.name) === e.name)?.name ?? 'identity';
  const variant = file.variants[encoding]!;
  if (encoding !== 'identity') ctx.set('Content-Encoding', encoding);
  ctx.body = variant.body;
}
