// OpenAI-compatible endpoints, so a bank's internal tools can use Palisade as their privacy
// gateway: POST /v1/chat/completions (SSE stream or JSON) and GET /v1/models, with API keys.
// The same redaction and routing apply; an API key's allow_cloud stands in for cloud consent.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import {
  type ChatEvent,
  type ChatSink,
  ProviderError,
  ProviderTimeout,
  RequestCancelled,
} from '../../gateway/index.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { AppError, internalError, unauthenticated } from '../errors.ts';
import { eventStreamWriter } from './eventStream.ts';
import { validate } from './validate.ts';
import type { ApiKey } from '../models/apiKeys.ts';
import { openAiErrorType } from '../openaiErrorType.ts';
import { apiKeyLimits } from './apiKeyLimits.ts';
import {
  ChatCompletionRequest,
  completion,
  completionFrames,
  completionIds,
  toChatMessages,
  unsupportedParameter,
} from './completions.ts';
import type { ModelService } from '../models/service.ts';

const blocked = () =>
  new AppError(403, 'blocked_by_policy', 'The routing policy does not allow a model to answer this request.');
const handoff = (reason: string) =>
  new AppError(422, 'human_handoff', `No model may answer this request (${reason}); it needs a human.`);
const modelNotAllowed = (model: string) =>
  new AppError(
    422,
    'model_not_allowed',
    `The routing policy does not let "${model}" answer this request; ask for "palisade" to let the policy choose.`,
    [{ path: 'model', message: 'not in the route the policy chose' }],
  );
const contextTooLong = () =>
  new AppError(
    400,
    'context_length_exceeded',
    'The messages do not fit the context window of any model the routing policy allows for this request, with room for the answer; send fewer or shorter messages, or a smaller max_tokens.',
    [{ path: 'messages', message: 'too long for the allowed models' }],
  );
const auditUnavailable = () =>
  new AppError(
    503,
    'audit_unavailable',
    'Model calls cannot be put on the audit record now (its database is failing), so none is made; retry shortly.',
    undefined,
    { 'Retry-After': '5' },
  );
const modelNotFound = () => new AppError(404, 'model_not_found', 'No such model: GET /v1/models lists them.');
const providerTimeout = () => new AppError(504, 'provider_timeout', 'The model did not answer in time.');
const providerFailed = () => new AppError(502, 'provider_error', 'The model failed to answer.');

const toAppError = (error: unknown): AppError => {
  if (error instanceof ProviderTimeout) return providerTimeout();
  if (error instanceof ProviderError) return providerFailed();
  throw error;
};

function apiKeyAuth(service: ModelService): Middleware<AppState & { apiKey?: ApiKey }> {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const key = header.startsWith('Bearer ') ? await service.apiKeys.verify(header.slice(7).trim()) : undefined;
    if (!key) throw unauthenticated('invalid_api_key', 'Send a valid API key as "Authorization: Bearer pal_…".');
    ctx.state.apiKey = key;
    await next();
  };
}

/** Refuses, by name, a parameter that would change what the answer is (see completions.ts). */
const supportedOnly: Middleware<AppState> = async (ctx, next) => {
  const name = unsupportedParameter(ctx.state.body);
  if (name)
    throw new AppError(
      400,
      'unsupported_parameter',
      `"${name}" is not supported by this gateway; send the request without it.`,
      [{ path: name, message: 'not supported' }],
    );
  await next();
};

