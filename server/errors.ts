// Errors are factories with a status and a stable id. Only 4xx messages reach the client; a 5xx
// says nothing internal.

export interface Issue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly issues?: Issue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (id: string, message: string) => new AppError(400, id, message);
export const malformedJson = () => new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
export const validationFailed = (issues: Issue[]) =>
  new AppError(400, 'validation_failed', 'The request is not valid: see issues.', issues);
export const unauthenticated = (id = 'unauthenticated', message = 'Sign in first.') => new AppError(401, id, message);
export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Email or password is wrong, or the account cannot sign in now.');
export const forbidden = (message = 'Your role does not allow this.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'resource') => new AppError(404, 'not_found', `No such ${what}.`);
export const conflict = (id: string, message: string) => new AppError(409, id, message);
export const payloadTooLarge = (limit: number) =>
  new AppError(413, 'payload_too_large', `The request body exceeds ${limit} bytes.`);
export const unsupportedMediaType = () =>
  new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
export const unprocessable = (id: string, message: string) => new AppError(422, id, message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', 'Too many requests; retry later.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
export const databaseUnavailable = () =>
  new AppError(503, 'database_unavailable', 'The database is not reachable; retry shortly.', undefined, {
    'Retry-After': '5',
  });
export const internalError = () => new AppError(500, 'internal_error', 'Internal error.');
