// The appliance's Prometheus metrics, one registry per running server (tests start several in one
// process). Labels are bounded sets the code names (route templates, status codes, target ids from
// routing.yaml, entity types, outcomes): never a path, a message, an address or a person.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** seconds: from a fast database answer to a slow model's full reply */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface Metrics {
  registry: Registry;
  http: { requests: Histogram<'method' | 'route' | 'status'> };
  chat: {
    messages: Counter<'role'>;
    handoffs: Counter<'reason'>;
    firstToken: Histogram;
  };
  gateway: {
    requests: Counter<'target' | 'outcome'>;
    errors: Counter<'target' | 'failure'>;
    firstToken: Histogram<'target'>;
    latency: Histogram<'target' | 'outcome'>;
    tokens: Counter<'target' | 'direction'>;
    retries: Counter<'target'>;
    fallbacks: Counter<'from' | 'failure'>;
    cooldowns: Counter<'target'>;
    cache: Counter<'result'>;
  };
  redaction: { entities: Counter<'type'>; failures: Counter };
  knowledge: { answers: Counter<'result'> };
  audit: { unsealed: Gauge; sealPasses: Counter<'result'>; sealed: Counter };
}

/** Builds the registry; `unsealed` is read at scrape time. */
export function createMetrics(read: { unsealed?: () => Promise<number> } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
  return {
    registry,
    http: {
      requests: histogram(
        'palisade_http_request_duration_seconds',
        'HTTP requests by route template, method and status',
        ['method', 'route', 'status'],
      ),
    },
    chat: {
      messages: counter('palisade_chat_messages_total', 'Chat messages stored, by author role', ['role']),
      handoffs: counter('palisade_chat_handoffs_total', 'Conversations handed to a person, by reason', ['reason']),
      firstToken: histogram(
        'palisade_chat_first_token_seconds',
        "From a visitor's message to the first streamed token of the answer",
      ),
    },
    gateway: {
      requests: counter('palisade_gateway_requests_total', 'Gateway requests by answering target and outcome', [
        'target',
        'outcome',
      ]),
      errors: counter('palisade_gateway_errors_total', 'Failed attempts by target and failure class', [
        'target',
        'failure',
      ]),
      firstToken: histogram('palisade_gateway_first_token_seconds', 'Time to first token by target', ['target']),
      latency: histogram(
        'palisade_gateway_request_duration_seconds',
        'Gateway request duration by target and outcome',
        ['target', 'outcome'],
      ),
      tokens: counter('palisade_gateway_tokens_total', 'Tokens by target and direction (in, out)', [
        'target',
        'direction',
      ]),
      retries: counter('palisade_gateway_retries_total', 'Attempts beyond the first, by target', ['target']),
      fallbacks: counter(
        'palisade_gateway_fallbacks_total',
        'Requests whose chain fell back, by the target passed over and why',
        ['from', 'failure'],
      ),
      cooldowns: counter('palisade_gateway_cooldowns_total', 'Requests that found a target resting (cooling down)', [
        'target',
      ]),
      cache: counter('palisade_gateway_cache_total', 'Answer cache results', ['result']),
    },
    redaction: {
      entities: counter(
        'palisade_redaction_entities_total',
        'Personal data found in requests to models, by entity type (counts only)',
        ['type'],
      ),
      failures: counter('palisade_redaction_failures_total', 'Requests refused because redaction failed (fail closed)'),
    },
    knowledge: {
      answers: counter(
        'palisade_knowledge_answers_total',
        'AI answers: with knowledge-base sources, "I don\'t know", or without sources',
        ['result'],
      ),
    },
    audit: {
      unsealed: new Gauge({
        name: 'palisade_audit_unsealed_events',
        help: 'Audit events recorded and not yet linked into the hash chain',
        registers,
        async collect() {
          // A database that does not answer leaves the last value (readyz says it is down).
          const n = read.unsealed ? await read.unsealed().catch(() => undefined) : undefined;
          if (n !== undefined) this.set(n);
        },
      }),
      sealPasses: counter('palisade_audit_seal_passes_total', 'Sealer passes by result', ['result']),
      sealed: counter('palisade_audit_sealed_events_total', 'Audit events linked into the chain'),
    },
  };
}

/** A label value from a bounded, operator-named set (a target id), reduced to safe characters. */
export const labelValue = (v: string | null | undefined): string =>
  v ? v.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64) : 'none';
