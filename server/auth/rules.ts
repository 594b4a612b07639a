// Who may do what: one line per rule, checked before every read and write. Anything not listed
// here is denied.
import type { Role } from '../db/entities.ts';

export type Action = 'read' | 'create' | 'update' | 'export' | 'verify';
export type Resource = 'StaffUser' | 'AuditLog' | 'OwnAccount';

const rules = new Set<string>();
const allow = (role: Role, action: Action, resource: Resource) => rules.add(`${role}:${action}:${resource}`);

allow('admin', 'read', 'StaffUser');
allow('admin', 'create', 'StaffUser');
allow('admin', 'update', 'StaffUser');
allow('admin', 'verify', 'AuditLog'); // verifying reveals only whether the chain holds, no events
allow('compliance_officer', 'read', 'AuditLog');
allow('compliance_officer', 'export', 'AuditLog');
allow('compliance_officer', 'verify', 'AuditLog');
allow('auditor', 'read', 'AuditLog');
allow('auditor', 'export', 'AuditLog');
allow('auditor', 'verify', 'AuditLog');
for (const role of ['admin', 'agent', 'compliance_officer', 'auditor'] as const) allow(role, 'read', 'OwnAccount');

export const can = (role: Role, action: Action, resource: Resource): boolean => rules.has(`${role}:${action}:${resource}`);
