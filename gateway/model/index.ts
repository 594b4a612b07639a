// The model pipeline's public entry: createGateway and its contract (requests, events, the
// `model.request` audit record), the typed provider failures, and the token estimate.
export { createGateway } from './gateway.ts';
export type {
  AuditSink,
  ChatEvent,
  ChatOutcome,
  ChatRequest,
  ChatSink,
  ContextFit,
  Fallback,
  Gateway,
  GatewayDeps,
  LogSink,
  ModelRequestAudit,
  TargetHealth,
} from './contract.ts';
export { ProviderError, ProviderTimeout, RequestCancelled, type FailureCause, type FailureClass } from './errors.ts';
export { estimateTokens } from './types.ts';
export type { CachedAnswer, SharedAnswerStore } from './answerCache.ts';
