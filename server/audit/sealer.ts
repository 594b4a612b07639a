import type { Infra } from '../infra.ts';
import { startCheckpointer } from './checkpointer.ts';
import { sealAudit } from './seal.ts';
import { witnessKey } from './witness.ts';

/**
 * Seals new audit events every AUDIT_SEAL_INTERVAL_MS and writes signed checkpoints of the chain's
 * head outside the database (checkpointer.ts); one pass at a time, a last pass and checkpoint on stop.
 */
export async function startAuditSealer(
  deps: Infra,
  opts: { onPass?: (sealed: number, ok: boolean) => void } = {},
): Promise<{ stop(): Promise<void> }> {
  const checkpoints = await startCheckpointer({
    db: deps.db.dataSource,
    config: deps.config,
    key: witnessKey(deps.secrets.auditCheckpointKey),
    node: deps.nodeId,
    logger: deps.logger,
    now: deps.now,
  });
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = (final = false) =>
    (running = running.then(async () => {
      try {
        const n = await sealAudit(deps.db.dataSource, { skipIfBusy: true });
        if (n > 0) deps.logger.debug('audit.sealed', { events: n });
        opts.onPass?.(n, true);
        await checkpoints.afterPass(final);
      } catch (err) {
        // The events stay recorded; the next pass seals them. Only the chain link waits.
        deps.logger.warn('audit.seal_failed', { error: err });
        opts.onPass?.(0, false);
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
      await pass(true);
    },
  };
}
