// The bank's GPU hosts as a pool: each request goes to the healthy host with the fewest requests
// outstanding (ties rotate). A host that fails a request or a health check is left out until a
// later health check answers again.
export interface HostPool {
  /** the host to use, counted as outstanding until release(); undefined when none is healthy */
  acquire(): string | undefined;
  release(host: string, outcome: 'ok' | 'failed'): void;
  outstanding(host: string): number;
  healthy(): string[];
  /** probe every host once now */
  check(): Promise<void>;
  stop(): void;
}

export function createHostPool(hosts: string[], probe: (host: string) => Promise<boolean>, intervalMs: number): HostPool {
  const state = new Map(hosts.map((h) => [h, { outstanding: 0, healthy: true }]));
  let turn = 0;
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
    acquire() {
      turn = (turn + 1) % Math.max(1, hosts.length);
      let best: string | undefined;
      for (let i = 0; i < hosts.length; i += 1) {
        const h = hosts[(turn + i) % hosts.length]!;
        const s = state.get(h)!;
        if (s.healthy && (best === undefined || s.outstanding < state.get(best)!.outstanding)) best = h;
      }
      if (best) state.get(best)!.outstanding += 1;
      return best;
    },
    release(host, outcome) {
      const s = state.get(host);
      if (!s) return;
      s.outstanding = Math.max(0, s.outstanding - 1);
      if (outcome === 'failed') {
        s.healthy = false;
        // probe at once: a single failed request should not bench a host for a whole interval
        void probe(host).then((ok) => (s.healthy = ok), () => undefined);
      }
    },
    outstanding: (host) => state.get(host)?.outstanding ?? 0,
    healthy: () => hosts.filter((h) => state.get(h)!.healthy),
    check,
    stop: () => clearInterval(timer),
  };
}
