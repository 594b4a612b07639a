import { describe, expect, it } from 'vitest';
import type { ChatEvent, MessageView } from '../../protocol/widget.ts';
import { createRelay, resumeGate } from './resume.ts';

const msg = (seq: number): MessageView =>
  ({
    id: `m${seq}`,
    seq,
    role: 'agent',
    text: `t${seq}`,
    createdAt: new Date(0).toISOString(),
    clientId: null,
    attachments: [],
  }) as unknown as MessageView;
const seqs = (out: ChatEvent[]) => out.map((e) => (e.type === 'message' ? e.message.seq : e.type));

function setup(rows: number[], lastSeq = 2) {
  const out: ChatEvent[] = [];
  const reads: number[] = [];
  let release: () => void = () => {};
  const relay = createRelay({
    gate: resumeGate(lastSeq, new Set()),
    sink: (e) => out.push(e),
    readAfter: (after) => {
      reads.push(after);
      return new Promise((resolve) => (release = () => resolve(rows.filter((s) => s > after).map(msg))));
    },
    broken: () => out.push({ type: 'error', error: { id: 'broken', message: '' } }),
  });
  return { out, reads, relay, release: () => release() };
}

describe('the relay of one connection', () => {
  it('reads the gap before a message past it, and holds later events in order', async () => {
    const { out, reads, relay, release } = setup([3, 4, 5]);
    relay.push({ type: 'message', message: msg(5) });
    relay.push({ type: 'typing', by: 'agent' });
    expect(out).toEqual([]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toEqual([2]);
    expect(seqs(out)).toEqual([3, 4, 5, 'typing']);
  });

  it('reads after its cursor when another node committed more, and not for what it has', async () => {
    const { out, reads, relay, release } = setup([3]);
    relay.push({ type: 'committed', seq: 2 });
    expect(reads).toEqual([]);
    relay.push({ type: 'committed', seq: 3 });
    release();
    await new Promise((r) => setTimeout(r, 0));
    relay.push({ type: 'message', message: msg(3) }); // the same message, published locally late
    expect(seqs(out)).toEqual([3]);
  });

  it('sends a message past a hole the rows really have, once read', async () => {
    const { out, reads, relay, release } = setup([3, 5]); // 4 is gone (erased)
    relay.push({ type: 'message', message: msg(5) });
    release();
    await new Promise((r) => setTimeout(r, 0));
    relay.push({ type: 'message', message: msg(6) });
    expect(reads).toEqual([2]);
    expect(seqs(out)).toEqual([3, 5, 6]);
  });
});
