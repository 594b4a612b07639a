// The chat's hot-path statements (server/chat/turn.ts, their SQL in server/chat/store/turn.ts)
// against the real database: the transcript an answer is made from is the newest messages only,
// read with the lock or on its own alike, and an answer is not stored once the conversation left the AI.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSISTANT, chatTransaction } from '../../server/chat/env.ts';
import { ANSWER_TRANSCRIPT_MESSAGES } from '../../server/chat/store/turn.ts';
import {
  isClientIdConflict,
  lockTurn,
  readTurnTranscript,
  storeAnswer,
  writeTurnMessage,
} from '../../server/chat/turn.ts';
import { preparedQuery } from '../../server/db/prepared.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { readyVisitor } from '../support/widget.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
});
afterAll(async () => {
  await server?.stop();
});

describe('chat turns', () => {
  it('reads the newest messages for an answer, oldest first, the same with the lock or alone', async () => {
    const v = await readyVisitor(server, {
      decisions: { ai_local: false, ai_cloud: false, transcript_keep: false, voice_input: false },
    });
    const id = v.conversation.id;
    const total = ANSWER_TRANSCRIPT_MESSAGES + 7;
    await chatTransaction({ deps: server.deps }, ASSISTANT, 'test.fill', async (ctx) => {
      const turn = await lockTurn(ctx, id);
      for (let i = 1; i <= total; i++)
        await writeTurnMessage(ctx, turn, { role: i % 2 ? 'visitor' : 'assistant', text: `message ${i}` });
    });
    for (const transcript of [true, false]) {
      const messages = await chatTransaction({ deps: server.deps }, ASSISTANT, 'test.read', async (ctx) =>
        readTurnTranscript(ctx, await lockTurn(ctx, id, { transcript }), { purpose: 'ai_answer', actor: ASSISTANT }),
      );
      expect(messages).toHaveLength(ANSWER_TRANSCRIPT_MESSAGES);
      expect(messages[0]).toMatchObject({
        seq: total - ANSWER_TRANSCRIPT_MESSAGES + 1,
        text: `message ${total - ANSWER_TRANSCRIPT_MESSAGES + 1}`,
      });
      expect(messages.at(-1)).toMatchObject({ seq: total, text: `message ${total}` });
    }
  });

  it("stores an answer only while the conversation is open and the AI's", async () => {
    const v = await readyVisitor(server);
    const id = v.conversation.id;
    const key = await chatTransaction(
      { deps: server.deps },
      ASSISTANT,
      'test.key',
      async (ctx) => (await lockTurn(ctx, id)).key,
    );
    const answer = (text: string) =>
      storeAnswer(server.deps.db.dataSource, {
        conversationId: id,
        key,
        id: randomUUID(),
        text,
        meta: {},
        now: new Date(),
        actor: ASSISTANT,
      });
    const stored = await answer('first');
    expect(stored).toMatchObject({ seq: 1, role: 'assistant', text: 'first' });
    await server.deps.db.dataSource.query(`UPDATE conversations SET mode = 'agent', status = 'handoff' WHERE id = $1`, [
      id,
    ]);
    expect(await answer('too late')).toBeNull();
    const rows = (await server.deps.db.dataSource.query(
      `SELECT seq::int AS seq FROM messages WHERE conversation_id = $1`,
      [id],
    )) as { seq: number }[];
    expect(rows).toEqual([{ seq: 1 }]);
  });

  it('runs the turn as named statements, prepared once per connection, with errors as TypeORM reports them', async () => {
    const v = await readyVisitor(server);
    const id = v.conversation.id;
    const write = (clientId: string) =>
      chatTransaction({ deps: server.deps }, ASSISTANT, 'test.write', async (ctx) => {
        const turn = await lockTurn(ctx, id, { consents: true, transcript: true, clientId });
        await writeTurnMessage(ctx, turn, { role: 'visitor', text: 'hello', clientId });
        // the same connection (the transaction's) has the turn's statements prepared by name
        return (await ctx.tx.query(`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'pal\\_%'`)) as {
          name: string;
          statement: string;
        }[];
      });
    const prepared = await write('client-0001');
    expect(prepared.some((p) => p.statement.includes('FOR UPDATE OF c'))).toBe(true);
    expect(prepared.some((p) => p.statement.includes('WITH counter AS'))).toBe(true);
    // a second send reuses them: no new names for the same texts
    const again = await write('client-0002');
    expect(new Set(again.map((p) => p.name)).size).toBe(again.length);
    // a failure is TypeORM's QueryFailedError with the driver's code, as for plain text
    const error = await chatTransaction({ deps: server.deps }, ASSISTANT, 'test.dup', async (ctx) => {
      const turn = await lockTurn(ctx, id);
      return writeTurnMessage(ctx, turn, { role: 'visitor', text: 'again', clientId: 'client-0001' }).then(
        () => null,
        (e: unknown) => e,
      );
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'QueryFailedError', driverError: { code: '23505' } });
    expect(isClientIdConflict(error)).toBe(true);
    const counted = (await preparedQuery(
      server.deps.db.dataSource,
      'SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1',
      [id],
    )) as { n: number }[];
    expect(counted).toEqual([{ n: 2 }]);
  });
});
