// The one place that reads the environment. Parsed once at start-up; an invalid setting stops the
// process with a message naming the variable, never a silent default.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }));

const origin = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
    } catch {
      return false;
    }
  },
  { message: 'must be a list of origins like https://www.bank.example (scheme://host[:port], no path)' },
);

export const EnvSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ message: 'must be an absolute URL such as https://palisade.bank.internal' }).optional(),
  PALISADE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  DATABASE_POOL_SIZE: int(2, 200).default(10),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  JWT_SECRET: z.string().optional(),
  JWT_SECRET_FILE: z.string().optional(),
  MASTER_KEY: z.string().optional(),
  MASTER_KEY_FILE: z.string().optional(),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 604800).default(28800),
  LOGIN_MAX_FAILURES: int(3, 20).default(5),
  LOGIN_LOCKOUT_SECONDS: int(60, 86400).default(900),
  BCRYPT_COST: int(12, 15).default(12),
  LOGIN_THROTTLE_WINDOW_SECONDS: int(1, 86400).default(300),
  LOGIN_IP_MAX_ATTEMPTS: int(1, 1000000).default(30),
  LOGIN_ACCOUNT_MAX_ATTEMPTS: int(1, 1000000).default(10),
  LOGIN_HASH_CONCURRENCY: int(1, 64).default(1),
  LOGIN_HASH_QUEUE: int(0, 100000).default(8),
  API_KEY_REQUESTS_PER_MINUTE: int(0, 1000000).default(600),
  API_KEY_TOKENS_PER_MINUTE: int(0, 1000000000).default(200000),
  KB_IMPORT_INFLATE_MS: int(10, 600000).default(10000),
  BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  WIDGET_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin)),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_TIMEOUT_MS: int(0, 120000).default(10000),
  SETUP_TOKEN_TTL_SECONDS: int(300, 604800).default(86400),
  READYZ_TIMEOUT_MS: int(100, 30000).default(2000),
  AUDIT_SEAL_INTERVAL_MS: int(20, 60000).default(200),
  AUDIT_CHECKPOINT_EVERY_EVENTS: int(1, 100_000_000).default(1000),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: int(0, 86400).default(60),
  AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_MIRROR_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_SYSLOG: z
    .string()
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.protocol === 'udp:' && u.hostname !== '' && Number(u.port) > 0 && u.pathname === '';
        } catch {
          return false;
        }
      },
      { message: 'must be udp://host:port (a syslog server taking RFC 5424 over UDP)' },
    )
    .optional(),
  PALISADE_NODE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . and -' }).optional(),
  RETENTION_INTERVAL_SECONDS: int(0, 604800).default(3600),
  RETENTION_POLICY_FILE: z.string().min(1).optional(),
  // how long a revealed personal value stays visible in the agent's console before it is masked again
  AGENT_REVEAL_SECONDS: int(10, 3600).default(300),
  PALISADE_POLICIES_DIR: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ message: 'must be an absolute URL such as http://vllm.bank.internal:8000/v1' }).optional(),
  OLLAMA_HOST: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean).map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`)))
    .pipe(z.array(z.url({ message: 'must be a comma-separated list of hosts like http://gpu1:11434' })))
    .optional(),
  LLAMA_MODEL_PATH: z.string().min(1).optional(),
  LLAMA_THREADS: int(1, 256).default(1),
  LLAMA_PARALLEL: int(1, 64).default(2),
  LLAMA_CONTEXT_SIZE: int(128, 1048576).default(2048),
  LLAMA_GPU_LAYERS: int(0, 1000).default(0),
  LLAMA_LOAD_TIMEOUT_SECONDS: int(1, 86400).default(300),
  PALISADE_REDACTION_THREADS: int(0, 64).optional(),
  PALISADE_PGLITE_THREAD: bool.default(true),
  PALISADE_HEAP_GROWTH_PERCENT: int(0, 1000).default(300),
  MODEL_CONNECTION_IDLE_MS: int(100, 600000).default(4000),
  MODEL_CONNECTIONS_PER_HOST: int(1, 10000).default(256),
  // The bank's egress proxy for cloud model calls (HTTP CONNECT); local targets never use it.
  CLOUD_HTTPS_PROXY: z.url({ protocol: /^http$/, message: 'must be an http:// URL of a CONNECT proxy such as http://proxy.bank.internal:3128' }).optional(),
  CLOUD_NO_PROXY: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .optional(),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** the embedded database runs on a thread of its own unless `thread` is false */
  database: { kind: 'pglite'; dir: string; thread?: boolean } | { kind: 'postgres'; url: string; poolSize: number };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  secrets: {
    jwt: { value?: string; file?: string };
    master: { value?: string; file?: string };
    /** the Ed25519 key that signs audit checkpoints (generated into the data directory when unset) */
    auditCheckpoint: { file?: string };
  };
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
    throttle: { windowSeconds: number; ipAttempts: number; accountAttempts: number; hashConcurrency: number; hashQueue: number };
  };
  /** per API key on /v1, per minute; 0: no limit */
  apiKeyLimits: { requestsPerMinute: number; tokensPerMinute: number };
  /** total time one import request may spend inflating ZIP entries */
  knowledge: { inflateMs: number };
  http: { bodyLimitBytes: number; widgetOrigins: string[]; trustProxy: boolean; shutdownTimeoutMs: number; readyzTimeoutMs: number };
  audit: {
    sealIntervalMs: number;
    /** a signed checkpoint of the chain's head every `everyEvents` sealed events or `intervalSeconds` (0: by count only) */
    checkpoint: { everyEvents: number; intervalSeconds: number; mirrorFile?: string; syslog?: { host: string; port: number } };
  };
  privacy: { /** seconds a revealed value stays visible in the agent console */ revealSeconds: number; retentionIntervalSeconds: number; retentionPolicyFile?: string };
  /** worker threads that run personal-data analysis; 0: on the event loop */
  redaction: { threads: number };
  /** how far V8's old generation may grow past what the last full collection kept, in percent; 0: V8's own rule */
  heap: { growthPercent: number };
  models: {
    policiesDir?: string;
    openai?: { apiKey: string; baseURL?: string };
    ollamaHosts: string[];
    llama?: { modelPath: string; threads: number; parallel: number; contextSize: number; gpuLayers: number; loadTimeoutMs: number };
    /** kept-alive connections to model servers (openai, ollama): idle ms before they are closed here, and how many per host */
    connections?: { idleMs: number; maxSockets: number };
    /** the egress proxy cloud calls go through (never local ones), and the hosts that go direct */
    cloudProxy?: { url: string; noProxy: string[] };
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
  if (e.JWT_SECRET && e.JWT_SECRET_FILE) problems.push({ variable: 'JWT_SECRET', problem: 'set either JWT_SECRET or JWT_SECRET_FILE, not both' });
  if (e.MASTER_KEY && e.MASTER_KEY_FILE) problems.push({ variable: 'MASTER_KEY', problem: 'set either MASTER_KEY or MASTER_KEY_FILE, not both' });
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
    logLevel: e.LOG_LEVEL,
    secrets: {
      jwt: { value: e.JWT_SECRET, file: e.JWT_SECRET_FILE },
      master: { value: e.MASTER_KEY, file: e.MASTER_KEY_FILE },
      auditCheckpoint: { file: e.AUDIT_CHECKPOINT_KEY_FILE },
    },
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
    },
    apiKeyLimits: { requestsPerMinute: e.API_KEY_REQUESTS_PER_MINUTE, tokensPerMinute: e.API_KEY_TOKENS_PER_MINUTE },
    knowledge: { inflateMs: e.KB_IMPORT_INFLATE_MS },
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
    privacy: { revealSeconds: e.AGENT_REVEAL_SECONDS, retentionIntervalSeconds: e.RETENTION_INTERVAL_SECONDS, retentionPolicyFile: e.RETENTION_POLICY_FILE ? path.resolve(e.RETENTION_POLICY_FILE) : undefined },
    // One thread leaves the event loop a core on a 2-core box; more only help with cores to spare.
    redaction: { threads: e.PALISADE_REDACTION_THREADS ?? Math.min(2, Math.max(1, os.availableParallelism() - 1)) },
    heap: { growthPercent: e.PALISADE_HEAP_GROWTH_PERCENT },
    models: {
      policiesDir: e.PALISADE_POLICIES_DIR ? path.resolve(e.PALISADE_POLICIES_DIR) : undefined,
      // A base URL alone (a vLLM without auth) still needs some key for the client.
      openai: e.OPENAI_API_KEY || e.OPENAI_BASE_URL ? { apiKey: e.OPENAI_API_KEY ?? 'none', baseURL: e.OPENAI_BASE_URL } : undefined,
      ollamaHosts: e.OLLAMA_HOST ?? [],
      // Below common servers' idle close (vLLM and Node: 5 s), so a connection is never reused just as the server drops it.
      connections: { idleMs: e.MODEL_CONNECTION_IDLE_MS, maxSockets: e.MODEL_CONNECTIONS_PER_HOST },
      cloudProxy: e.CLOUD_HTTPS_PROXY ? { url: e.CLOUD_HTTPS_PROXY, noProxy: e.CLOUD_NO_PROXY ?? [] } : undefined,
      llama: e.LLAMA_MODEL_PATH
        ? { modelPath: path.resolve(e.LLAMA_MODEL_PATH), threads: e.LLAMA_THREADS, parallel: e.LLAMA_PARALLEL, contextSize: e.LLAMA_CONTEXT_SIZE, gpuLayers: e.LLAMA_GPU_LAYERS, loadTimeoutMs: e.LLAMA_LOAD_TIMEOUT_SECONDS * 1000 }
        : undefined,
    },
  };
}
