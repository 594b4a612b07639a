// The staff console's wire types: what /api/auth/me, the audit, privacy and hold endpoints answer,
// and the frames of the staff realtime channel (/api/staff/live). The console checks every answer
// against these schemas (web/console/src/api.ts); the server names their types.
import { z } from 'zod';

export const ROLES = ['admin', 'agent', 'compliance_officer', 'auditor', 'supervisor'] as const;
export type StaffRole = (typeof ROLES)[number];

/** `action:Resource`, as server/auth/rules.ts lists them for the role: the console shows what these allow. */
export const Capability = z.string().regex(/^[a-z]+:[A-Z][A-Za-z]+$/);

export const StaffUser = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  locked: z.boolean(),
  createdAt: z.string(),
});
export type StaffUser = z.infer<typeof StaffUser>;

export const Me = z.object({ user: StaffUser, capabilities: z.array(Capability) });
export type Me = z.infer<typeof Me>;

export const LoginAnswer = z.object({
  user: StaffUser.pick({ id: true, email: true, displayName: true, role: true }),
  accessExpiresAt: z.string(),
});
/** A right password for an account with a second factor (or a role that requires one): the next step. */
export const SecondStep = z.object({
  mfa: z.object({ step: z.enum(['verify', 'enrol']), challenge: z.string(), expiresAt: z.string() }),
});
export type SecondStep = z.infer<typeof SecondStep>;
export const MfaEnrolment = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrCode: z.string().startsWith('data:image/'),
  recoveryCodes: z.array(z.string()),
});
export type MfaEnrolment = z.infer<typeof MfaEnrolment>;
export const PasswordSet = z.object({ user: z.object({ id: z.string() }) });
export const RefreshAnswer = z.object({ accessExpiresAt: z.string() });
/** Bearer mode (`mode: "bearer"` on sign-in, or a refresh token in the body): the tokens themselves. */
export const BearerTokens = z.object({
  accessToken: z.string(),
  accessExpiresAt: z.string(),
  refreshToken: z.string(),
  refreshExpiresAt: z.string(),
  tokenType: z.literal('Bearer'),
});
export const LoginResult = z.union([LoginAnswer.extend(BearerTokens.shape), LoginAnswer, SecondStep]);
export const RefreshResult = z.union([BearerTokens, RefreshAnswer]);

