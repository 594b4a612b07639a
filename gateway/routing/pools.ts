// OpenAI-compatible model pools declared in the routing policy: a vLLM pool on the bank's GPU hosts
// and a cloud API side by side, each with its own base URLs, key file and locality. The locality
// decides which consent and redaction rules apply, so a misdeclaration is refused at load: a
// target's location must be its pool's locality, and a pool that names a known cloud API or a
// public address cannot call itself local.
import { isIP } from 'node:net';
import { z } from 'zod';

/** Hosts of cloud model APIs: a pool naming one is a cloud pool, whatever the file says. */
export const CLOUD_API_HOSTS = [
  'api.openai.com',
  '.openai.azure.com',
  'api.anthropic.com',
  'generativelanguage.googleapis.com',
  'aiplatform.googleapis.com',
  'api.mistral.ai',
  'api.groq.com',
  'api.together.xyz',
  'openrouter.ai',
  'api.deepseek.com',
  'api.cohere.com',
  'api.fireworks.ai',
] as const;

const baseURL = z.url({
  protocol: /^https?$/,
  message: 'must be an http(s) URL such as http://gpu1.bank.internal:8000/v1',
});

export const ModelPool = z.strictObject({
  /** local: the bank's own hosts (may see what the routing rules allow locally); cloud: only with cloud consent */
  locality: z.enum(['local', 'cloud']),
  /** one or more OpenAI-compatible endpoints serving the same models; requests go to the least busy healthy one */
  baseURLs: z.array(baseURL).min(1).max(64),
  /** a file holding the API key (mode 0600); absent: the endpoint needs none */
  apiKeyFile: z.string().min(1).optional(),
  /** seconds between health checks of each base URL (GET /models); 0: only after a failure */
  healthSeconds: z.number().int().min(0).max(3600).optional(),
});
export type ModelPool = z.infer<typeof ModelPool>;

function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(h) === 6)
    return h === '::1' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || /^::ffff:(10|127|192\.168)\./.test(h);
  return true; // a name: resolved by the bank's own DNS, which the file's author answers for
}

export const isLoopback = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(host);

/**
 * Why a pool's declaration cannot be trusted, or undefined. Pure: names only, no DNS. A local pool
 * may not name a cloud API's host or a public IP address; a cloud pool speaks TLS (plain http
 * only to a loopback relay on this machine).
 */
export function poolMisdeclared(pool: ModelPool): string | undefined {
  for (const raw of pool.baseURLs) {
    const url = new URL(raw);
    const host = url.hostname.toLowerCase();
    if (pool.locality === 'local') {
      const cloud = CLOUD_API_HOSTS.find((c) => (c.startsWith('.') ? host.endsWith(c) : host === c));
      if (cloud) return `${raw} is a cloud API (${host}): declare the pool locality: cloud`;
      if (!isPrivateAddress(host))
        return `${raw} is a public address: a local pool runs on the bank's own hosts (declare it locality: cloud)`;
    } else if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      return `${raw}: a cloud pool is reached over https (plain http only to a relay on this machine)`;
    }
  }
  return undefined;
}
