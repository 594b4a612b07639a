// The AI's answer to a conversation, one job at a time per conversation (a promise chain; messages
// that arrive meanwhile are answered together by the next run). No transaction is open while the
// knowledge base is searched or the gateway runs: PGlite has one connection, and the gateway opens
// its own short ones for the conversation's vault.
import { randomUUID } from 'node:crypto';
import { ProviderError, RequestCancelled, isUnknownText } from '../../gateway/index.ts';
import { VaultConflict } from '../../gateway/redaction/index.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { cloudAllowed } from './consent.ts';
import { asLang, findSources, systemPrompt, toModelMessages } from './prompt.ts';
import {
  ASSISTANT,
  type ChatEnv,
  chatTransaction,
  type HandoffOutcome,
  handOffIn,
  publishHandoff,
  publishMessages,
} from './env.ts';
import type { HandoffReason } from './handoff.ts';
import { loadConversation, storeNotice } from './messages.ts';
import { answerToOffer, noThanksReply } from './offer.ts';
import type { ConversationRow, MessageMeta, MessageRow } from './present.ts';
import { conversationProgress } from './store/conversations.ts';
import { shareReply } from './streaming.ts';
import { flushTurnAudits, lockTurn, readTurnTranscript, storeAnswer } from './turn.ts';

/** A reply nobody is listening to is stopped after this long (the visitor's message stays queued for the next run). */
export const UNWATCHED_ABORT_MS = 30_000;
/** Runs again after a database-unavailable failure, backing off 0.5, 1, 2, 4, 8 s. */
const REPLY_BUSY_RETRIES = 5;

/** What the send's transaction already read for the answer (the first run of a new job uses it). */
export interface ReplySnapshot {
  conversation: ConversationRow;
  messages: MessageRow[];
  cloud: boolean;
  /** the subject's data key, opened by the turn that read the transcript (the answer is sealed under it) */
  key: Uint8Array;
  /** the conversation had a redaction vault when the transcript was read (none: the gateway loads none) */
  hasVault: boolean;
  /** carried over a run (see `continues`): checked against the conversation's row before use */
  carried?: boolean;
}

export interface Replies {
  /** answers the conversation soon; never waits for the model */
  schedule(conversationId: string, requestId?: string, snapshot?: ReplySnapshot): void;
  /** resolves when no job is running (tests, shutdown) */
  idle(): Promise<void>;
  running(): number;
  close(): Promise<void>;
}

interface Job {
  again: boolean;
  /** the newest send's snapshot since the run began: the next run may use it (see `continues`) */
  snapshot?: ReplySnapshot;
  done: Promise<void>;
  controller?: AbortController;
}

export function createReplies(env: ChatEnv): Replies {
  const jobs = new Map<string, Job>();
  let closed = false;
  const log = env.deps.logger;

  const schedule = (conversationId: string, requestId?: string, snapshot?: ReplySnapshot) => {
    if (closed) return;
    const existing = jobs.get(conversationId);
    if (existing) {
      existing.again = true;
      if (snapshot && snapshot.conversation.lastSeq > (existing.snapshot?.conversation.lastSeq ?? 0))
        existing.snapshot = snapshot;
      return;
    }
    const job: Job = { again: true, done: Promise.resolve(), ...(snapshot ? { snapshot } : {}) };
    jobs.set(conversationId, job);
    job.done = (async () => {
      let busyRetries = 0;
      while (job.again && !closed) {
        job.again = false;
        const given = job.snapshot;
        job.snapshot = undefined;
        try {
          const stored = await answer(env, conversationId, job, requestId, given);
          // A send during this run read the transcript before this answer was stored: the next
          // run may use its snapshot only with the answer added and no message missing between.
          job.snapshot = stored && job.snapshot ? continues(job.snapshot, stored) : undefined;
          busyRetries = 0;
        } catch (error) {
          // A saturated or briefly unreachable database must not leave the visitor's message
          // unanswered: the job runs again after a backoff (the answer is not stored twice: a run
          // answers only visitor messages newer than every answer).
          job.snapshot = undefined; // the next run reads afresh
          // A vault saved meanwhile by another writer: the next run starts from the stored one.
          const busy =
            (isDatabaseUnavailable(error) || error instanceof VaultConflict) && busyRetries < REPLY_BUSY_RETRIES;
          log.error('chat.reply_failed', {
            conversationId,
            ...(requestId ? { requestId } : {}),
            error: error instanceof Error ? error.name : 'unknown',
            retry: busy,
          });
          if (busy) {
            await new Promise((r) => setTimeout(r, 500 * 2 ** busyRetries++));
            job.again = true;
          }
        }
      }
      jobs.delete(conversationId);
    })();
  };

  return {
    schedule,
    async idle() {
      while (jobs.size) await Promise.all([...jobs.values()].map((j) => j.done));
    },
    running: () => jobs.size,
    async close() {
      closed = true;
      for (const j of jobs.values()) j.controller?.abort();
      await Promise.all([...jobs.values()].map((j) => j.done));
    },
  };
}

