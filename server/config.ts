// The one place that reads the environment. Parsed once at start-up; an invalid setting stops the
// process with a message naming the variable, never a silent default.
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { EnvSchema, type StaffRoleName } from './configSchema.js';

export { EnvSchema };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** the embedded database runs on a thread of its own unless `thread` is false */
  database: { kind: 'pglite'; dir: string; thread?: boolean } | { kind: 'postgres'; url: string; poolSize: number };
  /** several nodes: Redis for events, limits and the streaming answer (unset: PostgreSQL LISTEN/NOTIFY, or one process) */
  redis?: { url: string; keyPrefix: string };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  secrets: {
    jwt: { value?: string; file?: string };
    master: { value?: string; file?: string };
    /** the Ed25519 key that signs audit checkpoints (generated into the data directory when unset) */
    auditCheckpoint: { file?: string };
  };
  /** where the data-key wrapping key and the subjects' secrets live: files in the data directory, or a PKCS#11 token (an HSM) */
  keys: { kind: 'file' } | { kind: 'pkcs11'; module: string; tokenLabel: string; pinFile: string; keyLabel: string };
  /** this node's name in audit checkpoints and model-call records; unset: generated once into the data directory */
  nodeId?: string;
  auth: {
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    maxFailures: number;
    lockoutSeconds: number;
    bcryptCost: number;
    cookieSecure: boolean;
    setupTokenTtlSeconds: number;
    /** sign-in attempts per source address and per account name in a window (a success is given back), and the password-check queue */
    throttle: {
      windowSeconds: number;
      ipAttempts: number;
      accountAttempts: number;
      hashConcurrency: number;
      hashQueue: number;
    };
    /** false: password sign-in is refused (single sign-on only) */
    localPasswords: boolean;
    /** roles that must pass a TOTP second factor after the password; the signed challenge between the two steps lives this long */
    mfa: { requiredRoles: StaffRoleName[]; challengeTtlSeconds: number };
  };
  /** OpenID Connect single sign-on; absent when SSO_ISSUER_URL is unset */
  sso?: {
    issuer: string;
    clientId: string;
    clientSecretFile: string;
    scopes: string;
    redirectUrl: string;
    postLogoutRedirectUrl: string;
    /** link: only existing accounts (matched by verified email); create: also create one on first sign-in */
    accounts: 'link' | 'create';
    clockToleranceSeconds: number;
  };
  /** per API key on /v1, per minute; 0: no limit */
  apiKeyLimits: { requestsPerMinute: number; tokensPerMinute: number };
  /** total time one import request may spend inflating ZIP entries */
  knowledge: { inflateMs: number; embedding?: EmbeddingTarget };
  http: {
    bodyLimitBytes: number;
    widgetOrigins: string[];
    trustProxy: boolean;
    shutdownTimeoutMs: number;
    readyzTimeoutMs: number;
  };
  audit: {
    sealIntervalMs: number;
    /** a signed checkpoint of the chain's head every `everyEvents` sealed events or `intervalSeconds` (0: by count only) */
    checkpoint: {
      everyEvents: number;
      intervalSeconds: number;
      mirrorFile?: string;
      syslog?: { host: string; port: number };
    };
  };
  privacy: {
    /** seconds a revealed value stays visible in the agent console */ revealSeconds: number;
    retentionIntervalSeconds: number;
    retentionPolicyFile?: string;
  };
  /** worker threads that run personal-data analysis; 0: on the event loop */
  redaction: { threads: number };
  /** how far V8's old generation may grow past what the last full collection kept, in percent; 0: V8's own rule */
  heap: { growthPercent: number };
  /** Prometheus metrics: their own listener (loopback unless a host is given) and/or a bearer token on the public port; neither: not served */
  metrics: { listen?: { host: string; port: number }; tokenFile?: string };
  models: {
    policiesDir?: string;
    openai?: { apiKey: string; baseURL?: string };
    ollamaHosts: string[];
    llama?: {
      modelPath: string;
      threads: number;
      parallel: number;
      contextSize: number;
      gpuLayers: number;
      loadTimeoutMs: number;
    };
    /** kept-alive connections to model servers (openai, ollama): idle ms before they are closed here, and how many per host */
    connections?: { idleMs: number; maxSockets: number };
    /** the egress proxy cloud calls go through (never local ones), and the hosts that go direct */
    cloudProxy?: { url: string; noProxy: string[] };
  };
}

/** Where passages and questions are embedded; a cloud target is sent redacted questions only. */
export type EmbeddingTarget =
  | { kind: 'openai'; baseURL?: string; apiKey: string; model: string; location: 'local' | 'cloud' }
  | { kind: 'llamacpp'; modelPath: string; threads: number };

