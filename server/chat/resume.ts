// What one connection is sent, in order and gap-free: messages go out by seq with no seq skipped,
// so the highest seq a widget holds from its stream is a cursor it can resume after on any node.
// A message more than one past the last sent, or word from another node that messages up to N are
// committed, makes the connection read the rows after its cursor (an audited read on the visitor's
// behalf) before anything else is sent; events meanwhile wait, in order.
import type { ChatEvent, MessageView } from '../../protocol/widget.ts';

/** Drops messages at or below the last seq sent and reply pieces of an answer this client never saw start. */
export function resumeGate(lastSeq: number, knownIds: Set<string>) {
  let reply: string | null = null;
  return {
    get lastSeq() {
      return lastSeq;
    },
    startReply(id: string) {
      reply = id;
    },
    pass(e: ChatEvent): boolean {
      switch (e.type) {
        case 'message':
          if (e.message.seq <= lastSeq) return false;
          lastSeq = e.message.seq;
          return true;
        case 'reply_start':
          if (knownIds.has(e.replyId) || reply === e.replyId) return false;
          reply = e.replyId;
          return true;
        case 'delta':
          return reply === e.replyId;
        case 'reply_end':
          if (reply !== e.replyId) return false;
          reply = null;
          return true;
        default:
          return true;
      }
    },
  };
}

type Item = ChatEvent | { type: 'committed'; seq: number };

export interface Relay {
  /** a live event or a committed hint, in the order the hub gave them */
  push(item: Item): void;
  /** where output goes from now on (before: held in the array `first` of the join) */
  sink: (e: ChatEvent) => void;
}

/**
 * `readAfter` reads the committed messages after a seq; when it fails, `broken` ends the
 * connection (the widget reconnects and resumes after its gap-free cursor, losing nothing).
 */
export function createRelay(opts: {
  gate: ReturnType<typeof resumeGate>;
  sink: (e: ChatEvent) => void;
  readAfter: (after: number) => Promise<MessageView[]>;
  broken: (error: unknown) => void;
}): Relay {
  const { gate } = opts;
  const waiting: Item[] = [];
  let repairing = false;
  let failed = false;
  /** what the last repair was for: a gap still there at or below it is a hole in the rows (erasure), not a delay */
  let repairedFor = 0;
  const relay: Relay = {
    sink: opts.sink,
    push(item) {
      if (failed) return;
      waiting.push(item);
      drain();
    },
  };
  function drain() {
    while (!repairing && waiting.length) {
      const item = waiting[0]!;
      if (needsRepair(item)) return repair();
      waiting.shift();
      if (item.type !== 'committed' && gate.pass(item)) relay.sink(item);
    }
  }
  function needsRepair(item: Item): boolean {
    if (item.type === 'committed') return item.seq > gate.lastSeq && item.seq > repairedFor;
    return item.type === 'message' && item.message.seq > gate.lastSeq + 1 && item.message.seq > repairedFor;
  }
  function repair() {
    repairing = true;
    const head = waiting[0]!;
    opts.readAfter(gate.lastSeq).then(
      (messages) => {
        for (const message of messages) {
          const e: ChatEvent = { type: 'message', message };
          if (gate.pass(e)) relay.sink(e);
        }
        // A hint past everything read (after the bus came back: "read all") covers what was read.
        if (head.type === 'committed') {
          waiting.shift(); // the read answered it
          repairedFor = Math.max(repairedFor, Math.min(head.seq, gate.lastSeq));
        } else if (head.type === 'message') repairedFor = Math.max(repairedFor, head.message.seq);
        repairing = false;
        drain();
      },
      (error: unknown) => {
        failed = true;
        waiting.length = 0;
        opts.broken(error);
      },
    );
  }
  return relay;
}
