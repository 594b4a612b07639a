// Canned responses through the real server: admins keep them per site and language (audited),
// agents find them with a search and get the fill-ins filled for themselves, and bad input is
// refused with a stable id and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface Canned {
  id: string;
  site: string;
  language: string;
  shortcut: string;
  title: string;
  body: string;
  text?: string;
}
interface ErrorBody {
  error: { id: string; issues?: { path: string }[] };
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let admin = '';
let agent = '';
let adminId = '';

beforeAll(async () => {
  server = await startTestServer();
  adminId = await seedStaff(server, { email: 'canned-admin@bank.test', password: PASSWORD, role: 'admin' });
  await seedStaff(server, {
    email: 'canned-agent@bank.test',
    password: PASSWORD,
    role: 'agent',
    displayName: 'Mia Agent',
  });
  await seedStaff(server, { email: 'canned-co@bank.test', password: PASSWORD, role: 'compliance_officer' });
  admin = (await bearerLogin(server, 'canned-admin@bank.test', PASSWORD)).accessToken;
  agent = (await bearerLogin(server, 'canned-agent@bank.test', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server.stop();
});

const create = (body: unknown, token = admin) =>
  api<{ response: Canned } & ErrorBody>(server, 'POST', '/api/canned', { token, body });
const list = (query: string, token = agent) =>
  api<{ responses: Canned[] }>(server, 'GET', `/api/canned${query}`, { token });

describe('canned responses', () => {
  it('an admin creates them per site and language; an agent finds them by search with the fill-ins filled', async () => {
    const greet = await create({
      site: 'retail',
      language: 'de',
      shortcut: 'hallo',
      title: 'Begrüßung',
      body: 'Guten Tag, hier ist {agent_name}. Wir sprechen {visitor_language}.',
    });
    expect(greet.status).toBe(201);
    await create({
      site: 'retail',
      language: 'en',
      shortcut: 'card-block',
      title: 'Blocking a card',
      body: 'Hi, {agent_name} here: I can block the card for you right away.',
    });
    await create({
      site: 'retail',
      language: 'en',
      shortcut: 'hours',
      title: 'Opening hours',
      body: 'Our branches open at 9.',
    });

    const de = await list('?site=retail&language=de');
    expect(de.status).toBe(200);
    expect(de.body.responses.map((r) => r.shortcut)).toEqual(['hallo']);
    expect(de.body.responses[0]!.text).toBe('Guten Tag, hier ist Mia Agent. Wir sprechen Deutsch.');
    expect(de.body.responses[0]!.body).toContain('{agent_name}');

    const search = await list('?site=retail&language=en&q=card');
    expect(search.body.responses.map((r) => r.shortcut)).toEqual(['card-block']);
    expect(search.body.responses[0]!.text).toBe('Hi, Mia Agent here: I can block the card for you right away.');
    // a shortcut's prefix ranks first
    expect((await list('?language=en&q=ho')).body.responses[0]!.shortcut).toBe('hours');

    const events = await auditEvents(server, `resource_id = $1`, [greet.body.response.id]);
    expect(events.map((e) => [e.action, e.actorId])).toEqual([['canned_response.created', adminId]]);
  });

  it('edits and archives, audited; an archived shortcut can be used again', async () => {
    const made = await create({
      site: 'retail',
      language: 'fr',
      shortcut: 'bonjour',
      title: 'Bonjour',
      body: 'Bonjour !',
    });
    const id = made.body.response.id;
    const edited = await api<{ response: Canned }>(server, 'PUT', `/api/canned/${id}`, {
      token: admin,
      body: {
        site: 'retail',
        language: 'fr',
        shortcut: 'bonjour',
        title: 'Accueil',
        body: 'Bonjour, {agent_name} à votre écoute.',
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.response.title).toBe('Accueil');
    expect((await api(server, 'DELETE', `/api/canned/${id}`, { token: admin })).status).toBe(204);
    expect((await list('?site=retail&language=fr')).body.responses).toEqual([]);
    expect((await api(server, 'DELETE', `/api/canned/${id}`, { token: admin })).status).toBe(404);
    expect(
      (await create({ site: 'retail', language: 'fr', shortcut: 'bonjour', title: 'Bonjour', body: 'Bonjour.' }))
        .status,
    ).toBe(201);
    const events = await auditEvents(server, `resource_id = $1`, [id]);
    expect(events.map((e) => e.action)).toEqual([
      'canned_response.created',
      'canned_response.updated',
      'canned_response.archived',
    ]);
  });

  it('only admins change them; compliance officers do not see them', async () => {
    const body = { site: 'retail', language: 'en', shortcut: 'agent-made', title: 't', body: 'b' };
    expect((await create(body, agent)).status).toBe(403);
    expect((await list('', (await bearerLogin(server, 'canned-co@bank.test', PASSWORD)).accessToken)).status).toBe(403);
    expect((await api(server, 'GET', '/api/canned')).status).toBe(401);
    expect((await list('?q=agent-made')).body.responses).toEqual([]);
  });

  it('refuses bad input with a stable id and changes nothing', async () => {
    const before = (await list('?limit=200')).body.responses.length;
    const good = { site: 'retail', language: 'en', shortcut: 'ok-1', title: 'Title', body: 'Body' };
    const cases: [unknown, number, string][] = [
      [{ ...good, site: 'nowhere' }, 400, 'validation_failed'],
      [{ ...good, language: 'it' }, 400, 'validation_failed'],
      [{ ...good, shortcut: 'Has Space' }, 400, 'validation_failed'],
      [{ ...good, body: 'Hello {customer_name}' }, 400, 'validation_failed'],
      [{ ...good, body: 'x'.repeat(4001) }, 400, 'validation_failed'],
      [{ ...good, body: 'nul\u0000' }, 400, 'validation_failed'],
      [{ ...good, extra: true }, 400, 'validation_failed'],
      [{ ...good, shortcut: 'hours' }, 409, 'shortcut_taken'],
    ];
    for (const [body, status, id] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.body.error.id).toBe(id);
    }
    expect((await api<ErrorBody>(server, 'PUT', '/api/canned/nope', { token: admin, body: good })).body.error.id).toBe(
      'validation_failed',
    );
    expect((await list('?limit=500')).status).toBe(400);
    expect((await list('?limit=200')).body.responses.length).toBe(before);
  });
});
