import type { Middleware } from 'koa';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppState } from './context.ts';

/**
 * Runs the rest of the stack in one database transaction. The response is only sent after the
 * commit, so a client is never told "stored" about something that rolled back.
 */
export function transaction(dataSource: DataSource): Middleware<AppState> {
  return async (ctx, next) => {
    await dataSource.transaction(async (manager) => {
      ctx.state.tx = manager;
      try {
        await next();
      } finally {
        ctx.state.tx = undefined;
      }
    });
  };
}

export function txOf(ctx: { state: AppState }): EntityManager {
  if (!ctx.state.tx) throw new Error('route needs the transaction() middleware before it');
  return ctx.state.tx;
}
