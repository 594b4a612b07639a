// `npm run bench`: every benchmark, results as JSON lines on stdout.
// BENCH_DATABASE_URL adds the PostgreSQL server runs; BENCH_QUICK=1 makes a short smoke run.
import os from 'node:os';
import { benchAudit } from './audit.ts';
import { benchAuditSearch } from './audit-search.ts';
import { benchChat } from './chat.ts';
import { benchConsole } from './console.ts';
import { benchGateway } from './gateway.ts';
import { benchKeepAlive } from './gateway-keepalive.ts';
import { benchProxy } from './gateway-proxy.ts';
import { benchKnowledge } from './knowledge.ts';
import type { Emit } from './emit.ts';
import { benchPrivacy } from './privacy.ts';
import { benchRedaction } from './redaction.ts';
import { benchRehydrate } from './rehydrate.ts';
import { benchSignin } from './signin.ts';
import { benchStartup } from './startup.ts';
import { benchSupervisor } from './supervisor.ts';

const quick = process.env.BENCH_QUICK === '1';
const emit: Emit = (row) =>
  process.stdout.write(JSON.stringify({ ...row, node: process.version, cpus: os.availableParallelism() }) + '\n');

const benches: Record<string, () => Promise<void>> = {
  audit: () => benchAudit(emit, { postgresUrl: process.env.BENCH_DATABASE_URL, quick }),
  'audit-search': () =>
    benchAuditSearch(emit, {
      postgresUrl: process.env.BENCH_DATABASE_URL,
      quick,
      events: process.env.AUDIT_SEARCH_EVENTS ? Number(process.env.AUDIT_SEARCH_EVENTS) : undefined,
      pgliteToo: process.env.AUDIT_SEARCH_PGLITE === '1',
    }),
  startup: () => benchStartup(emit, { runs: quick ? 1 : 3 }),
  rehydrate: () => benchRehydrate(emit),
  redaction: () => benchRedaction(emit, { presidioPath: process.env.PII_PRESIDIO_PATH, quick }),
  privacy: () => benchPrivacy(emit, { postgresUrl: process.env.BENCH_DATABASE_URL, quick }),
  knowledge: () => benchKnowledge(emit, { postgresUrl: process.env.BENCH_DATABASE_URL, quick }),
  gateway: () => benchGateway(emit, { quick, postgresUrl: process.env.BENCH_DATABASE_URL }),
  'gateway-keepalive': () => benchKeepAlive(emit, quick),
  'gateway-proxy': () => benchProxy(emit, quick),
  chat: () => benchChat(emit, { quick, postgresUrl: process.env.BENCH_DATABASE_URL }),
  supervisor: () =>
    benchSupervisor(emit, {
      postgresUrl: process.env.BENCH_DATABASE_URL,
      quick,
      conversations: process.env.SUPERVISOR_CONVERSATIONS ? Number(process.env.SUPERVISOR_CONVERSATIONS) : undefined,
    }),
  console: () => benchConsole(emit, { quick, postgresUrl: process.env.BENCH_DATABASE_URL }),
  signin: () => benchSignin(emit, { postgresUrl: process.env.BENCH_DATABASE_URL, root: process.env.BENCH_SIGNIN_ROOT }),
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  await run();
}
