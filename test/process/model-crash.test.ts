// A model call cut short by a crash: the appliance (a real child process) is killed with SIGKILL
// while the model's answer streams. The call is on the audit record from its start; the next start
// records it as interrupted (appended, never an update) and answers the visitor's message without
// waiting for another one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort, type Proc, startProcess } from '../support/spawn.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../support/standins/ollama.ts';
import { readyVisitor, sendMessage, visitorApi } from '../support/widget.ts';

interface ModelRecord {
  seq: string;
  outcome: string;
  requestId: string | null;
  details: { outcome: string; call?: string; node?: string; conversationId?: string | null; target?: string | null };
}

let db: TestDatabase;
let dataDir: string;
let ollama: OllamaStandIn;
beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-crash-'));
  ollama = await startOllamaStandIn();
});
afterAll(async () => {
  await ollama?.close();
  if (db.kind === 'postgres') await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = startProcess(['server/main.ts'], {
    PALISADE_DATA_DIR: dataDir,
    PORT: String(port),
    OLLAMA_HOST: ollama.url,
    RETENTION_INTERVAL_SECONDS: '0',
    ...db.env,
  });
  await proc.waitFor(/"message":"server.ready"/, 120_000);
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** The model.request records, read as an auditor with SQL would, while no appliance holds the embedded database. */
async function modelRecords(): Promise<ModelRecord[]> {
  const opened = await openDatabase(
    db.kind === 'postgres' ? db.database : { kind: 'pglite', dir: path.join(dataDir, 'pglite') },
  );
  try {
    return (await opened.dataSource.query(
      `SELECT seq::text AS seq, outcome, request_id AS "requestId", details FROM audit_events WHERE action = 'model.request' ORDER BY seq`,
    )) as ModelRecord[];
  } finally {
    await opened.close();
  }
}

const chatCalls = () => ollama.requests.filter((r) => r.path === '/api/chat').length;

describe('a crash during a model call', () => {
  it('leaves a started record; the next start records it interrupted and answers the visitor', async () => {
    // A slow answer: 60 parts, 250 ms apart.
    ollama.reply = () => Array.from({ length: 60 }, (_, i) => `part${i} `);
    ollama.chunkDelayMs = 250;
    const first = await start();
    const visitor = await readyVisitor({ url: first.url });
    const sent = await sendMessage(visitor, 'When is the branch open on Saturdays?');
    expect(sent.status).toBe(201);
    for (let i = 0; i < 400 && chatCalls() === 0; i++) await sleep(25);
    expect(chatCalls()).toBe(1);
    await sleep(1_500); // the answer is streaming
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;

    const afterCrash = await modelRecords();
    const started = afterCrash.filter((r) => r.details.outcome === 'started');
    expect(started).toHaveLength(1);
    const call = started[0]!.details.call!;
    expect(started[0]!.details).toMatchObject({ target: 'gpu-pool', conversationId: visitor.conversation.id });
    expect(afterCrash.filter((r) => r.details.call === call && r.details.outcome !== 'started')).toEqual([]);

    // The next start: a fast model now.
    ollama.reply = () => ['Saturdays ', 'from 9 ', 'to 13.'];
    ollama.chunkDelayMs = 0;
    const second = await start();
    let messages: { role: string; text: string }[] = [];
    for (let i = 0; i < 600; i++) {
      const res = await visitorApi<{ messages: { role: string; text: string }[] }>(
        { ...visitor, server: { url: second.url } },
        'GET',
        '/conversation',
      );
      messages = res.body.messages ?? [];
      if (messages.some((m) => m.role === 'assistant')) break;
      await sleep(50);
    }
    expect(messages.filter((m) => m.role === 'assistant').map((m) => m.text)).toEqual(['Saturdays from 9 to 13.']);
    expect(chatCalls()).toBe(2);
    expect(second.proc.stdout()).toContain('models.calls_interrupted');
    second.proc.child.kill('SIGTERM');
    expect(await second.proc.exited).toBe(0);

    const records = await modelRecords();
    // Appended, not changed: every record of before the crash is still there as it was.
    expect(records.slice(0, afterCrash.length)).toEqual(afterCrash);
    const ofCall = records.filter((r) => r.details.call === call);
    expect(ofCall.map((r) => [r.outcome, r.details.outcome])).toEqual([
      ['success', 'started'],
      ['failure', 'interrupted'],
    ]);
    expect(ofCall[1]!.details).toMatchObject({
      node: started[0]!.details.node,
      target: 'gpu-pool',
      conversationId: visitor.conversation.id,
    });
    // The answer after the restart is a call of its own, started and ended.
    const resumed = records.filter((r) => r.details.call && r.details.call !== call);
    expect(resumed.map((r) => r.details.outcome)).toEqual(['started', 'answered']);
    expect(new Set(resumed.map((r) => r.details.call)).size).toBe(1);
  }, 300_000);
});
