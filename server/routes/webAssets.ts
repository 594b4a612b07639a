// The embeddable widget (GET /widget.js, built by `npm run build:web`) and the demo bank page
// that embeds it (GET /demo).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Router from '@koa/router';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { AppError } from '../errors.ts';

const WIDGET = new URL('../../web/widget/dist/widget.js', import.meta.url);
const DEMO = new URL('../../web/demo/index.html', import.meta.url);

const widgetNotBuilt = () => new AppError(503, 'widget_not_built', 'The widget is not built: run `npm run build:web` (npm start does it first).');

interface BuiltFile {
  mtimeMs: number;
  size: number;
  body: Buffer;
  etag: string;
}

/** The built file, re-read only when it changed on disk (a rebuild while running is served). */
function builtFileReader(url: URL): () => BuiltFile | null {
  let cached: BuiltFile | null = null;
  return () => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(url);
    } catch {
      return null;
    }
    if (!cached || cached.mtimeMs !== stat.mtimeMs || cached.size !== stat.size) {
      const body = fs.readFileSync(url);
      cached = { mtimeMs: stat.mtimeMs, size: stat.size, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return cached;
  };
}

/**
 * The demo page loads /widget.js and talks to the API (HTTP and WebSocket) on this same origin; the
 * widget shows attachments through blob: URLs. Spelled out because not every browser counts
 * ws: under 'self'.
 */
function demoCsp(host: string, secure: boolean): string {
  const ws = `${secure ? 'wss' : 'ws'}://${host}`;
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ${ws}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

export function webAssetRoutes(_deps: Infra, opts: { widgetFile?: URL } = {}) {
  const router = new Router<AppState>();
  const widget = builtFileReader(opts.widgetFile ?? WIDGET);

  router.get('/widget.js', (ctx) => {
    const file = widget();
    if (!file) throw widgetNotBuilt();
    ctx.status = 200;
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.set('ETag', file.etag);
    // Short: the URL never changes, so a new build must reach pages soon; the ETag makes it cheap.
    ctx.set('Cache-Control', 'public, max-age=300, must-revalidate');
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin'); // banks' pages on other origins load it
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = file.body;
  });

  router.get('/demo', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', demoCsp(ctx.host, ctx.protocol === 'https'));
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = fs.createReadStream(DEMO);
  });

  return router;
}
