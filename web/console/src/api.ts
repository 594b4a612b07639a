// The console's typed API client: every answer is checked against its protocol/ schema, so a
// server change that breaks the console fails loudly here, not as a blank screen. The session is
// the httpOnly cookie pair: an expired access token is refreshed once (the refresh token rotates);
// a refresh that fails ends the session in the console too.
import type { z } from 'zod';
import {
  ErrorBody,
  LoginAnswer,
  Me,
  MfaEnrolment,
  PasswordSet,
  RefreshAnswer,
  SecondStep,
} from '../../../protocol/staff.ts';
import { sessionEnded } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined | null>;
export const withQuery = (path: string, query: Query = {}) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers:
      body === undefined
        ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function failure(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => null);
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success)
    return new ApiError(
      res.status,
      parsed.data.error.id,
      parsed.data.error.message,
      parsed.data.error.requestId,
      parsed.data.error.details ?? parsed.data.error.issues,
    );
  // Some refusals answer a document, not an error (an import where every file failed: its report).
  return new ApiError(
    res.status,
    'http_' + res.status,
    res.statusText || 'Request failed',
    undefined,
    body ?? undefined,
  );
}

let refreshing: Promise<boolean> | null = null;
/** One refresh at a time: parallel calls that met an expired token wait for the same one. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= send('POST', '/api/auth/refresh', {})
    .then(async (res) => res.ok && RefreshAnswer.safeParse(await res.json()).success)
    .catch(() => false)
    .finally(() => setTimeout(() => (refreshing = null), 0));
  return refreshing;
}

/** Calls the API and checks the answer against `schema`; a 401 refreshes once, then ends the session. */
export async function call<S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  body?: unknown,
): Promise<z.infer<S>> {
  let res = await send(method, path, body);
  if (res.status === 401 && path !== '/api/auth/login') {
    if (await refreshSession()) res = await send(method, path, body);
    if (res.status === 401) {
      const error = await failure(res);
      sessionEnded(error.id);
      throw error;
    }
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return schema.parse(undefined);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success)
    throw new ApiError(
      0,
      'unexpected_answer',
      `The server's answer to ${method} ${path.split('?')[0]} does not match the console's schema.`,
    );
  return parsed.data;
}

/** Posts without the session's refresh-and-retry (sign-in steps), checking the answer against `schema`. */
async function post<S extends z.ZodType>(schema: S, path: string, body: unknown): Promise<z.infer<S>> {
  const res = await send('POST', path, body);
  if (!res.ok) throw await failure(res);
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success)
    throw new ApiError(
      0,
      'unexpected_answer',
      `The server's answer to POST ${path} does not match the console's schema.`,
    );
  return parsed.data;
}

/** The password step: the signed-in user, or the second step the account needs. */
export const signIn = async (email: string, password: string): Promise<Me | SecondStep> => {
  const answer = await post(LoginAnswer.or(SecondStep), '/api/auth/login', { email, password });
  return 'mfa' in answer ? answer : call(Me, 'GET', '/api/auth/me');
};
/** The second step with a 6-digit code or a recovery code: then the signed-in user. */
export const verifySecondFactor = async (challenge: string, proof: { code: string } | { recoveryCode: string }) => {
  await post(LoginAnswer, '/api/auth/mfa/verify', { challenge, ...proof });
  return call(Me, 'GET', '/api/auth/me');
};
export const beginEnrolment = (challenge: string) => post(MfaEnrolment, '/api/auth/mfa/enrol', { challenge });
export const confirmEnrolment = async (challenge: string, code: string) => {
  await post(LoginAnswer, '/api/auth/mfa/confirm', { challenge, code });
  return call(Me, 'GET', '/api/auth/me');
};
/** Sets the password with a one-time link's token (an invitation or a reset). */
export const setPasswordWithLink = (token: string, password: string) =>
  post(PasswordSet, '/api/auth/password', { token, password });
export const fetchMe = () => call(Me, 'GET', '/api/auth/me');
export const signOut = async () => {
  const res = await send('POST', '/api/auth/logout', {});
  if (!res.ok && res.status !== 401) throw await failure(res);
};
