// The audit chain's witness outside the database: the sealer's signed checkpoints (file, mirror
// file, syslog over UDP), and `audit verify` holding the chain to them, so that cutting the chain's
// tail as a superuser (triggers disabled, head moved back) is found; the evidence bundle carries
// the checkpoints and the public key to check them with.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../server/audit/append.ts';
import { readChainHead, startCheckpointer } from '../../server/audit/checkpointer.ts';
import { sealAudit } from '../../server/audit/seal.ts';
import { verifyChain } from '../../server/audit/verify.ts';
import { checkpointFile, localWitness, type WitnessCheckpoint } from '../../server/audit/witness.ts';
import { writeEvidence } from '../../server/privacy/evidence.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface Verified {
  ok: boolean;
  headSeq: string;
  firstBroken?: { seq: string | null; chainSeq: string; problem: string };
  witnessed?: { chainSeq: string; hash: string; node: string } | null;
}

let server: TestServer;
let token = '';
let file = '';
let mirror = '';
const syslog: string[] = [];
const listener = dgram.createSocket('udp4');

const verify = () => api<Verified>(server, 'GET', '/api/audit/verify', { token });
const lines = (f = file) =>
  fs.existsSync(f)
    ? fs
        .readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as WitnessCheckpoint)
    : [];
const append = (n: number) =>
  server.deps.db.dataSource.transaction((tx) =>
    appendAudit(
      tx,
      ...Array.from({ length: n }, (_, i) => ({
        actor: { type: 'system' as const, id: 'test' },
        action: 'test.event',
        details: { i },
      })),
    ),
  );

/** Waits until the sealer has signed the head as it is now. */
async function checkpointed(): Promise<WitnessCheckpoint> {
  await sealAudit(server.deps.db.dataSource);
  const head = await readChainHead(server.deps.db.dataSource);
  for (let i = 0; i < 200; i++) {
    const newest = lines().at(-1);
    if (newest && BigInt(newest.chainSeq) >= BigInt(head.seq)) return newest;
    await sleep(25);
  }
  throw new Error('no checkpoint of the head');
}

/** What an attacker with the database's superuser does: drop the newest events, move the head back to the last one kept. */
async function cutTail(events: number): Promise<string> {
  return server.deps.db.dataSource.transaction(async (tx) => {
    const [keep] = (await tx.query(
      `SELECT chain_seq::text AS seq, hash FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC OFFSET $1 LIMIT 1`,
      [events],
    )) as { seq: string; hash: string }[];
    await tx.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
    await tx.query(`ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only`);
    await tx.query(`DELETE FROM audit_events WHERE chain_seq > $1 OR chain_seq IS NULL`, [keep!.seq]);
    await tx.query(`UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [keep!.seq, keep!.hash]);
    await tx.query(`ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_forward_only`);
    await tx.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    return keep!.seq;
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
  listener.on('message', (m) => syslog.push(m.toString('utf8')));
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'palisade-mirror-'));
  mirror = path.join(dir, 'checkpoints.jsonl');
  server = await startTestServer({
    AUDIT_SEAL_INTERVAL_MS: '20',
    AUDIT_CHECKPOINT_EVERY_EVENTS: '1',
    AUDIT_CHECKPOINT_MIRROR_FILE: mirror,
    AUDIT_CHECKPOINT_SYSLOG: `udp://127.0.0.1:${listener.address().port}`,
  });
  file = checkpointFile(server.dataDir);
  await seedStaff(server, {
    email: 'co@bank.example',
    password: 'correct horse battery staple',
    role: 'compliance_officer',
  });
  token = (await bearerLogin(server, 'co@bank.example', 'correct horse battery staple')).accessToken;
});
afterAll(async () => {
  await server?.stop();
  listener.close();
});