function embeddingTarget(e: z.infer<typeof EnvSchema>): EmbeddingTarget | undefined {
  if (e.KB_EMBEDDING === 'llamacpp')
    return { kind: 'llamacpp', modelPath: path.resolve(e.KB_EMBEDDING_GGUF!), threads: e.LLAMA_THREADS };
  if (e.KB_EMBEDDING !== 'openai') return undefined;
  const baseURL = e.KB_EMBEDDING_URL ?? e.OPENAI_BASE_URL;
  // OpenAI's own API is the cloud whatever the setting says.
  return {
    kind: 'openai',
    ...(baseURL ? { baseURL } : {}),
    apiKey: e.OPENAI_API_KEY ?? 'none',
    model: e.KB_EMBEDDING_MODEL!,
    location: baseURL ? e.KB_EMBEDDING_LOCATION : 'cloud',
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function syslogTarget(url: string | undefined): { host: string; port: number } | undefined {
  if (!url) return undefined;
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
}

/** PORT alone means loopback: metrics reach further only when the operator names the address. */
function listenAddress(v: string | undefined): { host: string; port: number } | undefined {
  if (!v) return undefined;
  const at = v.lastIndexOf(':');
  return at < 0
    ? { host: '127.0.0.1', port: Number(v) }
    : { host: v.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(v.slice(at + 1)) };
}

/** Reads only the variables the schema knows; unset and empty-string values count as absent. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), problem: i.message })),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; problem: string }[] = [];
  if (e.JWT_SECRET && e.JWT_SECRET_FILE)
    problems.push({ variable: 'JWT_SECRET', problem: 'set either JWT_SECRET or JWT_SECRET_FILE, not both' });
  if (e.MASTER_KEY && e.MASTER_KEY_FILE)
    problems.push({ variable: 'MASTER_KEY', problem: 'set either MASTER_KEY or MASTER_KEY_FILE, not both' });
  const ssoSet = Boolean(e.SSO_ISSUER_URL || e.SSO_CLIENT_ID || e.SSO_CLIENT_SECRET_FILE);
  if (ssoSet) {
    for (const [variable, value] of [
      ['SSO_ISSUER_URL', e.SSO_ISSUER_URL],
      ['SSO_CLIENT_ID', e.SSO_CLIENT_ID],
      ['SSO_CLIENT_SECRET_FILE', e.SSO_CLIENT_SECRET_FILE],
    ] as const) {
      if (!value)
        problems.push({
          variable,
          problem: 'single sign-on needs SSO_ISSUER_URL, SSO_CLIENT_ID and SSO_CLIENT_SECRET_FILE together',
        });
    }
  }
  if (!e.AUTH_LOCAL_PASSWORDS && !ssoSet)
    problems.push({
      variable: 'AUTH_LOCAL_PASSWORDS',
      problem: 'may be false only with single sign-on configured (SSO_ISSUER_URL), or nobody could sign in',
    });
  if (e.KEY_STORE === 'pkcs11') {
    for (const [variable, value] of [
      ['PKCS11_MODULE', e.PKCS11_MODULE],
      ['PKCS11_TOKEN_LABEL', e.PKCS11_TOKEN_LABEL],
      ['PKCS11_PIN_FILE', e.PKCS11_PIN_FILE],
    ] as const) {
      if (!value)
        problems.push({
          variable,
          problem: 'KEY_STORE=pkcs11 needs PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN_FILE',
        });
    }
  }
  if (e.KB_EMBEDDING === 'openai' && !e.KB_EMBEDDING_MODEL)
    problems.push({ variable: 'KB_EMBEDDING_MODEL', problem: "KB_EMBEDDING=openai needs the embedding model's name" });
  if (e.KB_EMBEDDING === 'llamacpp' && !e.KB_EMBEDDING_GGUF)
    problems.push({
      variable: 'KB_EMBEDDING_GGUF',
      problem: 'KB_EMBEDDING=llamacpp needs the path of an embedding GGUF',
    });
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.PALISADE_DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dir: path.join(dataDir, 'pglite'), thread: e.PALISADE_PGLITE_THREAD },
    ...(e.REDIS_URL ? { redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } } : {}),
    logLevel: e.LOG_LEVEL,
    secrets: {
      jwt: { value: e.JWT_SECRET, file: e.JWT_SECRET_FILE },
      master: { value: e.MASTER_KEY, file: e.MASTER_KEY_FILE },
      auditCheckpoint: { file: e.AUDIT_CHECKPOINT_KEY_FILE },
    },
    keys:
      e.KEY_STORE === 'pkcs11' && e.PKCS11_MODULE && e.PKCS11_TOKEN_LABEL && e.PKCS11_PIN_FILE
        ? {
            kind: 'pkcs11',
            module: path.resolve(e.PKCS11_MODULE),
            tokenLabel: e.PKCS11_TOKEN_LABEL,
            pinFile: path.resolve(e.PKCS11_PIN_FILE),
            keyLabel: e.PKCS11_KEY_LABEL,
          }
        : { kind: 'file' },
    nodeId: e.PALISADE_NODE_ID,
    auth: {
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
      bcryptCost: e.BCRYPT_COST,
      cookieSecure: e.COOKIE_SECURE ?? publicUrl.startsWith('https:'),
      setupTokenTtlSeconds: e.SETUP_TOKEN_TTL_SECONDS,
      throttle: {
        windowSeconds: e.LOGIN_THROTTLE_WINDOW_SECONDS,
        ipAttempts: e.LOGIN_IP_MAX_ATTEMPTS,
        accountAttempts: e.LOGIN_ACCOUNT_MAX_ATTEMPTS,
        hashConcurrency: e.LOGIN_HASH_CONCURRENCY,
        hashQueue: e.LOGIN_HASH_QUEUE,
      },
      localPasswords: e.AUTH_LOCAL_PASSWORDS,
      mfa: { requiredRoles: e.MFA_REQUIRED_ROLES, challengeTtlSeconds: e.MFA_CHALLENGE_TTL_SECONDS },
    },
    sso:
      e.SSO_ISSUER_URL && e.SSO_CLIENT_ID && e.SSO_CLIENT_SECRET_FILE
        ? {
            issuer: e.SSO_ISSUER_URL,
            clientId: e.SSO_CLIENT_ID,
            clientSecretFile: path.resolve(e.SSO_CLIENT_SECRET_FILE),
            scopes: e.SSO_SCOPES,
            redirectUrl: e.SSO_REDIRECT_URL ?? `${publicUrl}/api/auth/sso/callback`,
            postLogoutRedirectUrl: e.SSO_POST_LOGOUT_REDIRECT_URL ?? `${publicUrl}/`,
            accounts: e.SSO_ACCOUNTS,
            clockToleranceSeconds: e.SSO_CLOCK_TOLERANCE_SECONDS,
          }
        : undefined,
    apiKeyLimits: { requestsPerMinute: e.API_KEY_REQUESTS_PER_MINUTE, tokensPerMinute: e.API_KEY_TOKENS_PER_MINUTE },
    knowledge: { inflateMs: e.KB_IMPORT_INFLATE_MS, embedding: embeddingTarget(e) },
    http: {
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      widgetOrigins: e.WIDGET_ORIGINS,
      trustProxy: e.TRUST_PROXY,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      readyzTimeoutMs: e.READYZ_TIMEOUT_MS,
    },
    audit: {
      sealIntervalMs: e.AUDIT_SEAL_INTERVAL_MS,
      checkpoint: {
        everyEvents: e.AUDIT_CHECKPOINT_EVERY_EVENTS,
        intervalSeconds: e.AUDIT_CHECKPOINT_INTERVAL_SECONDS,
        mirrorFile: e.AUDIT_CHECKPOINT_MIRROR_FILE ? path.resolve(e.AUDIT_CHECKPOINT_MIRROR_FILE) : undefined,
        syslog: syslogTarget(e.AUDIT_CHECKPOINT_SYSLOG),
      },
    },
    privacy: {
      revealSeconds: e.AGENT_REVEAL_SECONDS,
      retentionIntervalSeconds: e.RETENTION_INTERVAL_SECONDS,
      retentionPolicyFile: e.RETENTION_POLICY_FILE ? path.resolve(e.RETENTION_POLICY_FILE) : undefined,
    },
    // One thread leaves the event loop a core on a 2-core box; more only help with cores to spare.
    redaction: { threads: e.PALISADE_REDACTION_THREADS ?? Math.min(2, Math.max(1, os.availableParallelism() - 1)) },
    heap: { growthPercent: e.PALISADE_HEAP_GROWTH_PERCENT },
    metrics: {
      listen: listenAddress(e.METRICS_LISTEN),
      tokenFile: e.METRICS_TOKEN_FILE ? path.resolve(e.METRICS_TOKEN_FILE) : undefined,
    },
    models: {
      policiesDir: e.PALISADE_POLICIES_DIR ? path.resolve(e.PALISADE_POLICIES_DIR) : undefined,
      // A base URL alone (a vLLM without auth) still needs some key for the client.
      openai:
        e.OPENAI_API_KEY || e.OPENAI_BASE_URL
          ? { apiKey: e.OPENAI_API_KEY ?? 'none', baseURL: e.OPENAI_BASE_URL }
          : undefined,
      ollamaHosts: e.OLLAMA_HOST ?? [],
      // Below common servers' idle close (vLLM and Node: 5 s), so a connection is never reused just as the server drops it.
      connections: { idleMs: e.MODEL_CONNECTION_IDLE_MS, maxSockets: e.MODEL_CONNECTIONS_PER_HOST },
      cloudProxy: e.CLOUD_HTTPS_PROXY ? { url: e.CLOUD_HTTPS_PROXY, noProxy: e.CLOUD_NO_PROXY ?? [] } : undefined,
      llama: e.LLAMA_MODEL_PATH
        ? {
            modelPath: path.resolve(e.LLAMA_MODEL_PATH),
            threads: e.LLAMA_THREADS,
            parallel: e.LLAMA_PARALLEL,
            contextSize: e.LLAMA_CONTEXT_SIZE,
            gpuLayers: e.LLAMA_GPU_LAYERS,
            loadTimeoutMs: e.LLAMA_LOAD_TIMEOUT_SECONDS * 1000,
          }
        : undefined,
    },
  };
}
