// A model call on the record from its start: a crash (kill -9, power loss) during a call must not
// leave a request the model received and the audit log never saw.
// - As an attempt starts on a target, a `model.request` event with details.outcome `started` is
//   queued (auditBatch.ts, like the record of the end), carrying the call's id and this node's.
// - The record of the end carries the same call id and node: it completes the start.
// - At a node's start, its calls with a start and no end get a `model.request` event with
//   details.outcome `interrupted` (outcome failure): audit rows are never changed, so the end is
//   appended. Their conversations are handed back to the reply jobs, so a visitor's message that
//   was being answered is answered without waiting for another.
// Scoped by node: nodes sharing a database leave each other's calls in flight alone.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { ModelRequestAudit } from '../../gateway/index.ts';
import { appendAudit } from '../audit/append.ts';
import type { AuditEventInput } from '../audit/event.ts';
import { unendedCallStarts } from './store.ts';

type Details = Record<string, string | number | boolean | null>;

export interface CallRecords {
  /** the gateway's attemptStarted hook: queues the start record (one per target the call tries) */
  started(event: ModelRequestAudit, details: Details): void;
  /** the details that tie the record of the end to its start ({} for a call no model was asked in) */
  ending(event: ModelRequestAudit): Details;
}

export function callRecords(opts: { node: string; append: (event: AuditEventInput) => void }): CallRecords {
  const calls = new WeakMap<ModelRequestAudit, { id: string; target: string | null }>();
  return {
    started(event, details) {
      const known = calls.get(event);
      if (known && known.target === event.targetId) return; // a retry on the same target: already on the record
      const call = known ?? { id: randomUUID(), target: null };
      call.target = event.targetId;
      calls.set(event, call);
      opts.append({
        actor: event.request.caller ?? { type: 'system', id: 'gateway' },
        action: 'model.request',
        outcome: 'success',
        requestId: event.request.requestId,
        details: {
          ...details,
          outcome: 'started',
          call: call.id,
          node: opts.node,
          conversationId: event.request.conversationId ?? null,
        },
      });
    },
    ending(event): Details {
      const call = calls.get(event);
      return call ? { call: call.id, node: opts.node } : {};
    },
  };
}

/**
 * Records this node's calls that started and never ended as interrupted; returns how many, and the
 * conversations (with the request that asked) whose answer they were.
 */
export async function recordInterruptedCalls(
  dataSource: DataSource,
  node: string,
): Promise<{ calls: number; conversations: { conversationId: string; requestId: string | null }[] }> {
  return dataSource.transaction(async (tx) => {
    const starts = await unendedCallStarts(tx, node);
    if (starts.length === 0) return { calls: 0, conversations: [] };
    await appendAudit(
      tx,
      ...starts.map((s) => ({
        actor: { type: s.actorType, id: s.actorId },
        action: 'model.request',
        outcome: 'failure' as const,
        ...(s.requestId ? { requestId: s.requestId } : {}),
        details: {
          outcome: 'interrupted',
          call: s.call,
          node,
          provider: s.details.provider ?? null,
          model: s.details.model ?? null,
          target: s.details.target ?? null,
          route: s.details.route ?? null,
          policyHash: s.details.policyHash ?? null,
          attempts: s.details.attempts ?? null,
          conversationId: s.details.conversationId ?? null,
        },
      })),
    );
    const conversations = new Map<string, string | null>();
    for (const s of starts)
      if (typeof s.details.conversationId === 'string') conversations.set(s.details.conversationId, s.requestId);
    return {
      calls: starts.length,
      conversations: [...conversations].map(([conversationId, requestId]) => ({ conversationId, requestId })),
    };
  });
}
