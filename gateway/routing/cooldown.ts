// A target that failed `failures` times in a row rests for `seconds`; one success resets it.
// Kept per gateway process: each node learns its own view of a host's health.
export interface Cooldowns {
  isCooling(targetId: string): boolean;
  failed(targetId: string): void;
  succeeded(targetId: string): void;
}

export function createCooldowns(opts: { failures: () => number; seconds: () => number; now: () => number }): Cooldowns {
  const state = new Map<string, { streak: number; until: number }>();
  return {
    isCooling: (id) => (state.get(id)?.until ?? 0) > opts.now(),
    failed(id) {
      const s = state.get(id) ?? { streak: 0, until: 0 };
      s.streak += 1;
      if (s.streak >= opts.failures()) {
        s.until = opts.now() + opts.seconds() * 1000;
        s.streak = 0;
      }
      state.set(id, s);
    },
    succeeded: (id) => {
      state.delete(id);
    },
  };
}
