// The gateway pipeline: redact → route → fit context → choose target → attempt with retry and
// fallback → rehydrate + scan → audit record, one small step each (pipeline/). It fails closed:
// when redaction fails no text goes to any model, and while the audit record cannot be written no
// model is asked. Each request sends one `end` event (here, at its end) and gets one
// `model.request` record with counts, never text.
import type { ChatEvent, ChatRequest, ChatSink, Gateway, GatewayDeps } from './contract.ts';
import { readAsGenerator } from './pushed.ts';
import { cacheKeyFor, fromCache } from './pipeline/cache.ts';
import { clientOf, walkChain } from './pipeline/chain.ts';
import { windowOf } from './pipeline/fit.ts';
import { closeRecord, recordEnding, recordThrown } from './pipeline/record.ts';
import { keepPlaceholders, redact } from './pipeline/redact.ts';
import { chooseRoute, refusal } from './pipeline/route.ts';
import { createShared, refused, startRun, type Ending, type Run, type Shared } from './pipeline/state.ts';

export type * from './contract.ts';

/** Events chat() holds before the model's stream is paused (its consumer reads slower than the model writes). */
const QUEUED_EVENTS = 16;

/** The steps from the request to its ending (every way out returns one). */
async function answer(shared: Shared, run: Run): Promise<Ending> {
  // Fail closed: a call that could not be put on the record is not made.
  if (shared.deps.audit.writable?.() === false) {
    run.record.failure = 'audit_unavailable';
    return refused('human', 'audit_unavailable');
  }
  const redacted = await redact(shared, run);
  const decision = chooseRoute(run, redacted);
  const refusedBy = refusal(run, decision, redacted.ok);
  if (refusedBy) return refusedBy;
  await keepPlaceholders(shared, run, redacted);
  const { instructions } = run.req;
  const withInstructions = instructions
    ? [{ role: 'system' as const, content: instructions }, ...redacted.messages]
    : redacted.messages;
  const cacheKey = await cacheKeyFor(shared, run, withInstructions, redacted.counts, decision);
  const cached = await fromCache(shared, run, cacheKey);
  if (cached) return cached;
  return walkChain(shared, run, decision, {
    messages: { redacted: redacted.messages, withInstructions },
    vault: redacted.vault,
    cacheKey,
  });
}

export function createGateway(deps: GatewayDeps): Gateway {
  const shared = createShared(deps);

  async function run(req: ChatRequest, out: ChatSink): Promise<void> {
    const started = shared.clock.now();
    const state = startRun(shared, req, out);
    try {
      const ending = await answer(shared, state);
      recordEnding(state, ending);
      out.event({ type: 'end', ...ending });
    } catch (error) {
      recordThrown(state, error);
      throw error;
    } finally {
      await closeRecord(shared, state, started);
    }
  }

  return {
    // leaving chat() early cancels the run and waits for its audit record
    chat: (req) =>
      readAsGenerator<ChatEvent>(QUEUED_EVENTS, (sink, leave) =>
        run({ ...req, signal: req.signal ? AbortSignal.any([req.signal, leave]) : leave }, sink),
      ),
    stream: run,
    async models() {
      const policy = deps.policy();
      return Object.entries(policy.targets)
        .filter(([, t]) => clientOf(deps, t)?.locations.includes(t.location))
        .map(([id, t]) => {
          const contextTokens = windowOf(t, clientOf(deps, t)!.contextWindow?.());
          return {
            id,
            provider: t.provider,
            location: t.location,
            ...(contextTokens !== undefined ? { contextTokens } : {}),
          };
        });
    },
    targets: () =>
      Object.entries(deps.policy().targets).map(([id, t]) => {
        const client = clientOf(deps, t);
        const status = client?.status?.() ?? {};
        return {
          id,
          provider: t.provider,
          model: t.model,
          location: t.location,
          pool: t.pool ?? null,
          configured: Boolean(client?.locations.includes(t.location)),
          cooling: shared.cooldowns.isCooling(id),
          cause: shared.cooldowns.isCooling(id) ? (shared.cooldowns.cause(id) ?? null) : null,
          load: status.load ?? null,
          hosts: status.hosts ?? null,
        };
      }),
    fallbacks: () => ({ ...shared.fallbacks }),
    async close() {
      await Promise.all([...Object.values(deps.clients), ...Object.values(deps.pools ?? {})].map((c) => c?.close?.()));
    },
  };
}
