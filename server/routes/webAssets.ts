// The embeddable widget (GET /widget.js, built by `npm run build:web`), the demo bank page that
// embeds it (GET /demo) and the landing page (GET /): what a newcomer opens first.
import fs from 'node:fs';
import Router from '@koa/router';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import type { ChatService } from '../chat/service.ts';
import { AppError } from '../errors.ts';
import { builtFileReader, sendBuilt } from './staticFiles.ts';

const WIDGET = new URL('../../web/widget/dist/widget.js', import.meta.url);
const web = (p: string) => new URL(`../../web/${p}`, import.meta.url);
const PAGES: Record<string, { file: string; type: string }> = {
  '/demo/demo.css': { file: 'demo/demo.css', type: 'text/css; charset=utf-8' },
  '/home/home.css': { file: 'home/home.css', type: 'text/css; charset=utf-8' },
};

const widgetNotBuilt = () =>
  new AppError(503, 'widget_not_built', 'The widget is not built: run `npm run build:web` (npm start does it first).');

/**
 * The demo page loads /widget.js and talks to the API (HTTP and WebSocket) on this same origin; the
 * widget shows attachments through blob: URLs. The socket's origin is spelled out because not every
 * browser counts ws: under 'self'. It comes from PUBLIC_URL alone: a Host header is the client's to
 * choose, and copied into the policy it could add sources of its own.
 */
export function demoCsp(publicUrl: string): string {
  const url = new URL(publicUrl);
  const ws = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}`;
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ${ws}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}

/** The staff console's page, once a build of it is installed beside the widget. */
export const consoleInstalled = () =>
  fs.existsSync(web('console/index.html')) || fs.existsSync(web('console/dist/index.html'));

export function webAssetRoutes(deps: Infra, opts: { widgetFile?: URL; chat?: ChatService } = {}) {
  const router = new Router<AppState>();
  const widget = builtFileReader(opts.widgetFile ?? WIDGET);
  // The widget's voice input needs the page's permission for the microphone (the app denies it elsewhere).
  const voiceOffered = () => opts.chat?.consent.text('en').purposes.some((p) => p.id === 'voice_input') ?? false;

  router.get('/widget.js', (ctx) => {
    const file = widget();
    if (!file) throw widgetNotBuilt();
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin'); // banks' pages on other origins load it
    // Short: the URL never changes, so a new build must reach pages soon; the ETag makes it cheap.
    sendBuilt(ctx, file, { type: 'application/javascript; charset=utf-8', name: 'widget.js', maxAgeSeconds: 300 });
  });

  router.get('/demo', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', demoCsp(deps.config.publicUrl));
    if (voiceOffered()) ctx.set('Permissions-Policy', 'camera=(), microphone=(self), geolocation=(), payment=()');
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = fs.createReadStream(web('demo/index.html'));
  });

  router.get('/', (ctx) => {
    const html = fs.readFileSync(web('home/index.html'), 'utf8');
    const consoleLink = consoleInstalled()
      ? '<li><a href="/console">Staff console</a>: agents answer handed-off chats; admins and compliance officers work here.</li>'
      : '';
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = html.replace('<!--console-->', consoleLink);
  });

  for (const [path, page] of Object.entries(PAGES)) {
    router.get(path, (ctx) => {
      ctx.type = page.type;
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = fs.createReadStream(web(page.file));
    });
  }

  return router;
}
