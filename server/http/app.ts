import Koa from 'koa';
import type { AppDeps } from '../deps.ts';
import { agentRoutes } from '../routes/agent.ts';
import { auditRoutes } from '../routes/audit.ts';
import { authRoutes } from '../routes/auth.ts';
import { healthRoutes } from '../routes/health.ts';
import { kbRoutes } from '../routes/kb.ts';
import { openaiCompatRoutes } from '../routes/openaiCompat.ts';
import { privacyRoutes } from '../routes/privacy.ts';
import { privacyHoldRoutes } from '../routes/privacyHolds.ts';
import { setupRoutes } from '../routes/setup.ts';
import { userRoutes } from '../routes/users.ts';
import { webAssetRoutes } from '../routes/webAssets.ts';
import { widgetRoutes } from '../routes/widget.ts';
import type { AppState } from '../routes/context.ts';
import { cors } from './middleware/cors.ts';
import { errorHandler } from './middleware/errorHandler.ts';
import { jsonBody } from './middleware/jsonBody.ts';
import { requestId } from './middleware/requestId.ts';
import { securityHeaders } from './middleware/securityHeaders.ts';

export function createApp(deps: AppDeps, opts: { isDraining?: () => boolean } = {}): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.http.trustProxy });
  app.silent = true; // the error handler logs; Koa's default printer would print raw errors
  app.use(requestId());
  app.use(errorHandler(deps.logger));
  app.use(securityHeaders({ hsts: deps.config.publicUrl.startsWith('https:') }));
  app.use(cors({ origins: [...deps.config.http.widgetOrigins, ...(deps.chat?.corsOrigins() ?? [])], pathPrefixes: ['/api/widget/'] }));
  // Attachments are raw bytes, read (and size-capped per site) by their route.
  const json = jsonBody({ limit: deps.config.http.bodyLimitBytes });
  app.use((ctx, next) => (ctx.path === '/api/widget/attachments' ? next() : json(ctx, next)));
  const routers = [healthRoutes(deps, opts.isDraining ?? (() => false)), setupRoutes(deps), authRoutes(deps), userRoutes(deps), auditRoutes(deps), privacyRoutes(deps), privacyHoldRoutes(deps), kbRoutes(deps), openaiCompatRoutes(deps), agentRoutes(deps), webAssetRoutes(deps), widgetRoutes(deps)];
  for (const r of routers) app.use(r.routes()).use(r.allowedMethods());
  return app;
}
