// The environment's schema: every setting, its type and its bounds. config.ts turns a parsed
// environment into the Config the rest of the server reads.
import { z } from 'zod';

// The staff roles (as in db/entities.ts, which config.ts may not import).
const ROLE_NAMES = ['admin', 'agent', 'compliance_officer', 'auditor', 'supervisor'] as const;
export type StaffRoleName = (typeof ROLE_NAMES)[number];

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

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
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' })
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . : and -' })
    .default('palisade:'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  JWT_SECRET: z.string().optional(),
  JWT_SECRET_FILE: z.string().optional(),
  MASTER_KEY: z.string().optional(),
  MASTER_KEY_FILE: z.string().optional(),
  KEY_STORE: z.enum(['file', 'pkcs11']).default('file'),
  PKCS11_MODULE: z.string().min(1).optional(),
  PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
  PKCS11_PIN_FILE: z.string().min(1).optional(),
  PKCS11_KEY_LABEL: z.string().min(1).max(64).default('palisade-master'),
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
  // Semantic retrieval: which embedding target the knowledge base uses (off: lexical only).
  KB_EMBEDDING: z.enum(['off', 'openai', 'llamacpp']).default('off'),
  KB_EMBEDDING_URL: z.url({ message: 'must be an absolute URL such as http://embed.bank.internal:8000/v1' }).optional(),
  KB_EMBEDDING_MODEL: z.string().min(1).optional(),
  KB_EMBEDDING_LOCATION: z.enum(['local', 'cloud']).default('cloud'),
  KB_EMBEDDING_GGUF: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  WIDGET_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
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
  PALISADE_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . and -' })
    .optional(),
  RETENTION_INTERVAL_SECONDS: int(0, 604800).default(3600),
  RETENTION_POLICY_FILE: z.string().min(1).optional(),
  // how long a revealed personal value stays visible in the agent's console before it is masked again
  AGENT_REVEAL_SECONDS: int(10, 3600).default(300),
  PALISADE_POLICIES_DIR: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ message: 'must be an absolute URL such as http://vllm.bank.internal:8000/v1' }).optional(),
  OLLAMA_HOST: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`)),
    )
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
  CLOUD_HTTPS_PROXY: z
    .url({
      protocol: /^http$/,
      message: 'must be an http:// URL of a CONNECT proxy such as http://proxy.bank.internal:3128',
    })
    .optional(),
  CLOUD_NO_PROXY: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .optional(),
  AUTH_LOCAL_PASSWORDS: bool.default(true),
  MFA_REQUIRED_ROLES: z
    .string()
    .default('admin,compliance_officer')
    .transform((v) =>
      v.trim() === 'none'
        ? []
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .pipe(
      z.array(z.enum(ROLE_NAMES, { message: `must be none or a comma-separated list of ${ROLE_NAMES.join(', ')}` })),
    ),
  MFA_CHALLENGE_TTL_SECONDS: int(30, 900).default(300),
  SSO_ISSUER_URL: z
    .url({ message: 'must be the IdP issuer URL, e.g. https://keycloak.bank.internal/realms/staff' })
    .optional(),
  SSO_CLIENT_ID: z.string().min(1).optional(),
  SSO_CLIENT_SECRET_FILE: z.string().min(1).optional(),
  SSO_SCOPES: z
    .string()
    .default('openid email profile')
    .refine((v) => v.split(/\s+/).includes('openid'), { message: 'must include openid' }),
  SSO_REDIRECT_URL: z.url({ message: 'must be an absolute URL ending in /api/auth/sso/callback' }).optional(),
  SSO_POST_LOGOUT_REDIRECT_URL: z.url().optional(),
  SSO_ACCOUNTS: z
    .enum(['link', 'create'], {
      message: 'must be link (existing accounts, by verified email) or create (also create on first sign-in)',
    })
    .default('link'),
  SSO_CLOCK_TOLERANCE_SECONDS: int(0, 300).default(60),
  METRICS_LISTEN: z
    .string()
    .regex(/^(?:(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):)?\d{1,5}$/, {
      message: 'must be PORT or HOST:PORT, such as 127.0.0.1:9464',
    })
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, { message: 'the port must be at most 65535' })
    .optional(),
  METRICS_TOKEN_FILE: z.string().min(1).optional(),
});