describe('checkpoints', () => {
  it('the sealer signs the head into a 0600 file in the data directory, the mirror file and syslog', async () => {
    await append(3);
    const newest = await checkpointed();
    const head = await readChainHead(server.deps.db.dataSource);
    expect(newest).toMatchObject({ v: 1, node: server.deps.nodeId, chainSeq: head.seq, hash: head.hash });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // The mirror gets the same line right after the file.
    for (let i = 0; i < 100 && !lines(mirror).some((l) => l.sig === newest.sig); i++) await sleep(20);
    expect(lines(mirror)).toContainEqual(newest);
    expect(lines(mirror)).toEqual(lines().slice(0, lines(mirror).length));
    for (let i = 0; i < 100 && !syslog.some((m) => m.includes(newest.sig)); i++) await sleep(20);
    expect(syslog.find((m) => m.includes(newest.sig))).toMatch(/^<37>1 \S+ \S+ palisade \d+ audit\.checkpoint - \{/);
  });

  it('checkpoints of two nodes in one file do not conflict: each is a signed view of the one chain', async () => {
    const config = server.deps.config;
    const key = localWitness(server.dataDir, server.deps.secrets.auditCheckpointKey).key;
    const nodes = await Promise.all(
      ['node-a', 'node-b'].map((node) =>
        startCheckpointer({
          db: server.deps.db.dataSource,
          config,
          key,
          node,
          logger: server.deps.logger,
          now: () => new Date(),
        }),
      ),
    );
    for (const n of nodes) {
      await append(2);
      await sealAudit(server.deps.db.dataSource);
      await n.afterPass(true);
    }
    // The server's own sealer writes to the same file meanwhile (it is a third node here).
    const written = lines().map((l) => l.node);
    expect(written.filter((n) => n !== server.deps.nodeId).slice(-2)).toEqual(['node-a', 'node-b']);
    expect(written).toContain(server.deps.nodeId);
    const newest = lines().at(-1)!; // read first: the sealer may sign the verification's own event after it
    const res = await verify();
    expect(res.body).toMatchObject({ ok: true });
    expect(BigInt(res.body.witnessed!.chainSeq)).toBeGreaterThanOrEqual(BigInt(newest.chainSeq));
  });
});

describe('audit verify holds the chain to the newest checkpoint', () => {
  it('a checkpoint whose signature does not hold fails the verification', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const newest = await checkpointed();
    const forged = { ...newest, chainSeq: String(BigInt(newest.chainSeq) + 1000n) };
    fs.appendFileSync(file, JSON.stringify(forged) + '\n');
    const res = await verify();
    expect(res.body).toMatchObject({
      ok: false,
      firstBroken: { problem: 'checkpoint_signature_invalid', chainSeq: forged.chainSeq },
    });
    fs.writeFileSync(
      file,
      before +
        lines()
          .filter((l) => l.chainSeq !== forged.chainSeq && !before.includes(l.sig))
          .map((l) => JSON.stringify(l) + '\n')
          .join(''),
    );
    expect((await verify()).body.ok).toBe(true);
  });

  it('cutting the tail and moving the head back passes the hash chain but fails as checkpoint_ahead_of_chain', async () => {
    await append(5);
    const signed = await checkpointed();
    const before = await verify();
    expect(before.body).toMatchObject({ ok: true, witnessed: { chainSeq: signed.chainSeq } });
    const kept = await cutTail(8);
    const newest = lines().at(-1)!; // the sealer may have signed the verification's own event too
    expect(BigInt(newest.chainSeq)).toBeGreaterThanOrEqual(BigInt(signed.chainSeq));
    // The chain alone still links up: without the witness it says ok.
    expect((await server.deps.db.dataSource.transaction((tx) => verifyChain(tx))).ok).toBe(true);
    const after = await verify();
    expect(after.body.ok).toBe(false);
    // A sealer pass under way during the cut may have appended a checkpoint of the old head since.
    const held = lines().at(-1)!;
    expect(BigInt(held.chainSeq)).toBeGreaterThanOrEqual(BigInt(newest.chainSeq));
    expect(after.body.firstBroken).toMatchObject({
      problem: 'checkpoint_ahead_of_chain',
      chainSeq: held.chainSeq,
      seq: null,
    });
    expect(BigInt(after.body.headSeq)).toBeLessThan(BigInt(newest.chainSeq));
    expect(BigInt(after.body.headSeq)).toBeGreaterThanOrEqual(BigInt(kept));
  });

  it('a chain grown past the checkpoint again holds another event there: checkpoint_hash_mismatch, and no new checkpoint signs it', async () => {
    const newest = lines().at(-1)!;
    await append(20);
    await sealAudit(server.deps.db.dataSource);
    await sleep(200); // sealer passes: none may sign the regrown head
    expect(lines().at(-1)).toEqual(newest);
    const res = await verify();
    expect(res.body.ok).toBe(false);
    expect(res.body.firstBroken).toMatchObject({ problem: 'checkpoint_hash_mismatch', chainSeq: newest.chainSeq });
    expect(res.body.firstBroken!.seq).not.toBeNull();
  });

  it('the evidence bundle carries the checkpoints and the public key that checks them', async () => {
    const out = path.join(server.dataDir, 'evidence');
    const witness = localWitness(server.dataDir, server.deps.secrets.auditCheckpointKey);
    const summary = await writeEvidence(
      { dataSource: server.deps.db.dataSource, config: server.deps.config, now: server.deps.now, witness },
      out,
      { type: 'system', id: 'test' },
    );
    expect(summary.files).toEqual(expect.arrayContaining(['audit-checkpoints.jsonl', 'audit-checkpoint-key.json']));
    expect(summary.chain.firstBroken?.problem).toBe('checkpoint_hash_mismatch');
    expect(fs.readFileSync(path.join(out, 'audit-checkpoints.jsonl'), 'utf8')).toBe(fs.readFileSync(file, 'utf8'));
    expect(fs.readFileSync(path.join(out, 'README.txt'), 'utf8')).toContain('held to the checkpoint signed by');
    // An auditor's check, with the bundle's public key alone.
    const { publicKey, keyId } = JSON.parse(fs.readFileSync(path.join(out, 'audit-checkpoint-key.json'), 'utf8')) as {
      publicKey: string;
      keyId: string;
    };
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKey, 'base64')]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const copied = lines(path.join(out, 'audit-checkpoints.jsonl'));
    expect(copied.length).toBeGreaterThan(3);
    for (const c of copied) {
      const signed = Buffer.from(
        JSON.stringify(['palisade-audit-checkpoint', c.v, c.node, c.chainSeq, c.hash, c.at, c.keyId]),
      );
      expect(c.keyId).toBe(keyId);
      expect(verifySignature(null, signed, key, Buffer.from(c.sig, 'base64'))).toBe(true);
    }
  });
});
