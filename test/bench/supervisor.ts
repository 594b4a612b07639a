// The supervisor's board on a busy appliance: SUPERVISOR_CONVERSATIONS conversations over 30 days
// (50,000 by default, a month of a mid-sized bank; BENCH_QUICK: 5,000), 80 % closed, one in four
// handed to a person (queued and joined notices, an agent's message, its handoff audit event), a
// third rated, one AI answer in ten an "I don't know". Timed: the live board, and the period
// figures for a day, 7 and 30 days; p50 / p95 over 20 reads each.
import type { EntityManager } from 'typeorm';
import type { Config } from '../../server/config.ts';
import { migrate, openDatabase } from '../../server/db/database.ts';
import { liveBoard } from '../../server/staff/supervisor.ts';
import { periodStats } from '../../server/staff/store/supervisor.ts';
import { onBenchDatabases, SKIP_POSTGRES } from './databases.ts';
import type { Emit } from './emit.ts';

const SPAN_S = 30 * 86_400;

async function seed(db: EntityManager, n: number): Promise<void> {
  const chunk = 20_000;
  for (let start = 1; start <= n; start += chunk) {
    const p = [start, Math.min(n, start + chunk - 1)];
    const at = `now() - make_interval(secs => (${n} - i) * (${SPAN_S}.0 / ${n}))`;
    const human = `i % 4 = 0`;
    await db.query(
      `INSERT INTO data_subjects (id, created_at) SELECT 'sub_' || lpad(i::text, 16, '0'), now() FROM generate_series($1::int, $2::int) AS i`,
      p,
    );
    await db.query(
      `INSERT INTO conversations (id, subject_id, site, status, retention_class, language, created_at, updated_at, closed_at, mode, handoff_reason, handoff_at, last_seq, rating, rated_at)
       SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'sub_' || lpad(i::text, 16, '0'), 'retail',
              CASE WHEN i % 5 = 0 THEN (CASE WHEN ${human} THEN 'handoff' ELSE 'open' END) ELSE 'closed' END, 'standard', (ARRAY['en','de','zh'])[1 + i % 3],
              ${at}, ${at}, CASE WHEN i % 5 = 0 THEN NULL ELSE ${at} + interval '20 minutes' END,
              CASE WHEN i % 5 = 0 THEN (CASE WHEN ${human} THEN 'queued' ELSE 'ai' END) ELSE 'closed' END,
              CASE WHEN ${human} THEN 'visitor_request' END, CASE WHEN ${human} THEN ${at} + interval '1 minute' END, 5,
              CASE WHEN i % 3 = 0 THEN 1 + i % 5 END, CASE WHEN i % 3 = 0 THEN ${at} + interval '21 minutes' END
         FROM generate_series($1::int, $2::int) AS i`,
      p,
    );
    /** `after`: SQL for the time since the conversation started */
    const msg = (seq: number, role: string, meta: string, after: string, where = 'true') =>
      db.query(
        `INSERT INTO messages (id, conversation_id, subject_id, role, ciphertext, created_at, seq, meta)
         SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'sub_' || lpad(i::text, 16, '0'), '${role}', '\\x00'::bytea,
                ${at} + ${after}, ${seq}, ${meta}
           FROM generate_series($1::int, $2::int) AS i WHERE ${where}`,
        p,
      );
    await msg(1, 'visitor', `'{}'::jsonb`, `interval '10 seconds'`);
    await msg(
      2,
      'assistant',
      `CASE WHEN i % 10 = 1 THEN '{"offer":"handoff"}'::jsonb ELSE '{}'::jsonb END`,
      `interval '20 seconds'`,
    );
    await msg(3, 'system', `'{"notice":"queued"}'::jsonb`, `interval '1 minute'`, human);
    await msg(4, 'system', `'{"notice":"agent_joined"}'::jsonb`, `interval '2 minutes'`, human);
    await msg(5, 'agent', `'{}'::jsonb`, `interval '2 minutes' + make_interval(secs => i % 300)`, human);
    await db.query(
      `INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, action, resource_type, resource_id, outcome, details)
       SELECT gen_random_uuid(), ${at} + interval '1 minute', 'system', 'assistant', 'conversation.handoff', 'Conversation', 'c-' || i, 'success',
              jsonb_build_object('reason', (ARRAY['visitor_request','no_ai_consent','not_helpful'])[1 + i % 3], 'queue', 'retail')
         FROM generate_series($1::int, $2::int) AS i WHERE ${human}`,
      p,
    );
  }
  for (const t of ['data_subjects', 'conversations', 'messages', 'audit_events']) await db.query(`ANALYZE ${t}`);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function run(target: string, database: Config['database'], n: number, emit: Emit) {
  const db = await openDatabase(database);
  try {
    await migrate(db);
    const t0 = performance.now();
    await seed(db.dataSource.manager, n);
    emit({
      bench: 'supervisor.seed',
      target,
      conversations: n,
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    });
    const now = new Date();
    const days = (d: number) => new Date(now.getTime() - d * 86_400_000);
    const cases: Record<string, () => Promise<unknown>> = {
      live: () => liveBoard(db.dataSource.manager, now),
      period_1d: () => periodStats(db.dataSource.manager, days(1), now),
      period_7d: () => periodStats(db.dataSource.manager, days(7), now),
      period_30d: () => periodStats(db.dataSource.manager, days(30), now),
    };
    for (const [name, read] of Object.entries(cases)) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await read();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      emit({
        bench: 'supervisor',
        target,
        conversations: n,
        query: name,
        p50_ms: +quantile(times, 0.5).toFixed(1),
        p95_ms: +quantile(times, 0.95).toFixed(1),
      });
    }
  } finally {
    await db.close();
  }
}

export async function benchSupervisor(
  emit: Emit,
  opts: { postgresUrl?: string; quick?: boolean; conversations?: number },
): Promise<void> {
  const n = opts.conversations ?? (opts.quick ? 5_000 : 50_000);
  const onSkip = () => emit({ bench: 'supervisor', target: 'postgres', skipped: SKIP_POSTGRES });
  await onBenchDatabases({ postgresUrl: opts.postgresUrl, poolSize: 4, onSkip }, (target, database) =>
    run(target, database, n, emit),
  );
}
