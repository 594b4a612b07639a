// The gateway's one entry: createGateway(deps). Providers, policy, vaults, audit and clock come in
// as dependencies; nothing here knows HTTP, the database or the logger.
export { createGateway, type AuditSink, type ChatEvent, type ChatRequest, type ChatSink, type Gateway, type GatewayDeps, type LogSink, type ModelRequestAudit, type ProviderName } from './model/gateway.ts';
export { ProviderError, ProviderTimeout, RequestCancelled, type FailureClass } from './model/errors.ts';
export type { ChatMessage, ModelClient, ModelEvent, ModelRequest, Provider, Usage } from './model/types.ts';
export { providers } from './providers/index.ts';
export { parseRoutingPolicy, RoutingPolicyError, type RoutingPolicy } from './routing/policy.ts';
export { decideRoute, type RouteDecision, type RouteFacts } from './routing/decide.ts';
