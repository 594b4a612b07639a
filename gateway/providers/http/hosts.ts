// A pool of model hosts (Ollama hosts, or an OpenAI-compatible pool's base URLs): each request goes
// to the healthy host with the fewest requests outstanding (ties rotate). A host that fails a
// request or a health check is left out until a later health check answers again.
export interface HostPool {
  /** the host to use, counted as outstanding until release(); undefined when none is healthy
   *  (a probe already running is awaited first) */
  acquire(): Promise<string | undefined>;
  release(host: string, outcome: 'ok' | 'failed'): void;
  outstanding(host: string): number;
  healthy(): string[];
  /** every host with its health and load, credentials in a URL left out (the admin's screen shows these) */
  status(): { url: string; healthy: boolean; outstanding: number }[];
  /** probe every host once now */
  check(): Promise<void>;
  stop(): void;
}

/** `http://user:secret@gpu1:8000/v1` → `http://gpu1:8000/v1` */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

export function createHostPool(
  hosts: string[],
  probe: (host: string) => Promise<boolean>,
  intervalMs: number,
): HostPool {
  const state = new Map(hosts.map((h) => [h, { outstanding: 0, healthy: true }]));
  let turn = 0;
  const probing = new Set<Promise<void>>();
  const reprobe = (host: string) => {
    const p = probe(host).then(
      (ok) => void (state.get(host)!.healthy = ok),
      () => undefined,
    );
    probing.add(p);
    void p.finally(() => probing.delete(p));
  };
  const pick = () => {
    turn = (turn + 1) % Math.max(1, hosts.length);
    let best: string | undefined;
    for (let i = 0; i < hosts.length; i += 1) {
      const h = hosts[(turn + i) % hosts.length]!;
      const s = state.get(h)!;
      if (s.healthy && (best === undefined || s.outstanding < state.get(best)!.outstanding)) best = h;
    }
    if (best) state.get(best)!.outstanding += 1;
    return best;
  };
  const check = async () => {
    await Promise.all(
      hosts.map(async (h) => {
        const ok = await probe(h).catch(() => false);
        state.get(h)!.healthy = ok;
      }),
    );
  };
  const timer = intervalMs > 0 ? setInterval(() => void check(), intervalMs) : undefined;
  timer?.unref();
  return {
    async acquire() {
      const host = pick();
      if (host || probing.size === 0) return host;
      await Promise.all([...probing]);
      return pick();
    },
    release(host, outcome) {
      const s = state.get(host);
      if (!s) return;
      s.outstanding = Math.max(0, s.outstanding - 1);
      if (outcome === 'failed') {
        s.healthy = false;
        // probe at once: a single failed request should not bench a host for a whole interval
        reprobe(host);
      }
    },
    outstanding: (host) => state.get(host)?.outstanding ?? 0,
    healthy: () => hosts.filter((h) => state.get(h)!.healthy),
    status: () =>
      hosts.map((h) => ({
        url: withoutCredentials(h),
        healthy: state.get(h)!.healthy,
        outstanding: state.get(h)!.outstanding,
      })),
    check,
    stop: () => clearInterval(timer),
  };
}
