// The settings an admin may see, by their environment variable's name: an allow-list, so a setting
// added later stays hidden until someone decides it is safe to show. Never listed: secrets, key and
// secret files' contents, database or Redis URLs (they may hold a password). URLs that are shown
// lose any user:password part first.
import path from 'node:path';
import { withoutCredentials } from '../gateway/index.ts';
import type { Setting } from '../protocol/system.ts';
import type { Config } from './config.ts';

type Value = Setting['value'];

/** Each shown setting: its variable's name and how its value is read from the loaded settings. */
const SHOWN: [name: string, read: (c: Config) => Value][] = [
  ['PUBLIC_URL', (c) => withoutCredentials(c.publicUrl)],
  ['HOST', (c) => c.host],
  ['PORT', (c) => c.port],
  ['LOG_LEVEL', (c) => c.logLevel],
  ['PALISADE_NODE_ID', (c) => c.nodeId ?? null],
  ['DATABASE_POOL_SIZE', (c) => (c.database.kind === 'postgres' ? c.database.poolSize : null)],
  ['REDIS_KEY_PREFIX', (c) => c.redis?.keyPrefix ?? null],
  ['ACCESS_TOKEN_TTL_SECONDS', (c) => c.auth.accessTtlSeconds],
  ['REFRESH_TOKEN_TTL_SECONDS', (c) => c.auth.refreshTtlSeconds],
  ['LOGIN_MAX_FAILURES', (c) => c.auth.maxFailures],
  ['LOGIN_LOCKOUT_SECONDS', (c) => c.auth.lockoutSeconds],
  ['BCRYPT_COST', (c) => c.auth.bcryptCost],
  ['COOKIE_SECURE', (c) => c.auth.cookieSecure],
  ['AUTH_LOCAL_PASSWORDS', (c) => c.auth.localPasswords],
  ['MFA_REQUIRED_ROLES', (c) => c.auth.mfa.requiredRoles.join(', ') || 'none'],
  ['SSO_ISSUER_URL', (c) => (c.sso ? withoutCredentials(c.sso.issuer) : null)],
  ['SSO_ACCOUNTS', (c) => c.sso?.accounts ?? null],
  ['API_KEY_REQUESTS_PER_MINUTE', (c) => c.apiKeyLimits.requestsPerMinute],
  ['API_KEY_TOKENS_PER_MINUTE', (c) => c.apiKeyLimits.tokensPerMinute],
  ['BODY_LIMIT_BYTES', (c) => c.http.bodyLimitBytes],
  ['WIDGET_ORIGINS', (c) => c.http.widgetOrigins.join(', ') || null],
  ['TRUST_PROXY', (c) => c.http.trustProxy],
  ['AUDIT_SEAL_INTERVAL_MS', (c) => c.audit.sealIntervalMs],
  ['AUDIT_CHECKPOINT_EVERY_EVENTS', (c) => c.audit.checkpoint.everyEvents],
  ['AUDIT_CHECKPOINT_INTERVAL_SECONDS', (c) => c.audit.checkpoint.intervalSeconds],
  ['RETENTION_INTERVAL_SECONDS', (c) => c.privacy.retentionIntervalSeconds],
  ['AGENT_REVEAL_SECONDS', (c) => c.privacy.revealSeconds],
  ['PALISADE_REDACTION_THREADS', (c) => c.redaction.threads],
  ['PALISADE_POLICIES_DIR', (c) => c.models.policiesDir ?? null],
  ['OPENAI_BASE_URL', (c) => (c.models.openai?.baseURL ? withoutCredentials(c.models.openai.baseURL) : null)],
  ['OLLAMA_HOST', (c) => c.models.ollamaHosts.map(withoutCredentials).join(', ') || null],
  ['LLAMA_MODEL_PATH', (c) => (c.models.llama ? path.basename(c.models.llama.modelPath) : null)],
  ['LLAMA_CONTEXT_SIZE', (c) => c.models.llama?.contextSize ?? null],
  ['LLAMA_PARALLEL', (c) => c.models.llama?.parallel ?? null],
  ['MODEL_CONNECTION_IDLE_MS', (c) => c.models.connections?.idleMs ?? null],
  ['MODEL_CONNECTIONS_PER_HOST', (c) => c.models.connections?.maxSockets ?? null],
  ['CLOUD_HTTPS_PROXY', (c) => (c.models.cloudProxy ? withoutCredentials(c.models.cloudProxy.url) : null)],
  ['METRICS_LISTEN', (c) => (c.metrics.listen ? `${c.metrics.listen.host}:${c.metrics.listen.port}` : null)],
];

export const SHOWN_SETTINGS = SHOWN.map(([name]) => name);

export const settingsSummary = (config: Config): Setting[] =>
  SHOWN.map(([name, read]) => ({ name, value: read(config) }));
