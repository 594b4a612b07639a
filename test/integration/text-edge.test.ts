// Text that is not text: a NUL character (PostgreSQL's text columns refuse it) or an unpaired UTF-16
// surrogate, anywhere the API takes text, is a 400 validation_failed naming the field, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface ErrorBody {
  error: { id: string; issues?: { path: string; message: string }[] };
}

const PASSWORD = 'correct horse battery staple';
const NUL = '\u0000';
const LONE = '\ud800';
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  admin = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

async function expectRefused(method: string, path: string, opts: { body?: unknown; token?: string }, field: string) {
  const res = await api<ErrorBody>(server, method, path, opts);
  expect(res.status, `${method} ${path} ${field}: ${res.text}`).toBe(400);
  expect(res.body.error.id).toBe('validation_failed');
  expect(res.body.error.issues?.map((i) => i.path)).toEqual([field]);
}

describe.each([
  ['a NUL character', NUL],
  ['an unpaired surrogate', LONE],
])('%s', (_name, bad) => {
  it('in the sign-in email', async () => {
    await expectRefused(
      'POST',
      '/api/auth/login',
      { body: { email: `ad${bad}min@bank.example`, password: PASSWORD, mode: 'bearer' } },
      'email',
    );
  });

  it('in a knowledge article title and body', async () => {
    await expectRefused(
      'POST',
      '/api/kb/articles',
      {
        token: admin,
        body: {
          title: `Card fees ${bad}`,
          bodyMd: 'Fees for cards.',
          category: 'product',
          audience: 'public',
          language: 'en',
        },
      },
      'title',
    );
    await expectRefused(
      'POST',
      '/api/kb/articles',
      {
        token: admin,
        body: {
          title: 'Card fees',
          bodyMd: `Fees ${bad} for cards.`,
          category: 'product',
          audience: 'public',
          language: 'en',
        },
      },
      'bodyMd',
    );
  });

  it("in a new user's display name", async () => {
    await expectRefused(
      'POST',
      '/api/users',
      {
        token: admin,
        body: {
          email: 'new.agent@bank.example',
          displayName: `New ${bad} Agent`,
          role: 'agent',
          password: 'a long enough password',
        },
      },
      'displayName',
    );
  });

  it('in an import file name and content', async () => {
    await expectRefused(
      'POST',
      '/api/kb/import',
      {
        token: admin,
        body: {
          files: [
            { name: 'ok.md', content: '# Ok\n\nOpening hours.' },
            { name: `fees${bad}.md`, content: '# Fees\n\nCard fees.' },
          ],
        },
      },
      'files.1.name',
    );
    await expectRefused(
      'POST',
      '/api/kb/import',
      { token: admin, body: { files: [{ name: 'fees.md', content: `# Fees\n\n${bad}` }] } },
      'files.0.content',
    );
  });
});

it('a NUL character in a query string', async () => {
  await expectRefused('GET', `/api/agent/queue?site=retail%00`, { token: admin }, 'site');
  await expectRefused('GET', `/api/widget/config?site=retail%00`, {}, 'site');
});

it('the same requests with good text are accepted (the control)', async () => {
  expect(
    (
      await api(server, 'POST', '/api/kb/articles', {
        token: admin,
        body: {
          title: 'Card fees',
          bodyMd: 'Fees for cards 💳.',
          category: 'product',
          audience: 'public',
          language: 'en',
        },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await api(server, 'POST', '/api/users', {
        token: admin,
        body: {
          email: 'new.agent@bank.example',
          displayName: 'New Agent 王',
          role: 'agent',
          password: 'a long enough password',
        },
      })
    ).status,
  ).toBe(201);
  expect((await api(server, 'GET', '/api/agent/queue?site=retail', { token: admin })).status).toBe(200);
});
