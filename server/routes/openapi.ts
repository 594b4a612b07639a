// GET /openapi.json and GET /api/docs: the API document, built once from the app's routers on the
// first request (every router is mounted by then, this one included).
import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import KoaRouter from '@koa/router';
import type { Infra } from '../infra.ts';
import { buildOpenApi, type OpenApiDocument } from '../openapi/document.ts';
import { renderApiPage } from '../openapi/page.ts';
import type { AppState } from './context.ts';

/** package.json's version, from the source tree or the build folder beside it. */
export function packageVersion(): string {
  for (let dir = import.meta.dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg))
      return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

export function openapiRoutes(deps: Infra, routers: () => Router[]) {
  const router = new KoaRouter<AppState>();
  let doc: OpenApiDocument | undefined;
  const document = () =>
    (doc ??= buildOpenApi(routers(), { version: packageVersion(), serverUrl: deps.config.publicUrl }));
  router.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = document();
  });
  router.get('/api/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = renderApiPage(document());
  });
  return router;
}
