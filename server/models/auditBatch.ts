// The writer of the gateway's `model.request` records: queued, group-committed, and never dropped
// for a failure the database recovers from.
//
// Why queued: a record's INSERT waited ~1.1 ms at p50 (6 ms at p99) on PGlite's connection, and a
// stream's end used to wait for it. That wait protected nothing: the answer's text had already
// reached the caller before the record was written, and a failed write rejected the record, so it
// was lost while the caller kept the answer. Now:
// - Records are queued and committed in batches, one multi-row INSERT each (a transaction by
//   itself); `append` resolves when its record is committed, for callers that want to wait.
// - A batch the database could not take (connection lost, database restarting, PGlite's thread
//   gone) stays queued and is retried with backoff until it commits.
// - While a batch is failing, or the queue is full, `writable()` is false: the gateway then asks no
//   model (the chat hands over to a person, /v1 answers 503 audit_unavailable), so no model call
//   goes unrecorded for longer than the database is away.
// - A record the database refuses as data (SQLSTATE classes 22 and 23: never true of a valid one)
//   is retried alone, so it cannot hold up the others, and if refused alone it is rejected and
//   logged by request id.
// - Readers of the audit log wait for `settled()` first, so a record whose stream has ended is
//   found by a search that starts after it; shutdown drains the queue.
import type { DataSource } from 'typeorm';
import { appendStandaloneAudit } from '../audit/append.ts';
import { AuditEventInput, type ParsedAuditEvent } from '../audit/event.ts';

export interface AuditBatcher {
  /** Queues the record; resolves once it is committed (rejects only for a record the database refuses as data). */
  append(event: AuditEventInput): Promise<void>;
  /** false while a batch is failing or the queue is full: new model calls are to be refused */
  writable(): boolean;
  /** resolves true once every record queued so far is committed (or refused), false at the timeout */
  settled(timeoutMs: number): Promise<boolean>;
  /** at shutdown: settles (up to the timeout), stops retrying, and says how many records were left unwritten */
  drain(timeoutMs?: number): Promise<number>;
}

export interface AuditBatcherOptions {
  maxBatch?: number;
  /** records queued beyond this: append refuses at once, and writable() is false */
  maxQueued?: number;
  /** first retry after a failed batch; doubles up to maxRetryMs */
  retryMs?: number;
  maxRetryMs?: number;
  /** ids and counts only */
  log?: (event: string, fields: Record<string, string | number | boolean | null>) => void;
}

interface Pending {
  event: ParsedAuditEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AuditQueueFull extends Error {
  override name = 'AuditQueueFull';
  constructor(max: number) {
    super(`the audit queue holds ${max} records not yet written`);
  }
}

/** SQLSTATE of a database error, through TypeORM's wrapper; undefined for a lost connection and the like. */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Refused for what the records hold (data exception, integrity constraint): retrying the same batch cannot help. */
const refusedAsData = (error: unknown) => /^2[23]/.test(sqlState(error) ?? '');

export function auditBatcher(dataSource: Pick<DataSource, 'query'>, opts: AuditBatcherOptions = {}): AuditBatcher {
  const maxBatch = opts.maxBatch ?? 500;
  const maxQueued = opts.maxQueued ?? 10_000;
  const retryMs = opts.retryMs ?? 100;
  const maxRetryMs = opts.maxRetryMs ?? 5_000;
  const log = opts.log ?? (() => undefined);
  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const settledWaiters = new Set<() => void>();

  const isSettled = () => queue.length === 0 && !flushing;
  const notifySettled = () => {
    if (!isSettled()) return;
    for (const wake of settledWaiters) wake();
    settledWaiters.clear();
  };

  /** Writes the batch: how many of its records, from the front, are done with (committed or refused), and whether to retry the rest. */
  async function write(batch: Pending[]): Promise<{ done: number; retry: boolean }> {
    try {
      await appendStandaloneAudit(
        dataSource,
        batch.map((p) => p.event),
      );
      for (const p of batch) p.resolve();
      return { done: batch.length, retry: false };
    } catch (error) {
      if (!refusedAsData(error)) {
        log('audit.model_request_retry', {
          records: batch.length,
          attempt: failures + 1,
          sqlState: sqlState(error) ?? null,
        });
        return { done: 0, retry: true };
      }
      if (batch.length > 1) {
        // One record the database refuses must not hold up the rest: each is tried alone.
        for (let i = 0; i < batch.length; i++) if ((await write([batch[i]!])).retry) return { done: i, retry: true };
        return { done: batch.length, retry: false };
      }
      log('audit.model_request_refused', {
        requestId: batch[0]!.event.requestId ?? null,
        sqlState: sqlState(error) ?? null,
      });
      batch[0]!.reject(error);
      return { done: 1, retry: false };
    }
  }

  async function flushAll(): Promise<void> {
    // One turn of the event loop first: requests finishing together join one batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0 && !stopped) {
      const { done, retry } = await write(queue.slice(0, maxBatch));
      // What is done leaves the queue; what came in meanwhile stays behind the rest.
      queue = queue.slice(done);
      if (retry) {
        failures += 1;
        return scheduleRetry();
      }
      if (failures > 0) log('audit.model_request_recovered', { afterAttempts: failures });
      failures = 0;
    }
  }

  function scheduleRetry() {
    if (stopped || retryTimer) return;
    const delay = Math.min(maxRetryMs, retryMs * 2 ** Math.min(failures - 1, 20));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      kick();
    }, delay);
  }

  function kick(): void {
    if (flushing || retryTimer || stopped) return;
    flushing = flushAll().finally(() => {
      flushing = undefined;
      if (queue.length > 0 && !retryTimer) kick();
      notifySettled();
    });
  }

  const settled = (timeoutMs: number) =>
    isSettled()
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const wake = () => (clearTimeout(timer), resolve(true));
          const timer = setTimeout(() => (settledWaiters.delete(wake), resolve(false)), timeoutMs);
          settledWaiters.add(wake);
        });

  return {
    append(event) {
      // A malformed event is refused alone here rather than failing the batch it would join.
      const parsed = AuditEventInput.safeParse(event);
      if (!parsed.success) return Promise.reject(parsed.error);
      if (queue.length >= maxQueued) return Promise.reject(new AuditQueueFull(maxQueued));
      return new Promise<void>((resolve, reject) => {
        queue.push({ event: parsed.data, resolve, reject });
        kick();
      });
    },
    writable: () => failures === 0 && queue.length < maxQueued,
    settled,
    async drain(timeoutMs = 10_000) {
      await settled(timeoutMs);
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await flushing;
      const left = queue.length;
      if (left > 0) log('audit.model_request_unwritten', { records: left });
      return left;
    },
  };
}