type Prepared = { kind: 'skip' } | { kind: 'handoff'; outcome: HandoffOutcome } | ({ kind: 'answer' } & ReplySnapshot);

async function prepare(env: ChatEnv, conversationId: string, requestId?: string): Promise<Prepared> {
  return chatTransaction(
    env,
    ASSISTANT,
    'chat.reply',
    async (ctx): Promise<Prepared> => {
      // Nothing is read for a conversation the AI no longer answers (a person's, or closed).
      if (!answeredByAi((await lockTurn(ctx, conversationId)).conversation)) return { kind: 'skip' };
      const turn = await lockTurn(ctx, conversationId, { consents: true, transcript: true });
      const { conversation, consents } = turn;
      if (!consents!.ai_local) {
        await flushTurnAudits(ctx, turn);
        return { kind: 'handoff', outcome: await handOffIn(env, ctx, conversation, 'no_ai_consent') };
      }
      const messages = await readTurnTranscript(ctx, turn, { purpose: 'ai_answer', actor: ctx.actor });
      await flushTurnAudits(ctx, turn);
      if (!awaitsAnswer(messages)) return { kind: 'skip' };
      return {
        kind: 'answer',
        conversation,
        messages,
        cloud: cloudAllowed(consents!),
        key: turn.key,
        hasVault: turn.hasVault,
      };
    },
    requestId,
  );
}

/**
 * The snapshot with this run's stored answer added, when that makes it the whole transcript: the
 * answer is in it already, or is the very next message after it. Otherwise (a notice, an agent's
 * message between) undefined, and the next run reads the transcript again.
 */
export function continues(snapshot: ReplySnapshot, answer: MessageRow): ReplySnapshot | undefined {
  // The run may have made the conversation's vault: the next one loads it whatever the snapshot said.
  if (snapshot.messages.some((m) => m.id === answer.id)) return { ...snapshot, carried: true, hasVault: true };
  if (answer.seq !== snapshot.conversation.lastSeq + 1) return undefined;
  return {
    ...snapshot,
    carried: true,
    hasVault: true,
    conversation: { ...snapshot.conversation, lastSeq: answer.seq },
    messages: [...snapshot.messages, answer],
  };
}

/** A carried snapshot is still the whole, current transcript: nothing newer stored, still the AI's to answer. */
async function current(env: ChatEnv, snapshot: ReplySnapshot): Promise<boolean> {
  const row = await conversationProgress(env.deps.db.dataSource, snapshot.conversation.id);
  return !!row && answeredByAi(row) && row.lastSeq === snapshot.conversation.lastSeq;
}

/** Open and not taken by a person: the AI answers it. */
export const answeredByAi = (c: Pick<ConversationRow, 'status' | 'mode'>): boolean =>
  c.status === 'open' && c.mode === 'ai';

/**
 * Whether a visitor message is newer than every answer. An AI answer covers the visitor messages its
 * prompt held (meta.answers), not every message before it was stored: one sent while it streamed
 * still waits. An agent's reply covers everything before it.
 */
