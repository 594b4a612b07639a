// Canned responses: agents and admins list (with fill-ins filled for the caller); admins create,
// edit and archive. See server/chat/canned.ts.
import Router from '@koa/router';
import { z } from 'zod';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import { archiveCanned, CannedInput, CannedQuery, createCanned, listCanned, updateCanned } from '../chat/canned.ts';
import type { Site } from '../chat/sites.ts';
import { validationFailed } from '../errors.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { transaction, txOf } from './transaction.ts';
import { validate, validateQuery } from './validate.ts';

const idParam = (v: unknown): string => {
  const parsed = z.uuid().safeParse(v);
  if (!parsed.success) throw validationFailed([{ path: 'id', message: 'must be a canned response id (uuid)' }]);
  return parsed.data;
};

export function cannedRoutes(deps: Infra, chat: { sites: Map<string, Site> }) {
  const router = new Router<AppState>({ prefix: '/api/canned' });
  const tx = transaction(deps.db.dataSource);
  const props = (ctx: { state: AppState }) => ({
    tx: txOf(ctx),
    actor: { type: 'staff' as const, id: ctx.state.staff!.userId },
    requestId: ctx.state.requestId,
    sites: chat.sites,
  });

  router.get(
    '/',
    staffAuth(deps),
    authorize(deps, 'read', 'CannedResponse'),
    validateQuery(CannedQuery),
    tx,
    async (ctx) => {
      ctx.body = { responses: await listCanned(props(ctx), ctx.state.query as CannedQuery) };
    },
  );

  // the sites and languages a response may be for (policies/sites.yaml), for the admin's form
  router.get('/sites', staffAuth(deps), authorize(deps, 'read', 'CannedResponse'), async (ctx) => {
    ctx.body = {
      sites: [...chat.sites.values()].map((s) => ({
        id: s.id,
        name: s.name,
        languages: s.languages,
        defaultLanguage: s.defaultLanguage,
      })),
    };
  });

  router.post(
    '/',
    staffAuth(deps),
    authorize(deps, 'create', 'CannedResponse'),
    validate(CannedInput),
    tx,
    async (ctx) => {
      ctx.status = 201;
      ctx.body = { response: await createCanned(props(ctx), ctx.state.input as CannedInput) };
    },
  );

  router.put(
    '/:id',
    staffAuth(deps),
    authorize(deps, 'update', 'CannedResponse'),
    validate(CannedInput),
    tx,
    async (ctx) => {
      ctx.body = { response: await updateCanned(props(ctx), idParam(ctx.params.id), ctx.state.input as CannedInput) };
    },
  );

  router.delete('/:id', staffAuth(deps), authorize(deps, 'update', 'CannedResponse'), tx, async (ctx) => {
    await archiveCanned(props(ctx), idParam(ctx.params.id));
    ctx.status = 204;
  });

  return router;
}
