import type { Infra } from '../infra.ts';
import { sealAudit } from './seal.ts';

/** Seals new audit events every AUDIT_SEAL_INTERVAL_MS; one pass at a time, a last pass on stop. */
export function startAuditSealer(deps: Infra): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () =>
    (running = running.then(async () => {
      try {
        const n = await sealAudit(deps.db.dataSource, { skipIfBusy: true });
        if (n > 0) deps.logger.debug('audit.sealed', { events: n });
      } catch (err) {
        // The events stay recorded; the next pass seals them. Only the chain link waits.
        deps.logger.warn('audit.seal_failed', { error: err });
      }
    }));
  const timer = setInterval(() => {
    if (!stopped) void pass();
  }, deps.config.audit.sealIntervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await pass();
    },
  };
}