export function awaitsAnswer(messages: MessageRow[]): boolean {
  let lastVisitor = 0;
  let answered = 0;
  for (const m of messages) {
    if (m.role === 'visitor') lastVisitor = Math.max(lastVisitor, m.seq);
    if (m.role === 'agent') answered = Math.max(answered, m.seq);
    if (m.role === 'assistant') answered = Math.max(answered, m.meta.answers ?? m.seq);
  }
  return lastVisitor > answered;
}

/** Answers the conversation; returns the stored answer (null when none was stored). */
async function answer(
  env: ChatEnv,
  conversationId: string,
  job: Job,
  requestId?: string,
  snapshot?: ReplySnapshot,
): Promise<MessageRow | null> {
  const usable = snapshot && (!snapshot.carried || (await current(env, snapshot)));
  const prepared: Prepared = usable ? { kind: 'answer', ...snapshot } : await prepare(env, conversationId, requestId);
  if (prepared.kind === 'skip') return null;
  if (prepared.kind === 'handoff') {
    publishHandoff(env, prepared.outcome);
    return null;
  }
  if (!awaitsAnswer(prepared.messages)) return null;
  const { conversation, messages, cloud } = prepared;
  const site = env.sites.get(conversation.site);
  const visitorMessages = messages.filter((m) => m.role === 'visitor');
  const lastVisitor = visitorMessages.at(-1)!;
  const offer = answerToOffer(messages);
  if (offer) return answerOffer(env, prepared, offer, requestId);
  const sources = await findSources(env, lastVisitor.text, conversation.language, visitorMessages.at(-2)?.text);

  const controller = new AbortController();
  job.controller = controller;
  const watch = watchListeners(env, conversationId, controller);
  const replyId = randomUUID();
  const shared = shareReply(env, conversationId, replyId, prepared.key);
  let started = false;
  let text = '';
  const meta: MessageMeta = {
    sources: sources.map(({ articleId, title }) => ({ articleId, title })),
    answers: lastVisitor.seq,
  };
  let outcome: { kind: 'answered' } | { kind: 'handoff'; reason: HandoffReason } | { kind: 'cancelled' } = {
    kind: 'cancelled',
  };
  env.hub.publish(conversationId, { type: 'typing', by: 'assistant' });
  try {
    const lang = asLang(conversation.language);
    const events = env.gateway.chat({
      // The system prompt is the site's name and public knowledge-base passages: no redaction needed.
      instructions: systemPrompt(site?.name ?? conversation.site, sources, conversation.language),
      messages: toModelMessages(messages),
      conversationId,
      noVaultYet: !prepared.hasVault,
      cloudAllowed: cloud,
      site: conversation.site,
      sensitivity: site?.sensitivity ?? 'normal',
      ...(lang ? { lang } : {}),
      signal: controller.signal,
      requestId,
      caller: { type: 'visitor', id: conversation.subjectId },
    });
    for await (const e of events) {
      if (e.type === 'route') meta.route = e.decision.action;
      if (e.type === 'target') Object.assign(meta, { provider: e.provider, target: e.targetId });
      if (e.type === 'delta' && e.text) {
        if (!started) env.hub.publish(conversationId, { type: 'reply_start', replyId });
        started = true;
        text += e.text;
        env.hub.publish(conversationId, { type: 'delta', replyId, text: e.text });
        shared.piece(e.text);
      }
      if (e.type === 'end') {
        // No model could be asked (or none may be while the audit record cannot be written): the AI failed, a person answers.
        const failed =
          e.reason?.startsWith('all_targets_failed') ||
          e.reason === 'no_target_available' ||
          e.reason === 'audit_unavailable';
        outcome =
          e.outcome === 'answered'
            ? { kind: 'answered' }
            : { kind: 'handoff', reason: failed ? 'model_failed' : 'policy' };
        // Agents see in the transcript that this answer is the fallback's, and why.
        if (e.fallback) meta.fallback = { from: e.fallback.from, failure: e.fallback.failure, cause: e.fallback.cause };
      }
    }
  } catch (error) {
    if (!(error instanceof RequestCancelled) && !(error instanceof ProviderError)) throw error;
    outcome =
      error instanceof RequestCancelled || controller.signal.aborted
        ? { kind: 'cancelled' }
        : { kind: 'handoff', reason: 'model_failed' };
  } finally {
    clearInterval(watch);
    job.controller = undefined;
    shared.end(); // the answer is committed or dropped next: either reaches other nodes' visitors
  }

  if (outcome.kind === 'answered' && text) {
    // "I don't know" offers a person instead of sources: whatever the search found did not answer.
    if (isUnknownText(text)) Object.assign(meta, { sources: [], offer: 'handoff' });
    // The extractive answer is one passage word for word: its article is the one source.
    else if (meta.provider === 'extractive') meta.sources = meta.sources?.slice(0, 1);
    // A person may have taken the conversation while the answer streamed: then the AI's answer is
    // dropped (the widget removes its bubble at reply_end), never stored after the handoff.
    const stored = await storeAnswer(env.deps.db.dataSource, {
      conversationId,
      key: prepared.key,
      id: replyId,
      text,
      meta,
      now: env.deps.now(),
      actor: ASSISTANT,
      requestId,
    });
    env.hub.publish(
      conversationId,
      stored ? { type: 'reply_end', replyId } : { type: 'reply_end', replyId, dropped: true },
    );
    if (stored) publishMessages(env, conversationId, [stored]);
    return stored;
  }
  if (started) env.hub.publish(conversationId, { type: 'reply_end', replyId, dropped: true });
  // Nobody was listening (or the server is stopping): the visitor's message stays and is answered next time.
  if (outcome.kind === 'cancelled') return null;
  const reason = outcome.kind === 'handoff' ? outcome.reason : 'model_failed';
  const result = await chatTransaction(
    env,
    ASSISTANT,
    'chat.handoff',
    async (ctx) => {
      const current = await loadConversation(ctx, conversationId, true);
      const notice = await storeNotice(ctx, current, reason === 'model_failed' ? 'model_failed' : 'handoff');
      const handed = await handOffIn(env, ctx, current, reason);
      return { ...handed, messages: [notice.message, ...handed.messages] };
    },
    requestId,
  );
  publishHandoff(env, result);
  return null;
}

