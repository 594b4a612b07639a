// Group commit for the gateway's `model.request` events. A model call holds no transaction, so each
// event would cost a transaction of its own; under load that commit (on PGlite's one connection,
// serialised) was the largest cost on the request path. Events that arrive while a batch commits
// wait for the next one: one multi-row INSERT, a transaction by itself (no BEGIN/COMMIT trips).
// Each caller's promise settles when its own event is committed (or its batch failed), so
// "audited before the answer ends" still holds.
import type { DataSource } from 'typeorm';
import { appendStandaloneAudit } from '../audit/append.ts';
import { AuditEventInput, type ParsedAuditEvent } from '../audit/event.ts';

export interface AuditBatcher {
  append(event: AuditEventInput): Promise<void>;
  /** resolves when every event handed in so far is committed (or failed) */
  drain(): Promise<void>;
}

interface Pending {
  event: ParsedAuditEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function auditBatcher(dataSource: Pick<DataSource, 'query'>, opts: { maxBatch?: number } = {}): AuditBatcher {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;

  async function flushAll(): Promise<void> {
    // One turn of the event loop first: requests finishing together join one batch (on PGlite a
    // transaction otherwise ends before any other request can queue, so every event went alone).
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await appendStandaloneAudit(dataSource, batch.map((p) => p.event));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  }

  const kick = () => {
    flushing ??= flushAll().finally(() => {
      flushing = undefined;
      if (queue.length > 0) kick();
    });
    return flushing;
  };

  return {
    append(event) {
      // A malformed event is refused alone here rather than failing the batch it would join.
      const parsed = AuditEventInput.safeParse(event);
      if (!parsed.success) return Promise.reject(parsed.error);
      return new Promise<void>((resolve, reject) => {
        queue.push({ event: parsed.data, resolve, reject });
        void kick();
      });
    },
    async drain() {
      while (flushing) await flushing;
    },
  };
}
