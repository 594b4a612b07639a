// Time as a dependency, so tests can make backoff and cooldown instant and deterministic.
import { RequestCancelled } from './errors.ts';

export interface Clock {
  now(): number;
  /** resolves after ms; a test clock may resolve at once */
  wait(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Waits, but gives up with RequestCancelled as soon as the caller leaves. */
export async function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new RequestCancelled();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new RequestCancelled());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([clock.wait(ms), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
