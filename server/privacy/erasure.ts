// Erasure of a data subject, resumable and exactly once. The job is a row in erasure_jobs with the
// index of its next step; each step runs in its own transaction that locks the job row, does its
// (idempotent) deletion, advances the step and writes its audit event. A crash between steps
// leaves the job `running`; resumeErasures() (at start-up, or `npx palisade dsr resume`) finishes
// it, and a step can never commit twice. The first step destroys the subject's secret in the key
// store (outside the database): from then on every copy of their ciphertext, database backups
// taken before the erasure included, is unreadable. The second deletes the wrapped key row.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { notFound } from '../errors.ts';
import type { PrivacyActor, PrivacyCtx } from './context.ts';
import { legalHoldActive } from './errors.ts';
import type { SubjectKeyStore } from './keyStore.ts';
import { subjectUnderHold } from './legalHolds.ts';
import { type ErasureReceipt, erasureStore, type JobRow, type SubjectTable } from './store/erasure.ts';
import { liveSubject } from './subjects.ts';

interface Step {
  name: string;
  run(tx: EntityManager, subjectId: string, env: { now: Date; keyStore: SubjectKeyStore }): Promise<number>;
}

const del =
  (table: SubjectTable): Step['run'] =>
  (tx, subjectId) =>
    erasureStore.deleteSubjectRows(tx, table, subjectId);

export const ERASURE_STEPS: readonly Step[] = [
  // Outside the database, so not rolled back with the step: a crash before the commit re-runs it and finds nothing left (0).
  { name: 'key_secret', run: async (_tx, subjectId, { keyStore }) => ((await keyStore.destroy(subjectId)) ? 1 : 0) },
  { name: 'subject_key', run: del('subject_keys') },
  { name: 'attachments', run: del('attachments') },
  { name: 'messages', run: del('messages') },
  { name: 'vaults', run: del('conversation_vaults') },
  { name: 'conversations', run: del('conversations') },
  { name: 'consents', run: del('consent_records') },
  // Requests stay as the record that the law was followed; only their (encrypted) free text goes.
  { name: 'request_details', run: (tx, s) => erasureStore.clearRequestDetails(tx, s) },
  // Unlinks the pseudonym: audit rows keep `sub_…` and still verify, but nothing maps it to a person.
  { name: 'identifiers', run: del('subject_identifiers') },
];

export type { ErasureReceipt };

export interface ErasureRunner {
  dataSource: DataSource;
  now: () => Date;
  keyStore: SubjectKeyStore;
  /** called after each committed step; a test throws here to simulate a crash. */
  afterStep?: (step: string, index: number) => void | Promise<void>;
}

/** Opens the job (refused under a legal hold; run it in privacyTransaction so the refusal is recorded); run it with runErasureJob. */
export async function startErasure(ctx: PrivacyCtx, subjectId: string, dsrId?: string): Promise<string> {
  await liveSubject(ctx, subjectId);
  if (await subjectUnderHold(ctx, subjectId)) throw legalHoldActive();
  const running = await erasureStore.runningJobOf(ctx.tx, subjectId);
  if (running) return running;
  const id = randomUUID();
  await erasureStore.insertJob(ctx.tx, {
    id,
    subjectId,
    dsrId: dsrId ?? null,
    actor: `${ctx.actor.type}:${ctx.actor.id}`,
    now: ctx.now,
  });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'erasure.start',
    subjectId,
    resource: { type: 'ErasureJob', id },
    requestId: ctx.requestId,
    details: { dsrId: dsrId ?? null, steps: ERASURE_STEPS.length },
  });
  return id;
}

function actorOf(job: JobRow): PrivacyActor {
  const [type, ...rest] = job.actor.split(':');
  return { type: type === 'staff' || type === 'visitor' ? type : 'system', id: rest.join(':') || 'erasure' };
}

/** Runs (or continues) a job to the end; returns the receipt. Safe to call from several nodes at once. */
export async function runErasureJob(runner: ErasureRunner, jobId: string): Promise<ErasureReceipt> {
  for (;;) {
    const outcome = await runner.dataSource.transaction(
      async (tx): Promise<{ done: ErasureReceipt } | { step: string; index: number }> => {
        const job = await erasureStore.lockJob(tx, jobId);
        if (!job) throw notFound('erasure job');
        if (job.status === 'done') return { done: job.receipt! };
        const now = runner.now();
        const actor = actorOf(job);
        const step = ERASURE_STEPS[job.step];
        if (!step) return { done: await finish(tx, job, now, actor) };
        if (job.step === 0 && (await subjectUnderHold({ tx, now }, job.subjectId))) throw legalHoldActive();
        const rows = await step.run(tx, job.subjectId, { now, keyStore: runner.keyStore });
        await erasureStore.advance(tx, jobId, step.name, rows);
        await appendAudit(tx, {
          actor,
          action: 'erasure.step',
          subjectId: job.subjectId,
          resource: { type: 'ErasureJob', id: jobId },
          details: { step: step.name, index: job.step, rows },
        });
        return { step: step.name, index: job.step };
      },
    );
    if ('done' in outcome) return outcome.done;
    await runner.afterStep?.(outcome.step, outcome.index);
  }
}

async function finish(tx: EntityManager, job: JobRow, now: Date, actor: PrivacyActor): Promise<ErasureReceipt> {
  const receipt: ErasureReceipt = {
    jobId: job.id,
    subjectId: job.subjectId,
    requestId: job.dsrId,
    startedAt: new Date(job.startedAt).toISOString(),
    completedAt: now.toISOString(),
    erased: job.counts,
    keyDestroyed: (job.counts.key_secret ?? 0) + (job.counts.subject_key ?? 0) > 0,
  };
  await erasureStore.markSubjectErased(tx, job.subjectId, now);
  await erasureStore.finishJob(tx, job.id, now, receipt);
  const details: Record<string, number | string | null> = { jobId: job.id, dsrId: job.dsrId };
  for (const [k, v] of Object.entries(job.counts))
    details[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  await appendAudit(tx, {
    actor,
    action: 'subject.erased',
    subjectId: job.subjectId,
    resource: { type: 'DataSubject', id: job.subjectId },
    details,
  });
  if (job.dsrId) {
    await erasureStore.completeRequest(tx, job.dsrId, now, receipt);
    await appendAudit(tx, {
      actor,
      action: 'dsr.complete',
      subjectId: job.subjectId,
      resource: { type: 'SubjectRequest', id: job.dsrId },
      details: { type: 'erasure' },
    });
  }
  return receipt;
}

/** Finishes every erasure a crash left half-done. Returns how many it completed. */
export async function resumeErasures(runner: ErasureRunner): Promise<number> {
  const jobs = await erasureStore.runningJobs(runner.dataSource);
  for (const job of jobs) await runErasureJob(runner, job);
  return jobs.length;
}

export async function erasureReceipt(tx: EntityManager, jobId: string): Promise<ErasureReceipt | null> {
  const receipt = await erasureStore.receipt(tx, jobId);
  if (receipt === undefined) throw notFound('erasure job');
  return receipt;
}
