// The second factor's request bodies.
import { z } from 'zod';

const challenge = z.string().min(1).max(2000);
const code = z.string().regex(/^\d{6}$/, { message: 'must be the 6-digit code' });
const mode = z.enum(['cookie', 'bearer']).default('cookie');

export const MfaEnrol = z.object({ challenge: challenge.optional() }).strict();
export type MfaEnrol = z.infer<typeof MfaEnrol>;

/** With a challenge (sign-in with enrolment) a session is opened in `mode`; without, the signed-in user's factor is confirmed. */
export const MfaConfirm = z.object({ code, challenge: challenge.optional(), mode }).strict();
export type MfaConfirm = z.infer<typeof MfaConfirm>;

export const MfaVerify = z
  .object({ challenge, code: code.optional(), recoveryCode: z.string().min(1).max(40).optional(), mode })
  .strict()
  .refine((v) => (v.code === undefined) !== (v.recoveryCode === undefined), {
    message: 'give either code or recoveryCode',
  });
export type MfaVerify = z.infer<typeof MfaVerify>;
