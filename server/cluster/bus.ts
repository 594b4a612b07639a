// The bus the nodes of one install talk over: typed topics, small payloads (ids, never personal
// data or message text: a receiving node reads the row itself). Three carriers share this contract:
// the process (one node, the embedded database), PostgreSQL LISTEN/NOTIFY (found through
// DATABASE_URL, no further setting) and Redis pub/sub (REDIS_URL). A payload is delivered to every
// subscriber on every node, this node's own synchronously inside publish (meta.local true).
import type { z } from 'zod';

/** NOTIFY takes at most 8000 bytes; the envelope (topic, node) fits in what is left. */
export const MAX_PAYLOAD_BYTES = 7_500;

export interface Topic<T> {
  readonly name: string;
  /** the payload as sent by another node, checked; undefined: not this topic's shape (dropped) */
  parse(raw: unknown): T | undefined;
}

/** A topic whose payloads another node's publish is checked against (zod). */
export function topic<S extends z.ZodType>(name: string, schema: S): Topic<z.infer<S>> {
  if (!/^[a-z][a-z0-9_.-]{0,39}$/.test(name)) throw new Error(`bad topic name ${name}`);
  return {
    name,
    parse(raw) {
      const r = schema.safeParse(raw);
      return r.success ? r.data : undefined;
    },
  };
}

export interface BusMeta {
  /** the node that published it */
  node: string;
  /** published on this node (delivered inside publish) */
  local: boolean;
}

export type BusHandler<T> = (payload: T, meta: BusMeta) => void;

export interface Bus {
  readonly kind: 'process' | 'postgres' | 'redis';
  readonly nodeId: string;
  /** to every subscriber of the topic on every node; throws when the payload is over MAX_PAYLOAD_BYTES */
  publish<T>(topic: Topic<T>, payload: T): void;
  /** returns the unsubscribe function; a throwing handler is logged and kept */
  subscribe<T>(topic: Topic<T>, handler: BusHandler<T>): () => void;
  /** called after the carrier came back from a loss (payloads of the gap are not delivered): read the rows again */
  onResync(listener: () => void): () => void;
  /** resolves once this node receives other nodes' payloads */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** What crosses between nodes: the topic, the publishing node and the payload. */
export interface Envelope {
  t: string;
  n: string;
  p: unknown;
}

export const payloadTooLarge = (topicName: string, bytes: number) =>
  new Error(`bus payload of ${bytes} bytes on ${topicName} is over ${MAX_PAYLOAD_BYTES}: send ids, not rows`);

/**
 * The local half every carrier shares: subscribers by topic, local delivery, and the dispatch of an
 * envelope from another node (its payload checked by the topic; the node's own echoes dropped).
 */
export function createFanout(nodeId: string, onHandlerError: (topic: string, error: unknown) => void) {
  const subs = new Map<string, Set<{ topic: Topic<unknown>; handler: BusHandler<unknown> }>>();
  const resyncs = new Set<() => void>();
  const run = (topicName: string, payloadOf: (t: Topic<unknown>) => unknown, meta: BusMeta) => {
    const set = subs.get(topicName);
    if (!set) return;
    for (const s of [...set]) {
      const payload = payloadOf(s.topic);
      if (payload === undefined) continue;
      try {
        s.handler(payload, meta);
      } catch (error) {
        onHandlerError(topicName, error);
      }
    }
  };
  return {
    /** the envelope as text, checked for size; the local subscribers called first */
    local<T>(topic: Topic<T>, payload: T): string {
      const text = JSON.stringify({ t: topic.name, n: nodeId, p: payload } satisfies Envelope);
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_PAYLOAD_BYTES) throw payloadTooLarge(topic.name, bytes);
      run(topic.name, () => payload, { node: nodeId, local: true });
      return text;
    },
    /** an envelope from the carrier: ignored when malformed or this node's own */
    remote(text: string): void {
      let env: Envelope;
      try {
        env = JSON.parse(text) as Envelope;
      } catch {
        return;
      }
      if (!env || typeof env.t !== 'string' || typeof env.n !== 'string' || env.n === nodeId) return;
      run(env.t, (t) => t.parse(env.p), { node: env.n, local: false });
    },
    onResync(listener: () => void): () => void {
      resyncs.add(listener);
      return () => void resyncs.delete(listener);
    },
    resync(): void {
      for (const l of [...resyncs]) {
        try {
          l();
        } catch (error) {
          onHandlerError('resync', error);
        }
      }
    },
    subscribe<T>(topic: Topic<T>, handler: BusHandler<T>): () => void {
      let set = subs.get(topic.name);
      if (!set) subs.set(topic.name, (set = new Set()));
      const entry = { topic: topic as Topic<unknown>, handler: handler as BusHandler<unknown> };
      set.add(entry);
      return () => {
        const s = subs.get(topic.name);
        s?.delete(entry);
        if (s && s.size === 0) subs.delete(topic.name);
      };
    },
  };
}

/** One process: publish calls this node's subscribers and nothing else. */
export function processBus(nodeId: string, onHandlerError: (topic: string, error: unknown) => void = () => {}): Bus {
  const fan = createFanout(nodeId, onHandlerError);
  return {
    kind: 'process',
    nodeId,
    publish: (t, p) => void fan.local(t, p),
    subscribe: (t, h) => fan.subscribe(t, h),
    onResync: (l) => fan.onResync(l),
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
