// Text the API accepts must be text PostgreSQL can store and every client can read back: no NUL
// (U+0000, which a text column refuses with 22021) and no unpaired UTF-16 surrogate (JSON's \ud800
// escapes make them; they are not characters). Checked once at the edge, on every string of a JSON
// body (keys included) and of the query string, so no route meets one.
import type { Middleware } from 'koa';
import { type Issue, validationFailed } from './errors.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string is not acceptable text, or null when it is. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate';
  return null;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The first string in a parsed JSON value (or query object) that is not acceptable text, by path. */
export function badTextIn(value: unknown, where: string, path = ''): Issue | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path: path || where, message: problem } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const issue = badTextIn(value[i], where, join(path, String(i)));
      if (issue) return issue;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem)
        return { path: path || where, message: `a field name ${keyProblem.replace('contains', 'that contains')}` };
      const issue = badTextIn(v, where, join(path, key));
      if (issue) return issue;
    }
  }
  return null;
}

/** Throws 400 validation_failed naming the field when the value holds text that is not acceptable. */
export function assertWellFormed(value: unknown, where: '(body)' | '(query)' | '(frame)'): void {
  const issue = badTextIn(value, where);
  if (issue) throw validationFailed([issue]);
}

/** The query string of every request, before any route reads it. */
export function wellFormedQuery(): Middleware {
  return async (ctx, next) => {
    if (ctx.querystring) assertWellFormed(ctx.query, '(query)');
    await next();
  };
}
