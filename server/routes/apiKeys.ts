// Admin API for the keys of the OpenAI-compatible endpoint: list (never a key, only its prefix),
// create (the key is in this one response only), revoke. The same service as `palisade api-key`.
import Router from '@koa/router';
import { z } from 'zod';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import { notFound, validationFailed } from '../errors.ts';
import type { Infra } from '../infra.ts';
import type { ModelService } from '../models/service.ts';
import { CreateApiKey, createApiKey, listApiKeys, revokeApiKey } from '../models/apiKeys.ts';
import type { AppState } from './context.ts';
import { transaction, txOf } from './transaction.ts';
import { validate } from './validate.ts';

export function apiKeyRoutes(deps: Infra, models: Pick<ModelService, 'apiKeys'>) {
  const router = new Router<AppState>({ prefix: '/api/keys' });
  const tx = transaction(deps.db.dataSource);
  const actorOf = (state: AppState) => ({ type: 'staff' as const, id: state.staff!.userId });

  router.get('/', staffAuth(deps), authorize(deps, 'read', 'ApiKey'), tx, async (ctx) => {
    // the per-key limits on /v1 are the same for every key (0: none)
    ctx.body = { keys: await listApiKeys(txOf(ctx)), limits: deps.config.apiKeyLimits };
  });

  router.post(
    '/',
    staffAuth(deps),
    authorize(deps, 'create', 'ApiKey'),
    validate(CreateApiKey.strict()),
    tx,
    async (ctx) => {
      const { key, apiKey } = await createApiKey({
        tx: txOf(ctx),
        actor: actorOf(ctx.state),
        input: ctx.state.input as CreateApiKey,
        requestId: ctx.state.requestId,
      });
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { key, apiKey };
    },
  );

  router.post('/:id/revoke', staffAuth(deps), authorize(deps, 'update', 'ApiKey'), tx, async (ctx) => {
    const id = z.uuid().safeParse(ctx.params.id);
    if (!id.success) throw validationFailed([{ path: 'id', message: 'must be an API key id (uuid)' }]);
    const row = await revokeApiKey({
      tx: txOf(ctx),
      actor: actorOf(ctx.state),
      id: id.data,
      requestId: ctx.state.requestId,
    });
    if (!row) throw notFound('API key');
    // this node forgets at once; other nodes within the verifier's cache time
    models.apiKeys.forget();
    ctx.body = { apiKey: row };
  });

  return router;
}
