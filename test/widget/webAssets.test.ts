// /widget.js before `npm run build:web`: a 503 that says what to run, not a crash or an empty 200.
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import Koa from 'koa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Infra } from '../../server/infra.ts';
import type { AppState } from '../../server/routes/context.ts';
import { errorHandler } from '../../server/http/middleware/errorHandler.ts';
import { createLogger } from '../../server/logger.ts';
import { webAssetRoutes } from '../../server/routes/webAssets.ts';

let url = '';
let close: () => void;

beforeAll(async () => {
  const app = new Koa<AppState>();
  app.use(errorHandler(createLogger({ level: 'error', stream: new PassThrough() })));
  const routes = webAssetRoutes({} as Infra, { widgetFile: new URL('file:///nonexistent/palisade/widget.js') });
  app.use(routes.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close?.());

it('answers 503 widget_not_built naming the build command when the bundle is missing', async () => {
  const res = await fetch(`${url}/widget.js`);
  expect(res.status).toBe(503);
  const body = (await res.json()) as { error: { id: string; message: string } };
  expect(body.error.id).toBe('widget_not_built');
  expect(body.error.message).toContain('npm run build:web');
});