export const UserAnswer = z.object({ user: StaffUser });
export const PasswordLink = z.object({ link: z.string(), expiresAt: z.string() });
export const UserCreated = UserAnswer.extend({ invitation: PasswordLink.optional() });

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const AuditEvent = z.object({
  seq: z.string(),
  id: z.string(),
  occurredAt: z.string(),
  actorType: z.string(),
  actorId: z.string(),
  action: z.string(),
  subjectId: z.string().nullable(),
  resourceType: z.string().nullable(),
  resourceId: z.string().nullable(),
  purpose: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  outcome: z.string(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), scalar),
  /** the chain: position and the previous event's hash, null until the event is sealed */
  chainSeq: z.string().nullable().optional(),
  prevHash: z.string().nullable().optional(),
  hash: z.string().nullable().optional(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;
export const AuditPageAnswer = z.object({ events: z.array(AuditEvent), nextCursor: z.string().nullable() });

export const VerifyAnswer = z.object({
  ok: z.boolean(),
  checked: z.number(),
  unsealed: z.number(),
  headSeq: z.string(),
  firstBroken: z
    .object({ seq: z.string().nullable(), chainSeq: z.string(), id: z.string().nullable(), problem: z.string() })
    .optional(),
  /** the retention checkpoint the walk started at; null: at genesis */
  checkpoint: z
    .object({ chainSeq: z.string(), hash: z.string(), createdAt: z.string(), eventsRemoved: z.string() })
    .nullable()
    .optional(),
  /** the newest signed checkpoint the chain was held to; null: none could be read */
  witnessed: z
    .object({ node: z.string(), chainSeq: z.string(), hash: z.string(), at: z.string(), keyId: z.string() })
    .nullable()
    .optional(),
});
export type VerifyAnswer = z.infer<typeof VerifyAnswer>;

export const DSR_TYPES = ['access', 'erasure', 'rectification'] as const;
export const DSR_STATES = ['received', 'identity_verified', 'in_progress', 'done', 'refused'] as const;
export const SubjectRequest = z.object({
  id: z.string(),
  subjectId: z.string(),
  type: z.enum(DSR_TYPES),
  state: z.enum(DSR_STATES),
  channel: z.string(),
  createdBy: z.string(),
  receivedAt: z.string(),
  dueAt: z.string(),
  completedAt: z.string().nullable(),
  refusedReason: z.string().nullable(),
  receipt: z.record(z.string(), z.unknown()).nullable(),
  overdue: z.boolean().optional(),
});
export type SubjectRequest = z.infer<typeof SubjectRequest>;
export const RequestList = z.object({ requests: z.array(SubjectRequest) });
export const RequestAnswer = z.object({ request: SubjectRequest });
export const ExecuteAnswer = z.object({
  request: SubjectRequest,
  receipt: z.record(z.string(), z.unknown()).optional(),
  export: z.unknown().optional(),
});

export const IDENTIFIER_KINDS = ['email', 'phone', 'customer_id', 'visitor'] as const;
export const SubjectAnswer = z.object({
  subject: z.object({ id: z.string(), createdAt: z.string(), erasedAt: z.string().nullable() }).nullable(),
});

export const HOLD_STATUSES = ['pending', 'active', 'lift_pending', 'lifted', 'rejected'] as const;
export const LegalHold = z.object({
  id: z.string(),
  scope: z.enum(['subject', 'conversation']),
  subjectId: z.string().nullable(),
  conversationId: z.string().nullable(),
  caseId: z.string(),
  reason: z.string(),
  endsAt: z.string().nullable(),
  status: z.enum(HOLD_STATUSES),
  placedBy: z.string(),
  placedAt: z.string(),
  approvedBy: z.string().nullable(),
  liftRequestedBy: z.string().nullable(),
  liftedBy: z.string().nullable(),
  liftedAt: z.string().nullable(),
});
export type LegalHold = z.infer<typeof LegalHold>;
export const HoldList = z.object({ holds: z.array(LegalHold) });
export const HoldAnswer = z.object({ hold: LegalHold });

export const RetentionRun = z.object({
  id: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  dryRun: z.boolean(),
  status: z.string(),
  policyHash: z.string(),
  counts: z.record(z.string(), z.number()),
  actor: z.string(),
});
export type RetentionRun = z.infer<typeof RetentionRun>;
export const RetentionRuns = z.object({ runs: z.array(RetentionRun) });
/** `hash`: of the policy in force (read at start); `changedOnDisk`: the file now holds other text, in force after a restart. */
export const RetentionPolicyAnswer = z.object({ hash: z.string(), text: z.string(), changedOnDisk: z.boolean() });

/** "Where data went": model calls per day, target and route, with where the target runs; counts only, never text. */
export const EgressRow = z.object({
  day: z.string(),
  target: z.string(),
  route: z.string(),
  /** where the target runs, from the routing policy in force (a cloud target may answer on a local rule's fallback) */
  location: z.enum(['local', 'cloud', 'unknown']),
  requests: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  entities: z.number(),
  failed: z.number(),
});
export type EgressRow = z.infer<typeof EgressRow>;
export const EgressAnswer = z.object({ rows: z.array(EgressRow) });

/** `issues`: which fields a 400 validation_failed names (path, message), shown next to those fields. */
export const ErrorBody = z.object({
  error: z.object({
    id: z.string(),
    message: z.string(),
    requestId: z.string().optional(),
    details: z.unknown().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** Topics a console subscribes to on the staff channel; a subscriber sees only what its role may read. */
export const LIVE_TOPICS = ['dsr', 'hold', 'queue', 'conversation', 'typing', 'agents'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** Server → console frames on /api/staff/live. A change names the record; the console reads it again. */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), topics: z.array(z.enum(LIVE_TOPICS)) }),
  z.object({ type: z.literal('dsr.changed'), id: z.string() }),
  z.object({ type: z.literal('hold.changed'), id: z.string() }),
  // the agent's workspace: a conversation entered or left the people's queue, or got a new message
  z.object({ type: z.literal('queue.changed'), id: z.string() }),
  z.object({ type: z.literal('conversation.changed'), id: z.string() }),
  // the visitor of a conversation waiting for (or with) a person is typing: throttled, never stored, no text
  z.object({ type: z.literal('conversation.typing'), id: z.string() }),
  // an agent's presence changed (the id is the staff member's)
  z.object({ type: z.literal('agent.changed'), id: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
/** The topic each change belongs to. */
export const TOPIC_OF: Record<Exclude<LiveEvent['type'], 'ready' | 'pong'>, LiveTopic> = {
  'dsr.changed': 'dsr',
  'hold.changed': 'hold',
  'queue.changed': 'queue',
  'conversation.changed': 'conversation',
  'conversation.typing': 'typing',
  'agent.changed': 'agents',
};
