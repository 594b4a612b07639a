// The supervisor's board: what is happening now (queue, agents, chats) and how a period went. Reads
// counts and codes through store/supervisor.ts; the CSV export holds the same figures as the JSON.
import type { LiveBoard, PeriodQuery, PeriodStats } from '../../protocol/supervisor.ts';
import { validationFailed } from '../errors.ts';
import type { Queryable } from './store/users.ts';
import { activeChats, agentLoads, periodStats, queueLines } from './store/supervisor.ts';

export { periodStats } from './store/supervisor.ts';

export const DEFAULT_PERIOD_DAYS = 7;

export async function liveBoard(tx: Queryable, now: Date): Promise<LiveBoard> {
  return {
    asOf: now.toISOString(),
    queue: await queueLines(tx, now),
    agents: await agentLoads(tx, now),
    chats: await activeChats(tx, now),
  };
}

/** [from, to): to defaults to now, from to DEFAULT_PERIOD_DAYS before to. */
export function resolvePeriod(query: PeriodQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * 86_400_000);
  if (from >= to) throw validationFailed([{ path: 'from', message: 'from must be before to' }]);
  return { from, to };
}

export const statsFor = (tx: Queryable, query: PeriodQuery, now: Date): Promise<PeriodStats> => {
  const { from, to } = resolvePeriod(query, now);
  return periodStats(tx, from, to);
};

const fixed = (n: number | null) => (n === null ? '' : String(n));

/** One row per figure: `metric,key,value` (key: the reason or score a count belongs to). */
export function statsCsv(s: PeriodStats): string {
  const rows: [string, string, string][] = [
    ['period_from', '', s.from],
    ['period_to', '', s.to],
    ['closed', '', fixed(s.closed)],
    ['ai_resolved', '', fixed(s.aiResolved)],
    ['ai_resolution_rate', '', fixed(s.aiResolutionRate)],
    ...s.handoffs.map((h): [string, string, string] => ['handoffs', h.reason, fixed(h.count)]),
    ['first_response_count', '', fixed(s.firstResponse.count)],
    ['first_response_p50_seconds', '', fixed(s.firstResponse.p50Seconds)],
    ['first_response_p90_seconds', '', fixed(s.firstResponse.p90Seconds)],
    ['handle_time_count', '', fixed(s.handleTime.count)],
    ['handle_time_p50_seconds', '', fixed(s.handleTime.p50Seconds)],
    ['handle_time_p90_seconds', '', fixed(s.handleTime.p90Seconds)],
    ['rating_count', '', fixed(s.satisfaction.count)],
    ['rating_average', '', fixed(s.satisfaction.average)],
    ...s.satisfaction.distribution.map((d): [string, string, string] => ['ratings', String(d.score), fixed(d.count)]),
    ['unanswered', '', fixed(s.unanswered)],
  ];
  return ['metric,key,value', ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';
}
