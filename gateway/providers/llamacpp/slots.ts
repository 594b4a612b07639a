// A bounded number of parallel sequences with a FIFO queue in front. A waiter whose caller leaves
// is taken out of the queue; a full queue is refused at once (the gateway falls back).
import { ProviderError } from '../../model/errors.ts';

export interface Slots<T> {
  acquire(signal: AbortSignal): Promise<T>;
  release(slot: T): void;
  /** requests waiting for a slot */
  waiting(): number;
  busy(): number;
}

export function createSlots<T>(items: T[], maxQueue: number): Slots<T> {
  const free = [...items];
  const queue: { resolve: (slot: T) => void; reject: (e: Error) => void; signal: AbortSignal; onAbort: () => void }[] =
    [];
  return {
    acquire(signal) {
      const slot = free.pop();
      if (slot !== undefined) return Promise.resolve(slot);
      if (queue.length >= maxQueue) return Promise.reject(new ProviderError('rate_limit', 'llama.cpp queue is full'));
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          resolve,
          reject,
          signal,
          onAbort: () => {
            const i = queue.indexOf(waiter);
            if (i >= 0) queue.splice(i, 1);
            reject(new ProviderError('unavailable', 'aborted while queued'));
          },
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
      });
    },
    release(slot) {
      const next = queue.shift();
      if (!next) return void free.push(slot);
      next.signal.removeEventListener('abort', next.onAbort);
      next.resolve(slot);
    },
    waiting: () => queue.length,
    busy: () => items.length - free.length,
  };
}
