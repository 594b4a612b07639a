// The subject key store on several nodes: one directory all nodes mount (here a symlinked directory
// standing in for the mounted one, as docs/operations.md lays out). A subject made through node A
// is read through node B; an erasure through B leaves nothing that A can open. A node with a key
// store of its own (the misconfiguration the layout prevents) opens nothing of A's subjects.
// Skipped only when no PostgreSQL server answers (CI has one).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../protocol/widget.ts';
import { createNodes, type Node, type Nodes, postgresAnswers } from '../support/nodes.ts';
import { NONE_GRANTED, readyVisitor, sendMessage, type Visitor, visitorApi } from '../support/widget.ts';

const available = await postgresAnswers();

describe.skipIf(!available)('the key store shared by two nodes', () => {
  let cluster: Nodes;
  let a: Node;
  let b: Node;
  let apart: Node;

  beforeAll(async () => {
    cluster = await createNodes();
    a = await cluster.start('node-a');
    [b, apart] = await Promise.all([cluster.start('node-b'), cluster.start('node-apart', { ownKeyStore: true })]);
  }, 300_000);

  afterAll(() => cluster?.stop(), 60_000);

  const transcript = (v: Visitor, node: Node) =>
    visitorApi<{ messages: MessageView[]; error?: { id: string } }>({ ...v, server: node }, 'GET', '/conversation');
  const secretFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.key'));

  it('opens through B what A sealed; an erasure through B leaves A nothing to open', async () => {
    const v = await readyVisitor(a, { decisions: { ...NONE_GRANTED, transcript_keep: true } });
    const text = 'my account number is 12345678';
    expect((await sendMessage(v, text)).status).toBe(201);
    // A made the subject's secret in the shared directory; B's data directory sees the same file.
    const made = secretFiles(cluster.keyStore);
    expect(made).toHaveLength(1);
    expect(secretFiles(path.join(b.dataDir, 'keystore'))).toEqual(made);

    const throughB = await transcript(v, b);
    expect(throughB.status).toBe(200);
    expect(throughB.body.messages.map((m) => m.text)).toContain(text);
    // A node on a key store of its own finds no secret for the subject: to it, the key is destroyed.
    const throughApart = await transcript(v, apart);
    expect(throughApart.status).toBe(410);
    expect(throughApart.body.error?.id).toBe('subject_key_destroyed');

    const erased = await visitorApi<{ request: { state: string } }>({ ...v, server: b }, 'POST', '/me/erasure', {
      body: { confirm: true },
    });
    expect(erased.status).toBe(202);
    expect(erased.body.request.state).toBe('done');
    // The secret is gone from the one directory, as A sees it too.
    expect(secretFiles(path.join(a.dataDir, 'keystore'))).toEqual([]);
    const throughA = await transcript(v, a);
    expect(throughA.status).toBe(410);
    expect(throughA.body.error?.id).toBe('subject_erased');
  }, 60_000);
});
