// When the sealer writes a signed checkpoint of the chain's head (see witness.ts): once the head is
// `everyEvents` past the last one, or `intervalSeconds` after it if the head has moved at all (by
// whichever sealer: this node's, a reader's pass, another node's), and a last one at shutdown. Each
// pass reads the one-row head for it.
import type { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { auditStore, type ChainHead } from './store.ts';
import { checkpointFile, newestCheckpoint, signCheckpoint, type WitnessKey, writeCheckpoint } from './witness.ts';

/** After a failed write, the next try waits this long (the sealer passes every few hundred ms). */
const RETRY_MS = 5_000;

export interface Checkpointer {
  /** called after each sealing pass; `final`: at shutdown, write if the head moved */
  afterPass(final?: boolean): Promise<void>;
}

export async function readChainHead(db: Pick<DataSource, 'query'>): Promise<ChainHead> {
  const head = await auditStore.chainHead(db);
  if (!head) throw new Error('audit chain head is missing: run migrations');
  return head;
}

export async function startCheckpointer(props: {
  db: Pick<DataSource, 'query'>;
  config: Config;
  key: WitnessKey;
  node: string;
  logger: Logger;
  now: () => Date;
}): Promise<Checkpointer> {
  const { db, config, key, node, logger } = props;
  const { everyEvents, intervalSeconds, mirrorFile, syslog } = config.audit.checkpoint;
  const targets = { file: checkpointFile(config.dataDir), mirrorFile, syslog };
  const newest = newestCheckpoint(targets.file, key);
  let last = newest ? { seq: newest.checkpoint.chainSeq, hash: newest.checkpoint.hash } : null;
  let lastSeq = last ? BigInt(last.seq) : 0n;
  let diverged = false;
  const head = await readChainHead(db);
  // A restored backup, or a cut: `audit verify` will say so; the log says it now.
  if (BigInt(head.seq) < lastSeq)
    logger.error('audit.checkpoint_ahead_of_chain', { headSeq: head.seq, checkpointSeq: lastSeq.toString() });
  let lastAt = Date.now();
  let retryAt = 0;
  return {
    async afterPass(final = false) {
      const now = Date.now();
      if (!final && now < retryAt) return;
      // The head, not this sealer's count: events sealed by a reader's pass or another node count too.
      const current = await readChainHead(db);
      const moved = BigInt(current.seq) - lastSeq;
      if (moved <= 0n) return;
      const due =
        final || moved >= BigInt(everyEvents) || (intervalSeconds > 0 && now - lastAt >= intervalSeconds * 1000);
      if (!due) return;
      lastAt = now;
      // A chain cut below the last checkpoint and grown past it again is not signed: the last
      // checkpoint stays the newest, and `audit verify` names the event at its position.
      if (last && !(await stillHolds(db, last))) {
        if (!diverged)
          logger.error('audit.checkpoint_chain_diverged', { checkpointSeq: last.seq, headSeq: current.seq });
        diverged = true;
        return;
      }
      const checkpoint = signCheckpoint(key, current, node, props.now());
      const failed = await writeCheckpoint(targets, checkpoint);
      if (failed.length)
        logger.error('audit.checkpoint_write_failed', { targets: failed.join(','), chainSeq: current.seq });
      if (failed.includes('file')) {
        retryAt = now + RETRY_MS;
        return;
      }
      last = current;
      lastSeq = BigInt(current.seq);
      logger.debug('audit.checkpoint', { chainSeq: current.seq });
    },
  };
}

/** The event at a checkpoint's position still has its hash (or was removed by retention, which keeps the hash of its last). */
async function stillHolds(db: Pick<DataSource, 'query'>, checkpoint: { seq: string; hash: string }): Promise<boolean> {
  const row = await auditStore.position(db, checkpoint.seq);
  if (row?.hash) return row.hash === checkpoint.hash;
  if (row?.retainedHash) return row.retainedHash === checkpoint.hash;
  return row?.retainedSeq != null && BigInt(row.retainedSeq) > BigInt(checkpoint.seq);
}
