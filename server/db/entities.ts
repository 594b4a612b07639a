// Table shapes as TypeORM EntitySchemas (no decorators: the code runs through a TS loader).
import { EntitySchema } from 'typeorm';

export const ROLES = ['admin', 'agent', 'compliance_officer', 'auditor', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffUser {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  disabledAt: Date | null;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const StaffUserEntity = new EntitySchema<StaffUser>({
  name: 'StaffUser',
  tableName: 'staff_users',
  columns: {
    id: { type: 'uuid', primary: true },
    email: { type: 'text' },
    displayName: { type: 'text', name: 'display_name' },
    passwordHash: { type: 'text', name: 'password_hash' },
    role: { type: 'text' },
    disabledAt: { type: 'timestamptz', name: 'disabled_at', nullable: true },
    failedLogins: { type: 'integer', name: 'failed_logins', default: 0 },
    lockedUntil: { type: 'timestamptz', name: 'locked_until', nullable: true },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

export interface StaffSession {
  id: string;
  userId: string;
  refreshHash: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export const StaffSessionEntity = new EntitySchema<StaffSession>({
  name: 'StaffSession',
  tableName: 'staff_sessions',
  columns: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid', name: 'user_id' },
    refreshHash: { type: 'text', name: 'refresh_hash' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    lastUsedAt: { type: 'timestamptz', name: 'last_used_at' },
    expiresAt: { type: 'timestamptz', name: 'expires_at' },
    revokedAt: { type: 'timestamptz', name: 'revoked_at', nullable: true },
    revokedReason: { type: 'text', name: 'revoked_reason', nullable: true },
  },
});

export interface SetupToken {
  id: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** the node that issued it (one link per cluster) */
  nodeId: string | null;
}

export const SetupTokenEntity = new EntitySchema<SetupToken>({
  name: 'SetupToken',
  tableName: 'setup_tokens',
  columns: {
    id: { type: 'uuid', primary: true },
    tokenHash: { type: 'text', name: 'token_hash' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    expiresAt: { type: 'timestamptz', name: 'expires_at' },
    usedAt: { type: 'timestamptz', name: 'used_at', nullable: true },
    nodeId: { type: 'varchar', length: 64, name: 'node_id', nullable: true },
  },
});

export const entities = [StaffUserEntity, StaffSessionEntity, SetupTokenEntity];