/** The visitor's yes or no to the offer of a person: a handoff, or a short acknowledgement (no model asked). */
async function answerOffer(
  env: ChatEnv,
  prepared: ReplySnapshot,
  answer: 'yes' | 'no',
  requestId?: string,
): Promise<MessageRow | null> {
  const { conversation } = prepared;
  if (answer === 'yes') {
    const outcome = await chatTransaction(
      env,
      ASSISTANT,
      'chat.handoff',
      async (ctx) => handOffIn(env, ctx, await loadConversation(ctx, conversation.id, true), 'visitor_request'),
      requestId,
    );
    publishHandoff(env, outcome);
    return null;
  }
  const lastVisitor = prepared.messages.filter((m) => m.role === 'visitor').at(-1)!;
  const meta: MessageMeta = { sources: [], answers: lastVisitor.seq };
  const stored = await storeAnswer(env.deps.db.dataSource, {
    conversationId: conversation.id,
    key: prepared.key,
    id: randomUUID(),
    text: noThanksReply(conversation.language),
    meta,
    now: env.deps.now(),
    actor: ASSISTANT,
    requestId,
  });
  if (stored) publishMessages(env, conversation.id, [stored]);
  return stored;
}

/** Aborts generation once the conversation has had no listener for UNWATCHED_ABORT_MS. */
function watchListeners(
  env: Pick<ChatEnv, 'hub'>,
  conversationId: string,
  controller: AbortController,
): ReturnType<typeof setInterval> {
  let lastWatched = Date.now();
  const timer = setInterval(
    () => {
      if (env.hub.listeners(conversationId) > 0) lastWatched = Date.now();
      else if (Date.now() - lastWatched >= UNWATCHED_ABORT_MS) controller.abort();
    },
    Math.min(5_000, UNWATCHED_ABORT_MS),
  );
  timer.unref();
  return timer;
}
