// JSON logs. The privacy format is the last line of defence: log calls pass ids and counts, and
// anything that looks like message text or personal data is replaced before it is written.
// A line about a request carries its id because the caller passes it (`requestId` field), not
// through AsyncLocalStorage: that turns on promise hooks for every promise in the process, which
// cost the streaming gateway about a tenth of its CPU per request (one hook run per await).
import winston from 'winston';

const REDACTED = '[redacted]';
/** Field names whose values are message bodies, secrets or personal data, at any depth. */
const FORBIDDEN_KEYS = new Set(
  [
    'text',
    'body',
    'content',
    'messagetext',
    'prompt',
    'completion',
    'password',
    'passwordhash',
    'secret',
    'token',
    'accesstoken',
    'refreshtoken',
    'setuptoken',
    'authorization',
    'cookie',
    'setcookie',
    'email',
    'phone',
    'name',
    'displayname',
    'firstname',
    'lastname',
    'fullname',
    'address',
    'iban',
    'card',
    'cardnumber',
    'ssn',
    'dob',
    'dateofbirth',
    'ip',
    'ipaddress',
    'useragent',
    'query',
    'querystring',
    'reason',
    'detail',
    'parameters',
  ].map((k) => k.toLowerCase()),
);
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){7,}/;
/** Our own ids are UUIDs; their digit runs are not personal data. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Log messages are event names (`http.request`, `audit.verify.failed`), never sentences with data. */
const EVENT_NAME = /^[A-Za-z0-9_.:/ -]{1,80}$/;

const normaliseKey = (key: string) => key.replace(/[^a-z0-9]/gi, '').toLowerCase();

export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string')
    return !UUID.test(value) && (EMAIL.test(value) || LONG_DIGITS.test(value)) ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value instanceof Error)
    return { name: value.name, code: (value as { code?: unknown }).code, message: scrub(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = FORBIDDEN_KEYS.has(normaliseKey(k)) ? REDACTED : scrub(v, depth + 1);
    return out;
  }
  return value;
}

const privacy = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    if (key === 'message') {
      const msg = info.message;
      info.message =
        typeof msg === 'string' && EVENT_NAME.test(msg) && !EMAIL.test(msg) && !LONG_DIGITS.test(msg) ? msg : REDACTED;
      continue;
    }
    info[key] = FORBIDDEN_KEYS.has(normaliseKey(key)) ? REDACTED : scrub(info[key]);
  }
  return info;
});

export type Logger = winston.Logger;

export function createLogger(opts: { level: string; stream?: NodeJS.WritableStream }): Logger {
  const transport = opts.stream
    ? new winston.transports.Stream({ stream: opts.stream })
    : new winston.transports.Console();
  // winston formats every call and filters by level only in the transport: a line below the level
  // is dropped first here, before the timestamp, the privacy scrub and JSON are made for nothing.
  const enabled = winston.format((info) => (logger.isLevelEnabled(info.level) ? info : false));
  const logger: Logger = winston.createLogger({
    level: opts.level,
    format: winston.format.combine(enabled(), winston.format.timestamp(), privacy(), winston.format.json()),
    transports: [transport],
  });
  // Even a line the format drops went through winston's stream machinery first (a write into its
  // Transform): the level methods return at once below the level, as `log` itself still filters.
  for (const level of Object.keys(logger.levels)) {
    const write = (logger as unknown as Record<string, (...args: unknown[]) => Logger>)[level];
    if (typeof write !== 'function') continue;
    // `this`, not `logger`: a child logger (Object.create of this one) keeps its own metadata.
    (logger as unknown as Record<string, unknown>)[level] = function (this: Logger, ...args: unknown[]) {
      return this.isLevelEnabled(level) ? write.apply(this, args) : this;
    };
  }
  return logger;
}
