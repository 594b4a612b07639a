// The metrics of one running server: the registry, the observers the services are given, and
// where they are served (server/metrics/access.ts says who may read them).
import type { Infra } from '../infra.ts';
import { auditStore } from '../audit/store.ts';
import type { ModelObserver } from '../models/service.ts';
import { readMetricsToken, startMetricsListener, type MetricsListener } from './access.ts';
import { gatewayObserver } from './gateway.ts';
import { createMetrics, type Metrics } from './registry.ts';

export { watchChat } from './chat.ts';
export { httpMetrics } from './http.ts';
export type { Metrics } from './registry.ts';

export interface ServerMetrics {
  metrics: Metrics;
  /** the bearer token /metrics asks for (METRICS_TOKEN_FILE), if any */
  token?: string;
  models: ModelObserver;
  sealPass(sealed: number, ok: boolean): void;
  /** the separate listener, when METRICS_LISTEN is set */
  listen(): Promise<MetricsListener | undefined>;
}

export function serverMetrics(infra: Infra): ServerMetrics {
  const { config, logger } = infra;
  const token = config.metrics.tokenFile ? readMetricsToken(config.metrics.tokenFile) : undefined;
  const metrics = createMetrics({ unsealed: () => auditStore.unsealedCount(infra.db.dataSource) });
  return {
    metrics,
    token,
    models: gatewayObserver(metrics),
    sealPass(sealed, ok) {
      metrics.audit.sealPasses.inc({ result: ok ? 'ok' : 'failed' });
      if (sealed) metrics.audit.sealed.inc(sealed);
    },
    listen: async () => {
      const at = config.metrics.listen;
      if (!at) {
        if (!token) logger.info('metrics.not_served', { reason: 'set METRICS_LISTEN or METRICS_TOKEN_FILE' });
        return undefined;
      }
      return startMetricsListener({ ...at, metrics, token, logger });
    },
  };
}
