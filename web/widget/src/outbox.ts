// The visitor's outbox sender: messages leave in order, one at a time. A network failure waits
// (with the server's Retry-After, else a doubling back-off up to 15 s) and retries the same
// clientId, so the server stores each message once however often it is sent.
import { ApiError, isRetryable } from './api.ts';
import type { PendingMessage } from './storage.ts';

export interface OutboxHandlers {
  /** The oldest message still waiting, if any. */
  next(): PendingMessage | undefined;
  stopped(): boolean;
  /** Sends one message and shows the stored result; throws what the request threw. */
  deliver(p: PendingMessage): Promise<void>;
  /** A retryable failure: the message stays and is tried again after a wait. */
  retrying(err: unknown): void;
  /** A final failure for this message; returning 'stop' ends the loop (the session is gone). */
  failed(p: PendingMessage, err: unknown): 'stop' | void;
}

export class OutboxSender {
  private sending = false;
  private wake: (() => void) | null = null;

  constructor(private readonly handlers: OutboxHandlers) {}

  /** Ends a back-off wait early (the connection is back). */
  nudge(): void {
    this.wake?.();
  }

  async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    let attempt = 0;
    try {
      for (;;) {
        if (this.handlers.stopped()) return;
        const next = this.handlers.next();
        if (!next) return;
        try {
          await this.handlers.deliver(next);
          attempt = 0;
        } catch (err) {
          if (isRetryable(err)) {
            this.handlers.retrying(err);
            const wait =
              err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000 : Math.min(15_000, 1000 * 2 ** attempt);
            attempt += 1;
            await this.sleep(wait);
          } else if (this.handlers.failed(next, err) === 'stop') {
            return;
          }
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
