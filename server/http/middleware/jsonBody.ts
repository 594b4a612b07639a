import type { Middleware } from 'koa';
import { malformedJson, payloadTooLarge, unsupportedMediaType } from '../../errors.ts';
import { assertWellFormed } from '../../wellFormedText.ts';

/** Reads a JSON body into ctx.state.body: size-limited (413), JSON only (415), parsed or 400, its text well formed or 400 (wellFormedText.ts). */
export function jsonBody(opts: { limit: number }): Middleware {
  return async (ctx, next) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method)) return next();
    const declared = Number(ctx.get('Content-Length') || 0);
    if (declared > opts.limit) throw payloadTooLarge(opts.limit);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > opts.limit) {
        tooLarge = true;
        break;
      }
      chunks.push(chunk);
    }
    if (tooLarge) {
      // Drain the rest once the iterator has let go of the stream: a request left paused mid-body
      // stalls its keep-alive connection, and the client's next request on it hangs, then is reset.
      ctx.req.resume();
      throw payloadTooLarge(opts.limit);
    }
    if (size === 0) {
      ctx.state.body = undefined;
      return next();
    }
    if (!ctx.is('application/json')) throw unsupportedMediaType();
    try {
      ctx.state.body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    } catch {
      throw malformedJson();
    }
    assertWellFormed(ctx.state.body, '(body)');
    await next();
  };
}
