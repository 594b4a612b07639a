// The admin's people screens on the wire: staff accounts (/api/users), keys for /v1 (/api/keys) and
// canned responses (/api/canned). The console checks every answer against these schemas.
import { z } from 'zod';
import { StaffUser } from './staff.ts';

export const ListedUser = StaffUser.extend({ mfa: z.boolean(), lastSignInAt: z.string().nullable() });
export type ListedUser = z.infer<typeof ListedUser>;
export const UserList = z.object({ users: z.array(ListedUser) });
/** An administrator's reset of a second factor: the account afterwards and how many sessions ended. */
export const MfaResetAnswer = z.object({ user: ListedUser, sessionsRevoked: z.number().int().nonnegative() });
export type MfaResetAnswer = z.infer<typeof MfaResetAnswer>;
export const UserAnswer = z.object({ user: StaffUser });
/** A one-time link with which the person sets their own password (an invitation or a reset). */
export const PasswordLink = z.object({ link: z.string(), expiresAt: z.string() });
export type PasswordLink = z.infer<typeof PasswordLink>;
export const CreatedUser = z.object({ user: StaffUser, invitation: PasswordLink.optional() });

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  allowCloud: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;
/** `limits`: each key's on /v1, per minute; 0 is none. */
export const ApiKeyLimits = z.object({ requestsPerMinute: z.number(), tokensPerMinute: z.number() });
export type ApiKeyLimits = z.infer<typeof ApiKeyLimits>;
export const ApiKeyList = z.object({ keys: z.array(ApiKey), limits: ApiKeyLimits });
/** The key itself is in this answer only. */
export const CreatedApiKey = z.object({ key: z.string(), apiKey: ApiKey });
export const RevokedApiKey = z.object({ apiKey: ApiKey });

export const CannedResponse = z.object({
  id: z.string(),
  site: z.string(),
  language: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  /** the body with its fill-ins filled for the caller */
  text: z.string().optional(),
  updatedAt: z.string(),
});
export type CannedResponse = z.infer<typeof CannedResponse>;
export const CannedList = z.object({ responses: z.array(CannedResponse) });
export const CannedAnswer = z.object({ response: CannedResponse });
export const CannedSite = z.object({
  id: z.string(),
  name: z.string(),
  languages: z.array(z.string()),
  defaultLanguage: z.string(),
});
export type CannedSite = z.infer<typeof CannedSite>;
export const CannedSites = z.object({ sites: z.array(CannedSite) });
/** DELETE answers 204: nothing to check. */
export const NoContent = z.undefined();