export function openaiCompatRoutes(deps: Infra, models: ModelService) {
  const router = new Router<AppState & { apiKey?: ApiKey }>({ prefix: '/v1' });
  const limits = apiKeyLimits(deps);
  const auth = limits.after(apiKeyAuth(models)); // per-key request and token limits, after the key is known

  /** `palisade` (the policy chooses) and every target the policy names that is configured here */
  const modelList = async () => [
    { id: 'palisade', object: 'model', created: 0, owned_by: 'palisade' },
    // context_window (as vLLM's max_model_len): what a conversation is fitted to before this target sees it
    ...(await models.gateway.models()).map((t) => ({
      id: t.id,
      object: 'model',
      created: 0,
      owned_by: `palisade:${t.provider}`,
      ...(t.contextTokens ? { context_window: t.contextTokens } : {}),
    })),
  ];

  router.get('/models', auth, async (ctx) => {
    ctx.body = { object: 'list', data: await modelList() };
  });

  router.get('/models/:id', auth, async (ctx) => {
    const model = (await modelList()).find((m) => m.id === ctx.params.id);
    if (!model) throw modelNotFound();
    ctx.body = model;
  });

  router.post('/chat/completions', auth, supportedOnly, validate(ChatCompletionRequest), async (ctx) => {
    const input = ctx.state.input as ChatCompletionRequest;
    const key = ctx.state.apiKey!;
    const controller = new AbortController();
    // A caller that hangs up stops generation.
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) controller.abort();
    });
    const maxTokens = input.max_completion_tokens ?? input.max_tokens ?? undefined;
    // A model named from /v1/models is that target only, where the policy's route allows it; any
    // other name (`palisade`, or a name a tool sends by default) lets the policy choose.
    const target = Object.hasOwn(models.policy.current().targets, input.model) ? input.model : undefined;
    // Events until the first text (or the end) decide the HTTP answer: a route that sends nothing
    // to a model, or a failure before any text, is still a proper HTTP error. After that each event
    // goes to `live` as the gateway pushes it (one per token, in the provider's own callback).
    const head: ChatEvent[] = [];
    let live: ((e: ChatEvent) => boolean) | undefined;
    let committed: (() => void) | undefined;
    const decided = new Promise<void>((resolve) => (committed = resolve));
    let resumeWhenDrained: (resume: () => void) => void = (resume) => resume();
    const sink: ChatSink = limits.metered(ctx, {
      event(e) {
        if (live) return live(e);
        if (e.type === 'route')
          ctx.set({ 'X-Palisade-Route': e.decision.action, 'X-Palisade-Policy': e.decision.policyHash });
        if (e.type === 'target') ctx.set('X-Palisade-Target', e.targetId);
        head.push(e);
        if (e.type === 'delta' || e.type === 'end') committed?.();
        return true;
      },
      drain: (resume) => resumeWhenDrained(resume),
    });
    const running = models.gateway.stream(
      {
        messages: toChatMessages(input),
        cloudAllowed: key.allowCloud,
        signal: controller.signal,
        requestId: ctx.state.requestId,
        caller: { type: 'api_key', id: key.id },
        ...(maxTokens ? { maxTokens } : {}),
        ...(input.temperature != null ? { temperature: input.temperature } : {}),
        ...(target ? { target } : {}),
      },
      sink,
    );
    const ids = completionIds(input.model);

    try {
      await Promise.race([decided, running]);
      const e = head.at(-1);
      if (e?.type === 'end' && e.outcome !== 'answered') {
        await running; // its audit record is written before the error goes out
        if (e.outcome === 'blocked') throw blocked();
        if (e.reason === 'target_not_in_route') throw modelNotAllowed(input.model);
        if (e.reason === 'context_length_exceeded') throw contextTooLong();
        if (e.reason === 'audit_unavailable') throw auditUnavailable();
        throw handoff(e.reason ?? 'policy');
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof RequestCancelled) return;
      throw toAppError(error);
    }

    if (input.stream) {
      ctx.set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      ctx.status = 200;
      ctx.respond = false; // written here, to its end (see eventStream.ts)
      const frames = completionFrames(ids, input.stream_options?.include_usage === true, (error) => {
        const e =
          error instanceof RequestCancelled
            ? new AppError(499, 'cancelled', 'cancelled')
            : error instanceof ProviderError
              ? toAppError(error)
              : internalError();
        return { error: { message: e.message, type: openAiErrorType(e.status), code: e.id } };
      });
      const writer = eventStreamWriter(ctx.res, head, frames);
      resumeWhenDrained = writer.drain;
      live = writer.push;
      // From here the gateway's pushes write the answer, to the run's end (where its audit record
      // is written). The handler returns now, so the middleware chain is not held for the stream's
      // length; the request's log line waits for `streamed`, which an unexpected failure rejects.
      ctx.state.streamed = running.then(writer.end, (error: unknown) => {
        writer.fail(error);
        if (!(error instanceof ProviderError) && !(error instanceof RequestCancelled)) throw error;
      });
      return;
    }
    let text = head.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
    let end = head.find((e) => e.type === 'end');
    live = (e) => {
      if (e.type === 'delta') text += e.text;
      if (e.type === 'end') end = e;
      return true;
    };
    try {
      await running; // to the run's end, where its audit record is written
    } catch (error) {
      if (error instanceof RequestCancelled) return;
      throw toAppError(error);
    }
    if (!end) throw providerFailed();
    ctx.body = completion(ids, text, end);
  });

  return router;
}
