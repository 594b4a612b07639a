import fs from 'node:fs';
import Router from '@koa/router';
import { hashPassword } from '../auth/passwords.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { validate } from './validate.ts';
import { CompleteSetup } from '../staff/schemas.ts';
import { completeSetup, invalidSetupToken, setupTokenLooksValid } from '../staff/setup.ts';
import { presentUser } from '../staff/users.ts';
import { consoleInstalled } from './webAssets.ts';

const page = (name: string) => new URL(`../../web/setup/${name}`, import.meta.url);

export function setupRoutes(deps: Infra) {
  const router = new Router<AppState>();

  router.get('/setup', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    // The next step after success: the staff console when it is installed.
    ctx.body = fs
      .readFileSync(page('index.html'), 'utf8')
      .replace('data-console="no"', `data-console="${consoleInstalled() ? 'yes' : 'no'}"`);
  });
  router.get('/setup/setup.js', (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = fs.createReadStream(page('setup.js'));
  });
  router.get('/setup/setup.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = fs.createReadStream(page('setup.css'));
  });

  router.get('/favicon.ico', (ctx) => {
    ctx.status = 204; // no icon yet; answering keeps browsers from logging a 404 on every page
  });

  router.post('/api/setup', validate(CompleteSetup), async (ctx) => {
    const input = ctx.state.input as CompleteSetup;
    if (!(await setupTokenLooksValid(deps, input.token))) throw invalidSetupToken();
    const passwordHash = await hashPassword(input.password, deps.config.auth.bcryptCost);
    const admin = await deps.db.dataSource.transaction((tx) =>
      completeSetup({
        tx,
        deps,
        token: input.token,
        requestId: ctx.state.requestId,
        admin: { email: input.email, displayName: input.displayName, passwordHash },
      }),
    );
    ctx.status = 201;
    ctx.body = { user: presentUser(admin) };
  });

  return router;
}
