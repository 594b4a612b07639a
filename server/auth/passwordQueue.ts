// Password checks (bcrypt, about a quarter to half a second of CPU each) run a few at a time, with a
// short bounded queue behind them. Without it a flood of sign-ins fills libuv's thread pool and a
// real sign-in waits behind every one of them (tens of seconds). With it:
// - at most `concurrency` checks run; the thread pool keeps threads for the rest of the server;
// - at most `maxQueued` wait; beyond that a check is refused at once (the caller answers 429);
// - a waiting check from a source with fewer checks running goes first, and a full queue makes the
//   source holding the most places give up its newest one to a source holding fewer: a flood from
//   one address cannot keep another address's sign-in waiting for more than the checks running.
// Nothing here knows whether the account exists: an unknown account's check (against a stand-in
// hash) queues and costs the same as a known one's.

export class PasswordQueueFull extends Error {
  constructor() {
    super('password check queue full');
    this.name = 'PasswordQueueFull';
  }
}

interface Waiting {
  source: string;
  seq: number;
  start(): void;
  refuse(): void;
}

export interface PasswordQueue {
  /** runs `work` when a place is free; rejects with PasswordQueueFull when none can be had */
  run<T>(source: string, work: () => Promise<T>): Promise<T>;
  /** whether `run` for this source would get a place now (a cheap look before other work) */
  hasRoom(source: string): boolean;
  stats(): { running: number; queued: number };
}

export function passwordQueue(opts: { concurrency: number; maxQueued: number }): PasswordQueue {
  const waiting: Waiting[] = [];
  const runningBy = new Map<string, number>();
  /** the order in which sources last started a check; kept only while the source has work here */
  const lastStart = new Map<string, number>();
  let running = 0;
  let seq = 0;
  let starts = 0;

  const forget = (source: string) => {
    if (!runningBy.get(source) && !waiting.some((w) => w.source === source)) lastStart.delete(source);
  };
  /** fewest running first, then the source that started least recently, then the oldest */
  const before = (a: Waiting, b: Waiting) =>
    (runningBy.get(a.source) ?? 0) - (runningBy.get(b.source) ?? 0) ||
    (lastStart.get(a.source) ?? -1) - (lastStart.get(b.source) ?? -1) ||
    a.seq - b.seq;

  function pump() {
    while (running < opts.concurrency && waiting.length > 0) {
      let best = 0;
      for (let i = 1; i < waiting.length; i++) if (before(waiting[i]!, waiting[best]!) < 0) best = i;
      const [next] = waiting.splice(best, 1);
      running += 1;
      runningBy.set(next!.source, (runningBy.get(next!.source) ?? 0) + 1);
      lastStart.set(next!.source, ++starts);
      next!.start();
    }
  }

  /** the source that would give up a place to `source` in a full queue: null when none would */
  function evictable(source: string): string | null {
    const held = new Map<string, number>();
    for (const w of waiting) held.set(w.source, (held.get(w.source) ?? 0) + 1);
    let hog: string | undefined;
    for (const [s, n] of held) if (hog === undefined || n > held.get(hog)!) hog = s;
    if (hog === undefined || hog === source || held.get(hog)! <= (held.get(source) ?? 0) + 1) return null;
    return hog;
  }
  const free = () => waiting.length < opts.maxQueued || (running < opts.concurrency && waiting.length === 0);

  /** frees a place for `source` when the queue is full; false when it cannot have one */
  function makeRoom(source: string): boolean {
    if (free()) return true;
    const hog = evictable(source);
    if (hog === null) return false;
    const newest = waiting.findLastIndex((w) => w.source === hog);
    const [evicted] = waiting.splice(newest, 1);
    evicted!.refuse();
    forget(hog);
    return true;
  }

  return {
    run<T>(source: string, work: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!makeRoom(source)) return reject(new PasswordQueueFull());
        waiting.push({
          source,
          seq: ++seq,
          refuse: () => reject(new PasswordQueueFull()),
          start: () => {
            work()
              .then(resolve, reject)
              .finally(() => {
                running -= 1;
                const n = (runningBy.get(source) ?? 1) - 1;
                if (n > 0) runningBy.set(source, n);
                else runningBy.delete(source);
                forget(source);
                pump();
              });
          },
        });
        pump();
      });
    },
    hasRoom: (source) => free() || evictable(source) !== null,
    stats: () => ({ running, queued: waiting.length }),
  };
}
