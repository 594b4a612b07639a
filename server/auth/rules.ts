// Who may do what: one line per rule, checked before every read and write. Anything not listed
// here is denied.
import type { Role } from '../db/entities.ts';

export type Action = 'read' | 'create' | 'update' | 'export' | 'verify' | 'approve' | 'run' | 'reveal';
export type Resource =
  | 'StaffUser'
  | 'AuditLog'
  | 'OwnAccount'
  | 'DataSubject'
  | 'SubjectRequest'
  | 'LegalHold'
  | 'RetentionRun'
  | 'KnowledgeArticle'
  | 'Conversation'
  | 'PersonalData'
  | 'ApiKey'
  | 'CannedResponse'
  | 'Policy'
  | 'ModelTarget'
  | 'System'
  | 'TeamStats';

const rules = new Set<string>();
const allow = (role: Role, action: Action, resource: Resource) => rules.add(`${role}:${action}:${resource}`);

allow('admin', 'read', 'StaffUser');
allow('admin', 'create', 'StaffUser');
allow('admin', 'update', 'StaffUser');
allow('admin', 'verify', 'AuditLog');
allow('admin', 'read', 'ApiKey'); // names, prefixes, dates: never a key (only its hash is stored)
allow('admin', 'create', 'ApiKey');
allow('admin', 'update', 'ApiKey'); // revoke
// The policy files, read-only (they hold no personal data and no secrets).
for (const role of ['admin', 'compliance_officer', 'auditor'] as const) allow(role, 'read', 'Policy'); // verifying reveals only whether the chain holds, no events
allow('admin', 'verify', 'Policy'); // check a draft against the start's parser: nothing in force changes
allow('admin', 'read', 'ModelTarget'); // targets, their health and this node's last hour: ids and counts
allow('admin', 'read', 'System'); // version, database, audit head, settings from an allow-list (never a secret)
allow('compliance_officer', 'read', 'AuditLog');
allow('compliance_officer', 'export', 'AuditLog');
allow('compliance_officer', 'verify', 'AuditLog');
allow('auditor', 'read', 'AuditLog');
allow('auditor', 'export', 'AuditLog');
allow('auditor', 'verify', 'AuditLog');
for (const role of ['admin', 'agent', 'compliance_officer', 'auditor', 'supervisor'] as const)
  allow(role, 'read', 'OwnAccount');
allow('compliance_officer', 'create', 'DataSubject');
allow('compliance_officer', 'read', 'DataSubject'); // lookup by identifier
allow('compliance_officer', 'export', 'DataSubject');
allow('compliance_officer', 'create', 'SubjectRequest');
allow('compliance_officer', 'read', 'SubjectRequest');
allow('compliance_officer', 'update', 'SubjectRequest'); // verify, start, refuse, execute (export or erase)
allow('auditor', 'read', 'SubjectRequest'); // states, dates and receipts: no personal data
allow('compliance_officer', 'create', 'LegalHold');
allow('compliance_officer', 'read', 'LegalHold');
allow('compliance_officer', 'update', 'LegalHold'); // request lifting
allow('compliance_officer', 'approve', 'LegalHold'); // never one's own request (maker-checker, in the command)
allow('auditor', 'read', 'LegalHold');
allow('compliance_officer', 'read', 'RetentionRun');
allow('compliance_officer', 'run', 'RetentionRun');
allow('auditor', 'read', 'RetentionRun');

allow('admin', 'read', 'KnowledgeArticle'); // the editor permission: articles, versions, import, gap list
allow('admin', 'create', 'KnowledgeArticle');
allow('admin', 'update', 'KnowledgeArticle');
allow('agent', 'read', 'KnowledgeArticle'); // agents may read internal articles too

// Handed-off visitor conversations (Agent API): which ones, is decided in server/chat/agent.ts (the assigned agent).
allow('agent', 'read', 'Conversation'); // the queue, a masked transcript, attachments
allow('agent', 'update', 'Conversation'); // claim, reply, transfer, release, close
allow('admin', 'read', 'Conversation');
allow('admin', 'update', 'Conversation');
// Seeing a masked value in clear, for a stated reason, while serving the customer. Not admins (they run
// the system, not conversations) nor compliance officers (their access is the audited subject export).
allow('agent', 'reveal', 'PersonalData');

// Canned responses: the bank's own wording, no personal data. Agents use them; admins keep them.
allow('agent', 'read', 'CannedResponse');
allow('admin', 'read', 'CannedResponse');
allow('admin', 'create', 'CannedResponse');
allow('admin', 'update', 'CannedResponse'); // edit, archive

// The supervisor's board: queue lengths, agents' load and period figures, counted from codes and
// timestamps. No transcript, no visitor, no reveal: supervisors get no Conversation or PersonalData rule.
allow('supervisor', 'read', 'TeamStats');
allow('admin', 'read', 'TeamStats');

export const can = (role: Role, action: Action, resource: Resource): boolean =>
  rules.has(`${role}:${action}:${resource}`);

/** What a role may do, as `action:Resource` (GET /api/auth/me): the console shows what these allow. */
export const capabilitiesOf = (role: Role): string[] =>
  [...rules]
    .filter((r) => r.startsWith(`${role}:`))
    .map((r) => r.slice(role.length + 1))
    .sort();
