// The staff console (web/console, built into web/console/dist by `npm run build:web`) at /console:
// its hashed assets with their compressed twins, and index.html for every console path (the app
// routes in the browser). Beside it the few endpoints only the console needs: the egress ledger
// ("where data went") and the retention policy in force; and the step that tells the staff
// realtime channel when a data-subject request or a legal hold changed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { appendAudit } from '../audit/append.ts';
import { EgressQuery, egressByDay } from '../audit/egress.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import { AppError } from '../errors.ts';
import type { Infra } from '../infra.ts';
import { retentionPolicyOf } from '../privacy/jobs.ts';
import { publishStaffEvent } from '../staff/live.ts';
import type { AppState } from './context.ts';
import { builtFileReader, type BuiltFile, sendBuilt } from './staticFiles.ts';
import { transaction, txOf } from './transaction.ts';
import { validateQuery } from './validate.ts';
import { demoCsp } from './webAssets.ts';

const DIST = new URL('../../web/console/dist/', import.meta.url);
const TYPES: Record<string, string> = {
  js: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  json: 'application/json; charset=utf-8',
  woff2: 'font/woff2',
};
const notBuilt = () =>
  new AppError(
    503,
    'console_not_built',
    'The staff console is not built: run `npm run build:web` (npm start does it first).',
  );

/** After a successful change to a request or a hold, every console that may read it is told which one. */
export function publishPrivacyChanges(deps: Infra): Middleware<AppState> {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.status >= 300 || !ctx.path.startsWith('/api/privacy/')) return;
    const body = ctx.body as { request?: { id?: unknown }; hold?: { id?: unknown } } | undefined;
    if (typeof body?.request?.id === 'string' && ctx.path.startsWith('/api/privacy/requests'))
      publishStaffEvent(deps, { type: 'dsr.changed', id: body.request.id });
    if (typeof body?.hold?.id === 'string' && ctx.path.startsWith('/api/privacy/holds'))
      publishStaffEvent(deps, { type: 'hold.changed', id: body.hold.id });
  };
}

/** `locationOf`: where a routing target runs (the routing policy in force); null for one it no longer names. */
export function consoleRoutes(
  deps: Infra,
  opts: { dist?: URL; locationOf?: (target: string) => 'local' | 'cloud' | null } = {},
) {
  const router = new Router<AppState>();
  const dist = opts.dist ?? DIST;
  const readers = new Map<string, () => BuiltFile | null>();
  const reader = (name: string) => {
    let r = readers.get(name);
    if (!r) readers.set(name, (r = builtFileReader(new URL(name, dist))));
    return r;
  };
  const csp = demoCsp(deps.config.publicUrl);

  const page = (ctx: Parameters<Middleware<AppState>>[0]) => {
    const file = reader('index.html')();
    if (!file) throw notBuilt();
    ctx.set('Content-Security-Policy', csp);
    sendBuilt(ctx, file, { type: 'text/html; charset=utf-8', name: 'index.html', maxAgeSeconds: 0 });
    ctx.set('Cache-Control', 'no-cache');
  };

  router.get('/console/assets/:name', (ctx) => {
    const name = ctx.params.name ?? '';
    const ext = /^[A-Za-z0-9_.-]+\.([a-z0-9]+)$/.exec(name)?.[1];
    const type = ext ? TYPES[ext] : undefined;
    const file = type ? reader(`assets/${name}`)() : null;
    if (!file || !type) throw new AppError(404, 'not_found', 'No such console file.');
    sendBuilt(ctx, file, { type, name });
  });
  router.get(['/console', '/console/{*rest}'], (ctx) => page(ctx));

  const tx = transaction(deps.db.dataSource);
  router.get(
    '/api/staff/egress',
    staffAuth(deps),
    authorize(deps, 'read', 'AuditLog'),
    validateQuery(EgressQuery),
    tx,
    async (ctx) => {
      const q = ctx.state.query as EgressQuery;
      const located = (await egressByDay(txOf(ctx), q)).map((r) => ({
        ...r,
        location: opts.locationOf?.(r.target) ?? 'unknown',
      }));
      await appendAudit(txOf(ctx), {
        actor: { type: 'staff', id: ctx.state.staff!.userId },
        action: 'egress.read',
        resource: { type: 'AuditLog' },
        requestId: ctx.state.requestId,
        details: { returned: located.length },
      });
      ctx.body = { rows: located };
    },
  );

  router.get('/api/staff/retention-policy', staffAuth(deps), authorize(deps, 'read', 'RetentionRun'), (ctx) => {
    const policy = retentionPolicyOf(deps);
    const text = fs.readFileSync(policy.file, 'utf8');
    // The policy in force is the one read at start: a file edited since is said to differ, not passed off as it.
    ctx.body = {
      hash: policy.hash,
      text,
      changedOnDisk: createHash('sha256').update(text).digest('hex') !== policy.hash,
    };
  });

  return router;
}
