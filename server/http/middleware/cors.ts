import type { Middleware } from 'koa';

/**
 * CORS only for the configured widget origins, and only for the widget's own API. Staff APIs are
 * same-origin: a browser on another origin never gets to read them.
 */
export function cors(opts: { origins: string[]; pathPrefixes: string[] }): Middleware {
  const allowed = new Set(opts.origins);
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    const applies = origin && allowed.has(origin) && opts.pathPrefixes.some((p) => ctx.path.startsWith(p));
    if (applies) {
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Credentials', 'false');
      if (ctx.method === 'OPTIONS') {
        ctx.set('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
        ctx.set('Access-Control-Allow-Headers', 'Content-Type, Authorization, Idempotency-Key, X-Request-Id');
        ctx.set('Access-Control-Max-Age', '600');
        ctx.status = 204;
        return;
      }
    }
    await next();
  };
}
