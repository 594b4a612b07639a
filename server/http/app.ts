import Koa from 'koa';
import type { ChatService } from '../chat/service.ts';
import type { Infra } from '../infra.ts';
import type { ModelService } from '../models/service.ts';
import { httpMetrics, type ServerMetrics } from '../metrics/index.ts';
import { metricsRoutes } from '../routes/metrics.ts';
import { openapiRoutes } from '../routes/openapi.ts';
import { agentRoutes } from '../routes/agent.ts';
import { agentShiftRoutes } from '../routes/agentShift.ts';
import { apiKeyRoutes } from '../routes/apiKeys.ts';
import { auditRoutes } from '../routes/audit.ts';
import { cannedRoutes } from '../routes/canned.ts';
import { authRoutes } from '../routes/auth.ts';
import { consoleRoutes, publishPrivacyChanges } from '../routes/console.ts';
import { consoleEvidenceRoutes } from '../routes/consoleEvidence.ts';
import { healthRoutes } from '../routes/health.ts';
import { kbRoutes } from '../routes/kb.ts';
import { mfaRoutes } from '../routes/mfa.ts';
import { openaiCompatRoutes } from '../routes/openaiCompat.ts';
import { passwordLinkRoutes } from '../routes/passwordLinks.ts';
import { policyRoutes } from '../routes/policies.ts';
import type { PrivacyJobs } from '../privacy/jobs.ts';
import { systemRoutes } from '../routes/system.ts';
import { privacyRoutes } from '../routes/privacy.ts';
import { privacyHoldRoutes } from '../routes/privacyHolds.ts';
import { setupRoutes } from '../routes/setup.ts';
import { ssoRoutes } from '../routes/sso.ts';
import { supervisorRoutes } from '../routes/supervisor.ts';
import { userRoutes } from '../routes/users.ts';
import { webAssetRoutes } from '../routes/webAssets.ts';
import { widgetRoutes } from '../routes/widget.ts';
import type { AppState } from '../routes/context.ts';
import { cors } from './middleware/cors.ts';
import { errorHandler } from './middleware/errorHandler.ts';
import { jsonBody } from './middleware/jsonBody.ts';
import { requestId } from './middleware/requestId.ts';
import { securityHeaders } from './middleware/securityHeaders.ts';
import { wellFormedQuery } from '../wellFormedText.ts';

/** The services the routes call, built before the app. */
export interface AppServices {
  models: ModelService;
  chat: ChatService;
}

export function createApp(
  deps: Infra,
  services: AppServices,
  opts: { isDraining?: () => boolean; metrics?: ServerMetrics; privacyJobs?: Pick<PrivacyJobs, 'nextRunAt'> } = {},
): Koa<AppState> {
  const { models, chat } = services;
  const app = new Koa<AppState>({ proxy: deps.config.http.trustProxy });
  app.silent = true; // the error handler logs; Koa's default printer would print raw errors
  app.use(requestId());
  if (opts.metrics) app.use(httpMetrics(opts.metrics.metrics));
  app.use(errorHandler(deps.logger));
  app.use(securityHeaders({ hsts: deps.config.publicUrl.startsWith('https:') }));
  app.use(
    cors({ origins: [...deps.config.http.widgetOrigins, ...chat.corsOrigins()], pathPrefixes: ['/api/widget/'] }),
  );
  app.use(wellFormedQuery());
  // Attachments are raw bytes, read (and size-capped per site) by their route.
  const json = jsonBody({ limit: deps.config.http.bodyLimitBytes });
  app.use((ctx, next) => (ctx.path === '/api/widget/attachments' ? next() : json(ctx, next)));
  app.use(publishPrivacyChanges(deps));
  // one router per line: each area adds its own
  const routers = [
    healthRoutes(deps, models, opts.isDraining ?? (() => false)),
    setupRoutes(deps),
    authRoutes(deps),
    mfaRoutes(deps),
    ssoRoutes(deps),
    passwordLinkRoutes(deps),
    userRoutes(deps),
    apiKeyRoutes(deps, models),
    policyRoutes(deps, models),
    systemRoutes(deps, models, { nextRetentionRun: () => opts.privacyJobs?.nextRunAt() ?? null }),
    auditRoutes(deps, models),
    privacyRoutes(deps),
    privacyHoldRoutes(deps),
    kbRoutes(deps),
    openaiCompatRoutes(deps, models),
    agentRoutes(deps, chat),
    agentShiftRoutes(deps, chat),
    cannedRoutes(deps, chat),
    webAssetRoutes(deps, { chat }),
    consoleRoutes(deps, { locationOf: (t) => models.policy.current().targets[t]?.location ?? null }),
    consoleEvidenceRoutes(deps),
    supervisorRoutes(deps),
    widgetRoutes(deps, chat),
  ];
  if (opts.metrics) routers.push(metricsRoutes(opts.metrics.metrics, opts.metrics.token));
  routers.push(openapiRoutes(deps, () => routers));
  for (const r of routers) app.use(r.routes()).use(r.allowedMethods());
  return app;
}
