import type { Middleware } from 'koa';
import type { z } from 'zod';
import { validationFailed } from '../errors.ts';

const toIssues = (error: z.ZodError, where: '(body)' | '(query)') =>
  // Messages only: echoing the offending value back could repeat personal data.
  error.issues.map((i) => ({ path: i.path.map(String).join('.') || where, message: i.message }));

/** What a validating middleware checks, read by the OpenAPI document (server/openapi/). */
export interface Validates {
  validates: { in: 'body' | 'query'; schema: z.ZodType };
}

export const validatesOf = (mw: unknown): Validates['validates'] | undefined =>
  (mw as Partial<Validates> | undefined)?.validates;

/** Parses ctx.state.body with the schema into ctx.state.input, or answers 400 validation_failed. */
export function validate<S extends z.ZodType>(schema: S): Middleware & Validates {
  return Object.assign(
    async (ctx: Parameters<Middleware>[0], next: () => Promise<unknown>) => {
      const parsed = schema.safeParse(ctx.state.body ?? {});
      if (!parsed.success) throw validationFailed(toIssues(parsed.error, '(body)'));
      ctx.state.input = parsed.data;
      await next();
    },
    { validates: { in: 'body' as const, schema } },
  );
}

/** Same for the query string, into ctx.state.query. */
export function validateQuery<S extends z.ZodType>(schema: S): Middleware & Validates {
  return Object.assign(
    async (ctx: Parameters<Middleware>[0], next: () => Promise<unknown>) => {
      const parsed = schema.safeParse(ctx.query);
      if (!parsed.success) throw validationFailed(toIssues(parsed.error, '(query)'));
      ctx.state.query = parsed.data;
      await next();
    },
    { validates: { in: 'query' as const, schema } },
  );
}
