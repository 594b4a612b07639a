// The routing area's public entry: the routing policy (parsed and validated), the route decision,
// and the cloud budgets' counting contract.
export { hasBudgets, windowStart, type BudgetExceeded, type Budgets } from './budget.ts';
export { decideRoute, type ChainTarget, type RouteDecision, type RouteFacts } from './decide.ts';
export { parseRoutingPolicy, RoutingPolicyError, type CloudBudgets, type RoutingPolicy } from './policy.ts';
export type { ModelPool } from './pools.ts';
