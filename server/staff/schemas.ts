import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { ROLES } from '../db/entities.ts';

const email = z
  .email({ message: 'must be an email address' })
  .max(254)
  .transform((e) => e.toLowerCase());
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(128, { message: 'must be at most 128 characters' });
const displayName = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(100, { message: 'must be at most 100 characters' });

export const Login = z
  .object({
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(128),
    /** `cookie` (consoles: httpOnly cookies, no token in the body) or `bearer` (API clients). */
    mode: z.enum(['cookie', 'bearer']).default('cookie'),
  })
  .strict();
export type Login = z.infer<typeof Login>;

export const Refresh = z.object({ refreshToken: z.string().min(1).max(200).optional() }).strict();
export type Refresh = z.infer<typeof Refresh>;

/** With a password, or `invite: true` for a one-time link with which the person sets their own. */
export const CreateStaffUser = z
  .object({
    email,
    displayName,
    role: z.enum(ROLES),
    password: password.optional(),
    invite: z.literal(true).optional(),
  })
  .strict()
  .refine((v) => (v.password === undefined) === (v.invite === true), {
    message: 'give a password or invite: true (not both)',
  });
export type CreateStaffUser = z.infer<typeof CreateStaffUser>;

export const UpdateStaffUser = z
  .object({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    displayName: displayName.optional(),
    unlock: z.literal(true).optional(),
  })
  .strict()
  .refine(
    (v) => v.role !== undefined || v.disabled !== undefined || v.displayName !== undefined || v.unlock !== undefined,
    { message: 'give role, disabled, displayName and/or unlock' },
  );

export const PasswordLinkRequest = z.object({ purpose: z.enum(['reset']).default('reset') }).strict();
export const UsePasswordLink = z.object({ token: z.string().min(1).max(200), password }).strict();
export type UsePasswordLink = z.infer<typeof UsePasswordLink>;
export type UpdateStaffUser = z.infer<typeof UpdateStaffUser>;

export const CompleteSetup = z.object({ token: z.string().min(1).max(200), email, displayName, password }).strict();
export type CompleteSetup = z.infer<typeof CompleteSetup>;

export const StaffUserId = z.uuid({ message: 'must be a user id (uuid)' });

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const LONG_DIGITS = /\d(?:[\s.-]?\d){5,}/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** An administrator's reset of another account's second factor, with the reason the audit event keeps. */
export const MfaReset = z
  .object({
    reason: z
      .string({ message: 'is required' })
      .trim()
      .min(3, { message: 'must be at least 3 characters' })
      .max(500, { message: 'must be at most 500 characters' })
      .refine((r) => !CONTROL.test(r), { message: 'must not contain control characters' })
      .refine((r) => !EMAIL.test(r) && !LONG_DIGITS.test(r), {
        message: 'must not contain personal data (emails, long numbers)',
      }),
  })
  .strict();
export type MfaReset = z.infer<typeof MfaReset>;
