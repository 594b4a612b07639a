// A target that failed `failures` separate requests in a row rests for `seconds`; then one request
// (the half-open probe) is let through: its success puts the target back in use, its failure
// starts another rest. Kept per gateway process: each node learns its own view of a host's health.
//
// Failures that arrive together count as one: a failure counts only when its attempt was sent
// after the last counted failure arrived (requests already in flight then met the same event, a
// restart or a dropped connection, and say nothing new), and only once per request (a request's
// own retries are not separate evidence). A success ends the streak.
import type { FailureCause } from '../model/errors.ts';

export interface Cooldowns {
  /** may `request` use the target now: it is in use, or resting over and this request takes the one probe */
  admit(targetId: string, request: object): boolean;
  /** the target rests now (a probe under way counts as resting for everyone else) */
  isCooling(targetId: string): boolean;
  /** what put the target to rest (the last counted failure's cause) */
  cause(targetId: string): FailureCause | undefined;
  /** marks an attempt's send: the mark `failed` compares with the last counted failure */
  sent(targetId: string): number;
  failed(targetId: string, attempt: { request: object; sent: number; cause: FailureCause }): void;
  succeeded(targetId: string): void;
  /** the request is over: a probe it held and did not settle (cancelled, passed over) is free again */
  release(request: object): void;
}

interface State {
  /** separate failures counted in this streak */
  streak: number;
  /** bumped at each counted failure: an attempt sent before the bump shares its cause */
  mark: number;
  counted: WeakSet<object>;
  until: number;
  cause?: FailureCause;
  /** the request holding the half-open probe, once the rest is over */
  probe?: object;
}

export function createCooldowns(opts: { failures: () => number; seconds: () => number; now: () => number }): Cooldowns {
  const state = new Map<string, State>();
  const of = (id: string): State => {
    let s = state.get(id);
    if (!s) state.set(id, (s = { streak: 0, mark: 0, counted: new WeakSet(), until: 0 }));
    return s;
  };
  const resting = (s: State | undefined) => s !== undefined && s.until > 0;
  const rest = (s: State) => {
    s.until = opts.now() + opts.seconds() * 1000;
    s.streak = 0;
    s.counted = new WeakSet();
    s.probe = undefined;
  };
  return {
    admit(id, request) {
      const s = state.get(id);
      if (!resting(s)) return true;
      if (s!.until > opts.now()) return false;
      if (s!.probe && s!.probe !== request) return false;
      s!.probe = request;
      return true;
    },
    isCooling(id) {
      const s = state.get(id);
      return resting(s) && (s!.until > opts.now() || s!.probe !== undefined);
    },
    cause: (id) => state.get(id)?.cause,
    sent: (id) => state.get(id)?.mark ?? 0,
    failed(id, { request, sent, cause }) {
      const s = of(id);
      if (resting(s)) {
        // the probe failed: another rest; anyone else's failure now says nothing new
        if (s.probe === request) {
          s.cause = cause;
          s.mark += 1;
          rest(s);
        }
        return;
      }
      if (sent < s.mark || s.counted.has(request)) return;
      s.counted.add(request);
      s.mark += 1;
      s.cause = cause;
      s.streak += 1;
      if (s.streak >= opts.failures()) rest(s);
    },
    succeeded: (id) => {
      state.delete(id);
    },
    release(request) {
      for (const s of state.values()) if (s.probe === request) s.probe = undefined;
    },
  };
}
