// Real answers against /openapi.json: staff, privacy, knowledge-base, agent, widget and /v1 calls
// through the real server, each answer checked against the schema the document gives its route
// and status (an undescribed success is a failure too), errors included (/v1's in OpenAI's shape).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../server/openapi/document.ts';
import { RESPONSES } from '../../server/openapi/responses.ts';
import { validate } from '../support/jsonSchema.ts';
import { seedSubject } from '../support/privacy.ts';
import { api, type ApiResponse, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let doc: OpenApiDocument;
const tokens = { admin: '', officer: '', agent: '' };

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
  doc = (await api<OpenApiDocument>(server, 'GET', '/openapi.json')).body;
  for (const role of ['admin', 'compliance_officer', 'agent'] as const)
    await seedStaff(server, { email: `${role}@bank.example`, password: PASSWORD, role });
  tokens.admin = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
  tokens.officer = (await bearerLogin(server, 'compliance_officer@bank.example', PASSWORD)).accessToken;
  tokens.agent = (await bearerLogin(server, 'agent@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

const deref = (v: unknown): Record<string, unknown> => {
  const ref = (v as { $ref?: string }).$ref;
  return ref
    ? deref(
        ref
          .slice(2)
          .split('/')
          .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc),
      )
    : (v as Record<string, unknown>);
};

/** The problems of a real answer against the document: its route and status must be described. */
function against(method: string, template: string, res: ApiResponse<unknown>): string[] {
  const op = doc.paths[template]?.[method.toLowerCase()];
  if (!op) return [`${method} ${template} is not in the document`];
  const described = op.responses[String(res.status)];
  if (!described && res.status < 400) return [`${method} ${template}: status ${res.status} is not described`];
  const response = deref(described ?? op.responses.default);
  const content = response.content as Record<string, { schema: Record<string, unknown> }> | undefined;
  if (!content)
    return res.text === '' ? [] : [`${method} ${template} ${res.status}: a body where the document says none`];
  return validate(content['application/json']!.schema, res.body, doc);
}

/** A value in an answer by its dotted path (`versions.0.id`); the schema check vouches for the shape. */
const at = (res: ApiResponse<unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], res.body);

async function call(
  who: string,
  method: string,
  template: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<unknown>> {
  const res = await api<unknown>(server, method, path, { ...opts, token: who || undefined });
  expect(against(method, template, res), `${method} ${path} ${res.status} ${res.text.slice(0, 300)}`).toEqual([]);
  return res;
}

describe('the OpenAPI document describes what the routes answer', () => {
  it('names only routes that exist', () => {
    const missing = Object.keys(RESPONSES).filter((key) => {
      const [method, template] = key.split(' ');
      return !doc.paths[template!]?.[method!.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });

  it('staff sign-in, accounts and the audit log', async () => {
    const login = await call('', 'POST', '/api/auth/login', '/api/auth/login', {
      body: { email: 'admin@bank.example', password: PASSWORD, mode: 'bearer' },
    });
    expect(login.status).toBe(200);
    await call('', 'POST', '/api/auth/login', '/api/auth/login', {
      body: { email: 'admin@bank.example', password: PASSWORD },
    });
    expect(
      (
        await call('', 'POST', '/api/auth/refresh', '/api/auth/refresh', {
          body: { refreshToken: at(login, 'refreshToken') },
        })
      ).status,
    ).toBe(200);
    expect(at(await call(tokens.admin, 'GET', '/api/auth/me', '/api/auth/me'), 'capabilities.length')).toBeGreaterThan(
      0,
    );
    expect(
      (
        await call('', 'POST', '/api/auth/login', '/api/auth/login', {
          body: { email: 'admin@bank.example', password: 'wrong password here' },
        })
      ).status,
    ).toBe(401);

    await call(tokens.admin, 'GET', '/api/users', '/api/users');
    const created = await call(tokens.admin, 'POST', '/api/users', '/api/users', {
      body: { email: 'new.agent@bank.example', displayName: 'New Agent', role: 'agent', invite: true },
    });
    expect(created.status).toBe(201);
    const id = String(at(created, 'user.id'));
    expect(
      (
        await call(tokens.admin, 'PATCH', '/api/users/{id}', `/api/users/${id}`, {
          body: { displayName: 'Renamed Agent' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(tokens.admin, 'POST', '/api/users/{id}/password-link', `/api/users/${id}/password-link`, {
          body: {},
        })
      ).status,
    ).toBe(201);
    const reset = (body: unknown) =>
      call(tokens.admin, 'POST', '/api/users/{id}/mfa/reset', `/api/users/${id}/mfa/reset`, { body });
    expect((await reset({ reason: 'Phone lost' })).status).toBe(409);
    await server.deps.db.dataSource.query(
      `INSERT INTO staff_mfa (user_id, secret_ciphertext, created_at, confirmed_at) VALUES ($1, 'x', now(), now())`,
      [id],
    );
    expect((await reset({})).status).toBe(400);
    expect((await reset({ reason: 'Phone lost' })).status).toBe(200);
    expect(
      (await call(tokens.admin, 'POST', '/api/users', '/api/users', { body: { email: 'not an email' } })).status,
    ).toBe(400);

    expect(
      at(await call(tokens.officer, 'GET', '/api/audit/events', '/api/audit/events?limit=5'), 'events.length'),
    ).toBeGreaterThan(0);
    expect(at(await call(tokens.officer, 'GET', '/api/audit/verify', '/api/audit/verify'), 'ok')).toBe(true);
    expect((await call(tokens.agent, 'GET', '/api/audit/verify', '/api/audit/verify')).status).toBe(403);
  });

  it('data subjects, requests, holds and retention', async () => {
    const maria = await seedSubject(server, 'OAS1');
    const found = await call(tokens.officer, 'POST', '/api/privacy/subjects/lookup', '/api/privacy/subjects/lookup', {
      body: { kind: 'email', value: maria.secrets[1] },
    });
    expect(at(found, 'subject.id')).toBe(maria.subjectId);
    const request = await call(tokens.officer, 'POST', '/api/privacy/requests', '/api/privacy/requests', {
      body: { subjectId: maria.subjectId, type: 'access' },
    });
    expect(request.status).toBe(201);
    const rid = String(at(request, 'request.id'));
    await call(tokens.officer, 'GET', '/api/privacy/requests', '/api/privacy/requests');
    await call(tokens.officer, 'GET', '/api/privacy/requests/{id}', `/api/privacy/requests/${rid}`);
    expect(
      (
        await call(
          tokens.officer,
          'POST',
          '/api/privacy/requests/{id}/transition',
          `/api/privacy/requests/${rid}/transition`,
          { body: { to: 'identity_verified' } },
        )
      ).status,
    ).toBe(200);
    const hold = await call(tokens.officer, 'POST', '/api/privacy/holds', '/api/privacy/holds', {
      body: { scope: 'subject', subjectId: maria.subjectId, caseId: 'CASE-1', reason: 'litigation notice received' },
    });
    expect(hold.status).toBe(201);
    await call(tokens.officer, 'GET', '/api/privacy/holds', '/api/privacy/holds');
    await call(tokens.officer, 'GET', '/api/privacy/retention/runs', '/api/privacy/retention/runs');
    expect(
      (
        await call(
          tokens.officer,
          'GET',
          '/api/privacy/requests/{id}',
          '/api/privacy/requests/00000000-0000-4000-8000-000000000000',
        )
      ).status,
    ).toBe(404);
  });

  it('knowledge base and the agent workspace', async () => {
    const created = await call(tokens.admin, 'POST', '/api/kb/articles', '/api/kb/articles', {
      body: {
        category: 'faq',
        audience: 'public',
        language: 'en',
        title: 'Blocked card',
        bodyMd: 'Call us to unblock a card.',
        publish: false,
      },
    });
    expect(created.status).toBe(201);
    const id = String(at(created, 'article.id'));
    await call(tokens.admin, 'GET', '/api/kb/articles', '/api/kb/articles');
    await call(tokens.admin, 'GET', '/api/kb/articles/{id}', `/api/kb/articles/${id}`);
    const versions = await call(
      tokens.admin,
      'GET',
      '/api/kb/articles/{id}/versions',
      `/api/kb/articles/${id}/versions`,
    );
    await call(
      tokens.admin,
      'GET',
      '/api/kb/articles/{id}/versions/{versionId}',
      `/api/kb/articles/${id}/versions/${String(at(versions, 'versions.0.id'))}`,
    );
    const published = await call(
      tokens.admin,
      'POST',
      '/api/kb/articles/{id}/publish',
      `/api/kb/articles/${id}/publish`,
      { body: { versionId: at(versions, 'versions.0.id') } },
    );
    expect(at(published, 'article.publishedVersionNo')).toBe(1);

    await call(tokens.agent, 'GET', '/api/agent/queue', '/api/agent/queue');
    await call(tokens.agent, 'GET', '/api/canned', '/api/canned');
  });

  it('the visitor widget', async () => {
    const config = await call('', 'GET', '/api/widget/config', '/api/widget/config?site=retail&lang=en');
    expect(at(config, 'consent.purposes.length')).toBeGreaterThan(0);
    const session = await call('', 'POST', '/api/widget/sessions', '/api/widget/sessions', {
      body: { site: 'retail', language: 'en' },
    });
    expect(session.status).toBe(201);
    const visitor = String(at(session, 'token'));
    await call(visitor, 'PUT', '/api/widget/consents', '/api/widget/consents', {
      body: {
        ai_local: true,
        ai_cloud: false,
        transcript_keep: true,
        voice_input: false,
        version: at(config, 'consent.version'),
        hash: at(config, 'consent.hash'),
        language: 'en',
      },
    });
    await call(visitor, 'GET', '/api/widget/consents', '/api/widget/consents');
    await call(visitor, 'GET', '/api/widget/conversation', '/api/widget/conversation');
    await call(visitor, 'POST', '/api/widget/handoff', '/api/widget/handoff', { body: {} });
    expect((await call('', 'GET', '/api/widget/conversation', '/api/widget/conversation')).status).toBe(401);
  });

  it("/v1: models, and errors in OpenAI's shape with the stable id in code", async () => {
    const key = (
      await api<{ key: string }>(server, 'POST', '/api/keys', { token: tokens.admin, body: { name: 'openapi' } })
    ).body.key;
    const models = await call(key, 'GET', '/v1/models', '/v1/models');
    await call(key, 'GET', '/v1/models/{id}', `/v1/models/${String(at(models, 'data.0.id'))}`);
    const unknown = await call(key, 'GET', '/v1/models/{id}', '/v1/models/no-such-model');
    expect(unknown.status).toBe(404);
    expect(at(unknown, 'error')).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found' });
    const wrongKey = await call('pal_wrong', 'GET', '/v1/models', '/v1/models');
    expect(at(wrongKey, 'error')).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    });
    const invalid = await call(key, 'POST', '/v1/chat/completions', '/v1/chat/completions', {
      body: { model: 'palisade', messages: 'not a list' },
    });
    expect(at(invalid, 'error')).toMatchObject({
      type: 'invalid_request_error',
      code: 'validation_failed',
      param: 'messages',
    });
  });
});
