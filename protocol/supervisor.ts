// The supervisor's board (GET /api/supervisor/live and /stats): counts, codes and durations, never a
// message text nor a visitor. The console checks every answer against these schemas.
import { z } from 'zod';

/** Why a conversation went to the people's queue (server/chat/handoff.ts). */
export const HANDOFF_REASONS = ['visitor_request', 'no_ai_consent', 'model_failed', 'policy', 'not_helpful'] as const;

/** Waiting for a person, unclaimed, per site and language. */
export const QueueLine = z.object({
  site: z.string(),
  language: z.string().nullable(),
  waiting: z.number().int(),
  longestWaitSeconds: z.number().int(),
});
export type QueueLine = z.infer<typeof QueueLine>;

/** An agent (or another staff member holding conversations): online, and how many conversations they hold. */
export const AgentLoad = z.object({
  id: z.string(),
  displayName: z.string(),
  online: z.boolean(),
  active: z.number().int(),
});
export type AgentLoad = z.infer<typeof AgentLoad>;

export const LiveBoard = z.object({
  asOf: z.string(),
  queue: z.array(QueueLine),
  agents: z.array(AgentLoad),
  /** ai: open with the assistant and active in the last ACTIVE_AI_MINUTES; queued: waiting; withAgent: held by a person */
  chats: z.object({ ai: z.number().int(), queued: z.number().int(), withAgent: z.number().int() }),
});
export type LiveBoard = z.infer<typeof LiveBoard>;

const MAX_PERIOD_DAYS = 366;

/** ?from=&to= (ISO 8601; a date alone is midnight UTC). Absent: the last 7 days up to now. */
export const PeriodQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: 'from must be before to',
    path: ['from'],
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= MAX_PERIOD_DAYS * 86_400_000, {
    message: `a period spans at most ${MAX_PERIOD_DAYS} days`,
    path: ['to'],
  });
export type PeriodQuery = z.infer<typeof PeriodQuery>;

const Durations = z.object({
  count: z.number().int(),
  p50Seconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});

export const PeriodStats = z.object({
  from: z.string(),
  to: z.string(),
  /** conversations closed in the period; aiResolved of them never went to a person */
  closed: z.number().int(),
  aiResolved: z.number().int(),
  aiResolutionRate: z.number().nullable(),
  /** handoffs in the period, by reason (every reason present, zero included) */
  handoffs: z.array(z.object({ reason: z.enum(HANDOFF_REASONS), count: z.number().int() })),
  /** closed human conversations: handoff → first agent message, and claim → close */
  firstResponse: Durations,
  handleTime: Durations,
  /** ratings given in the period */
  satisfaction: z.object({
    count: z.number().int(),
    average: z.number().nullable(),
    distribution: z.array(z.object({ score: z.number().int(), count: z.number().int() })),
  }),
  /** the assistant's "I don't know" answers in the period */
  unanswered: z.number().int(),
});
export type PeriodStats = z.infer<typeof PeriodStats>;
