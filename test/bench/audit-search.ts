// Audit search as the compliance console asks it (GET /api/audit/events: newest first, 100 a
// page), on a log of AUDIT_SEARCH_EVENTS events (1,000,000 by default; BENCH_QUICK: 20,000): the
// first page unfiltered, by subject, by action prefix, by actor, by a day's time range, a page
// deep in the log by cursor, and two filters at once. p50 / p95 / p99 of each over 100 searches.
import type { EntityManager } from 'typeorm';
import { queryAudit, type AuditPage } from '../../server/audit/query.ts';
import type { Config } from '../../server/config.ts';
import { migrate, openDatabase } from '../../server/db/database.ts';
import { onBenchDatabases, SKIP_POSTGRES } from './databases.ts';
import type { Emit } from './emit.ts';

const ACTIONS = [
  'transcript.read',
  'pii.reveal',
  'model.request',
  'auth.login',
  'dsr.execute',
  'kb.search',
  'chat.message',
  'egress.read',
];

/** Events over the last 30 days: 7 actions, 500 staff, 50,000 subjects, as a busy bank's log might hold. */
async function seed(db: EntityManager, n: number): Promise<void> {
  const chunk = 100_000;
  for (let start = 1; start <= n; start += chunk) {
    const end = Math.min(n, start + chunk - 1);
    await db.query(
      `INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, action, subject_id, resource_type, resource_id, outcome, details)
       SELECT gen_random_uuid(), now() - make_interval(secs => (${n} - i) * (2592000.0 / ${n})),
              CASE WHEN i % 5 = 0 THEN 'visitor' ELSE 'staff' END, 'actor-' || (i % 500),
              (ARRAY['${ACTIONS.join("','")}'])[1 + i % ${ACTIONS.length}], 'sub_' || (i % 50000), 'Conversation', 'c-' || (i % 200000),
              CASE WHEN i % 50 = 0 THEN 'denied' ELSE 'success' END, jsonb_build_object('n', i % 17)
         FROM generate_series($1::int, $2::int) AS i`,
      [start, end],
    );
  }
  await db.query(`ANALYZE audit_events`);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function run(target: string, database: Config['database'], n: number, emit: Emit) {
  const db = await openDatabase(database);
  try {
    await migrate(db);
    const t0 = performance.now();
    await seed(db.dataSource.manager, n);
    emit({ bench: 'audit.search.seed', target, events: n, seconds: +((performance.now() - t0) / 1000).toFixed(1) });
    const [{ mid } = { mid: '1' }] = (await db.dataSource.query(
      `SELECT (max(seq) / 2)::text AS mid FROM audit_events`,
    )) as { mid: string }[];
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    const cases: Record<string, (i: number) => Partial<AuditPage>> = {
      newest: () => ({}),
      subject: (i) => ({ subjectId: `sub_${(i * 7919) % 50000}` }),
      action_prefix: () => ({ action: 'pii.*' }),
      actor: (i) => ({ actorType: 'staff', actorId: `actor-${(i * 31) % 500 || 1}` }),
      day_range: (i) => ({ from: day(10 + (i % 10)), to: day(9 + (i % 10)) }),
      deep_cursor: () => ({ cursor: mid }),
      subject_and_action: (i) => ({
        subjectId: `sub_${(i * 7919) % 50000}`,
        action: ACTIONS[((i * 7919) % 50000) % ACTIONS.length],
      }),
      denied_in_range: (i) => ({ outcome: 'denied', from: day(20 + (i % 5)), to: day(15 + (i % 5)) }),
    };
    for (const [name, filter] of Object.entries(cases)) {
      const times: number[] = [];
      let returned = 0;
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        const page = await queryAudit(db.dataSource.manager, { limit: 100, ...filter(i) } as AuditPage);
        times.push(performance.now() - t);
        returned += page.events.length;
      }
      times.sort((a, b) => a - b);
      emit({
        bench: 'audit.search',
        target,
        events: n,
        query: name,
        p50_ms: +quantile(times, 0.5).toFixed(1),
        p95_ms: +quantile(times, 0.95).toFixed(1),
        p99_ms: +quantile(times, 0.99).toFixed(1),
        mean_returned: Math.round(returned / 100),
      });
    }
  } finally {
    await db.close();
  }
}

export async function benchAuditSearch(
  emit: Emit,
  opts: { postgresUrl?: string; quick?: boolean; events?: number; pgliteToo?: boolean },
): Promise<void> {
  const n = opts.events ?? (opts.quick ? 20_000 : 1_000_000);
  // A million-event log is a server's: the embedded database too only when asked (AUDIT_SEARCH_PGLITE=1).
  const onSkip = () => emit({ bench: 'audit.search', target: 'postgres', skipped: SKIP_POSTGRES });
  await onBenchDatabases(
    { postgresUrl: opts.postgresUrl, poolSize: 4, onSkip, skipEmbedded: !opts.pgliteToo },
    (target, database) => run(target, database, n, emit),
  );
}
