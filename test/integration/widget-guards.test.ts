// What the widget API refuses, and what a visitor can do about their own data: rate and length
// limits, tokens (forged, expired, another site's), origins, attachments (type by content, size),
// identity signatures, feedback/rating/close, export and erasure (a legal hold stops it).
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, loadConsentTexts, parseConsentTexts } from '../../server/chat/consentText.ts';
import type { MessageView } from '../../protocol/widget.ts';
import { parseSites } from '../../server/chat/sites.ts';
import { deriveKey } from '../../server/keys.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import {
  connectSocket,
  LOCAL_ONLY,
  NONE_GRANTED,
  openVisitor,
  policiesDir,
  readyVisitor,
  repliesSettled,
  sendMessage,
  visitorApi,
  type Visitor,
} from '../support/widget.ts';

const BANK = 'https://www.bank.example';
const SECRET_ENV = 'PALISADE_IDENTITY_SECRET_WIDGET_TEST';
const SECRET = 'test-identity-secret-0123456789';
const SITES = `version: 1
sites:
  retail:
    name: Demo Bank
    origins: ["${BANK}"]
    languages: [en, de]
    defaultLanguage: en
    queue: retail
    limits: { messageChars: 2000, visitorMessagesPerMinute: 20, ipMessagesPerMinute: 120, ipSessionsPerHour: 500 }
    attachments: { maxBytes: 5242880, types: [image/png, image/jpeg, image/webp, application/pdf] }
  business:
    name: Demo Business
    origins: []
    languages: [en]
    defaultLanguage: en
    queue: business
    identitySecretEnv: ${SECRET_ENV}
    limits: { messageChars: 40, visitorMessagesPerMinute: 3, ipMessagesPerMinute: 100, ipSessionsPerHour: 500 }
    attachments: { maxBytes: 64, types: [image/png] }
    notHelpfulHandoff: 2
`;
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('not really an image'),
]);
const PDF = Buffer.from('%PDF-1.7\n%fake\n');

let server: TestServer;
let policies: ReturnType<typeof policiesDir>;

beforeAll(async () => {
  process.env[SECRET_ENV] = SECRET;
  policies = policiesDir({ 'sites.yaml': SITES });
  server = await startTestServer(
    { RETENTION_INTERVAL_SECONDS: '0', PALISADE_POLICIES_DIR: policies.dir },
    { seedDemoKnowledge: true },
  );
});
afterAll(async () => {
  await server?.stop();
  policies?.remove();
  delete process.env[SECRET_ENV];
});

const upload = (v: Visitor, body: Buffer, type: string) =>
  fetch(`${server.url}/api/widget/attachments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${v.token}`, 'Content-Type': type },
    body,
  });

describe('limits', () => {
  it('429 with Retry-After past the visitor rate, 413 past the length', async () => {
    const v = await readyVisitor(server, { site: 'business', decisions: NONE_GRANTED });
    const long = await sendMessage(v, 'x'.repeat(41));
    expect(long.status).toBe(413);
    expect(long.body).toMatchObject({
      error: { id: 'message_too_long', issues: [{ path: 'text', message: 'at most 40 characters' }] },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await sendMessage(v, `message ${i}`)).status);
    expect(statuses.slice(0, 2)).toEqual([201, 201]);
    const limited = await sendMessage(v, 'one too many');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { id: 'rate_limited' } });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
  });
});

describe('tokens', () => {
  it('refuses a forged, an expired and a re-sited token, and none at all', async () => {
    const v = await readyVisitor(server, { decisions: NONE_GRANTED });
    const claims = JSON.parse(Buffer.from(v.token.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      cid: string;
    };
    const key = deriveKey(server.deps.secrets.masterKey, 'visitor-token');
    const sign = (k: Uint8Array, site: string, exp: number) =>
      new SignJWT({ cid: claims.cid, site })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer('palisade')
        .setAudience('palisade-widget')
        .setExpirationTime(exp)
        .sign(k);
    const later = Math.floor(Date.now() / 1000) + 600;
    const tokens = [
      await sign(new Uint8Array(32).fill(7), 'retail', later),
      await sign(key, 'retail', Math.floor(Date.now() / 1000) - 60),
      await sign(key, 'business', later),
      'not-a-token',
    ];
    for (const token of tokens) {
      const res = await visitorApi({ ...v, token }, 'GET', '/conversation');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { id: 'invalid_visitor_token' } });
    }
    const none = await api(server, 'GET', '/api/widget/conversation');
    expect(none.status).toBe(401);
    const socket = connectSocket({ ...v, token: tokens[0]! });
    expect((await socket.closed).code).toBe(4401);
  });
});

describe('the socket', () => {
  it('closes with 4401 when the first frame is anything but a hello, broken JSON and a ping included', async () => {
    const v = await readyVisitor(server, { decisions: NONE_GRANTED });
    for (const first of [
      'not json',
      '{"type":',
      'null',
      '{"type":"ping"}',
      JSON.stringify({ type: 'send', clientId: randomUUID(), text: 'hi' }),
    ]) {
      const socket = connectSocket(v, { hello: false });
      socket.ws.once('open', () => socket.ws.send(first));
      expect((await socket.closed).code, first).toBe(4401);
      expect(socket.frames, first).toEqual([]);
    }
  });

  it('answers a sent text holding a NUL or an unpaired surrogate with validation_failed and stays open', async () => {
    const v = await readyVisitor(server, { decisions: NONE_GRANTED });
    const socket = connectSocket(v);
    await socket.ready;
    for (const text of ['hello\u0000there', 'hello \ud800']) {
      const answer = await socket.sendMessage(text);
      expect(answer).toMatchObject({ type: 'error', error: { id: 'validation_failed' } });
    }
    expect(await socket.sendMessage('hello there')).toMatchObject({ type: 'ack' });
    socket.close();
  });
});

describe('origins', () => {
  it('allows the site origin (with CORS) and refuses others', async () => {
    const ok = await openVisitor(server, { origin: BANK });
    expect(ok.token).toBeTruthy();
    const preflight = await fetch(`${server.url}/api/widget/consents`, {
      method: 'OPTIONS',
      headers: { Origin: BANK, 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(BANK);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');

    const refused = await api(server, 'POST', '/api/widget/sessions', {
      body: { site: 'retail', language: 'en' },
      headers: { Origin: 'https://evil.example' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { id: 'origin_not_allowed' } });
    const otherSite = await api(server, 'POST', '/api/widget/sessions', {
      body: { site: 'business', language: 'en' },
      headers: { Origin: BANK },
    });
    expect(otherSite.status).toBe(403);
    const viaToken = await visitorApi({ ...ok, origin: 'https://evil.example' }, 'GET', '/conversation');
    expect(viaToken.status).toBe(403);
    const socket = connectSocket({ ...ok, origin: 'https://evil.example' });
    expect((await socket.closed).code).toBe(4403);
  });
});

describe('identity', () => {
  it('links a signed customer id to one subject; a wrong signature creates nothing', async () => {
    const customerId = `C-${randomUUID()}`;
    const signature = createHmac('sha256', SECRET).update(customerId).digest('hex');
    const a = await openVisitor(server, { site: 'business', identity: { customerId, signature } });
    const b = await openVisitor(server, { site: 'business', identity: { customerId, signature } });
    const subjectOf = (v: Visitor) =>
      (JSON.parse(Buffer.from(v.token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    expect(subjectOf(a)).toBe(subjectOf(b));
    const [before] = (await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM data_subjects`)) as {
      n: number;
    }[];
    const wrong = await api(server, 'POST', '/api/widget/sessions', {
      body: { site: 'business', identity: { customerId, signature: 'ab'.repeat(32) } },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { id: 'identity_invalid' } });
    const notConfigured = await api(server, 'POST', '/api/widget/sessions', {
      body: { site: 'retail', identity: { customerId, signature } },
    });
    expect(notConfigured.body).toMatchObject({ error: { id: 'identity_not_configured' } });
    const [after] = (await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM data_subjects`)) as {
      n: number;
    }[];
    expect(after!.n).toBe(before!.n);
  });
});

describe('attachments', () => {
  it('are typed by their content, capped per site, linked on send, read back only by their visitor', async () => {
    const v = await readyVisitor(server, { decisions: NONE_GRANTED });
    const mismatch = await upload(v, PDF, 'image/png');
    expect(mismatch.status).toBe(415);
    expect(await mismatch.json()).toMatchObject({ error: { id: 'attachment_type' } });
    const stored = await upload(v, PNG, 'image/png');
    expect(stored.status).toBe(201);
    const { attachment } = (await stored.json()) as { attachment: { id: string; mime: string; size: number } };
    expect(attachment).toMatchObject({ mime: 'image/png', size: PNG.length });
    const sent = await sendMessage(v, 'see the picture', { attachmentIds: [attachment.id] });
    expect(sent.body.message.attachments).toEqual([attachment]);
    const again = await sendMessage(v, 'reuse it', { attachmentIds: [attachment.id] });
    expect(again.body).toMatchObject({ error: { id: 'unknown_attachment' } });
    const file = await fetch(`${server.url}/api/widget/attachments/${attachment.id}`, {
      headers: { Authorization: `Bearer ${v.token}` },
    });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
    const stranger = await readyVisitor(server, { decisions: NONE_GRANTED });
    const foreign = await visitorApi(stranger, 'GET', `/attachments/${attachment.id}`);
    expect(foreign.status).toBe(404);

    const small = await readyVisitor(server, { site: 'business', decisions: NONE_GRANTED });
    const big = await upload(small, Buffer.concat([PNG, Buffer.alloc(100)]), 'image/png');
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { id: 'attachment_too_large' } });
    const pdfNotAllowed = await upload(small, PDF, 'application/pdf');
    expect(pdfNotAllowed.status).toBe(415);
  });
});

describe('feedback, handoff, close, rating, new conversation', () => {
  it('hands off at the second "not helpful", then closes, rates, and starts over', async () => {
    const v = await readyVisitor(server, { site: 'business', decisions: LOCAL_ONLY });
    const early = await visitorApi(v, 'POST', '/rating', { body: { score: 4 } });
    expect(early.body).toMatchObject({ error: { id: 'nothing_to_rate' } });
    await sendMessage(v, 'replacement card?');
    await repliesSettled(server);
    await sendMessage(v, 'and a lost card?');
    await repliesSettled(server);
    const answers = (await visitorApi<{ messages: MessageView[] }>(v, 'GET', '/conversation')).body.messages.filter(
      (m) => m.role === 'assistant',
    );
    expect(answers).toHaveLength(2);
    const first = await visitorApi<{ message: MessageView }>(v, 'POST', `/messages/${answers[0]!.id}/feedback`, {
      body: { helpful: false },
    });
    expect(first.body.message.feedback).toBe(false);
    await visitorApi(v, 'POST', `/messages/${answers[0]!.id}/feedback`, { body: { helpful: false } }); // the same answer again counts once
    let state = (await visitorApi<{ conversation: { status: string } }>(v, 'GET', '/conversation')).body.conversation;
    expect(state.status).toBe('open');
    await visitorApi(v, 'POST', `/messages/${answers[1]!.id}/feedback`, { body: { helpful: false } });
    state = (await visitorApi<{ conversation: { status: string } }>(v, 'GET', '/conversation')).body.conversation;
    expect(state.status).toBe('handoff');

    const closed = await visitorApi(v, 'POST', '/close');
    expect(closed.body).toMatchObject({ conversation: { status: 'closed', mode: 'closed' } });
    expect((await sendMessage(v, 'hello?')).body).toMatchObject({ error: { id: 'conversation_closed' } });
    const rated = await visitorApi(v, 'POST', '/rating', { body: { score: 5 } });
    expect(rated.body).toMatchObject({ conversation: { rating: 5 } });

    const next = await visitorApi<{ token: string; conversation: { id: string; status: string } }>(
      v,
      'POST',
      '/conversations',
    );
    expect(next.status).toBe(201);
    expect(next.body.conversation).toMatchObject({ status: 'open' });
    expect(next.body.conversation.id).not.toBe(v.conversation.id);
    const consents = await visitorApi<{ consents: { ai_local: boolean } }>(
      { ...v, token: next.body.token },
      'GET',
      '/consents',
    );
    expect(consents.body.consents.ai_local).toBe(true);
  });

  it('"talk to a person" queues the conversation', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    const res = await visitorApi(v, 'POST', '/handoff', { body: {} });
    expect(res.body).toMatchObject({ conversation: { status: 'handoff', mode: 'queued' } });
  });
});

describe('the visitor’s own data', () => {
  it('export holds the messages; erasure stops the token', async () => {
    const v = await readyVisitor(server, { decisions: NONE_GRANTED });
    await sendMessage(v, 'my account number is 12345678');
    const exported = await visitorApi<{ conversations: { messages: { text: string }[] }[] }>(v, 'GET', '/me/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(exported.body.conversations[0]!.messages.map((m) => m.text)).toContain('my account number is 12345678');

    const unconfirmed = await visitorApi(v, 'POST', '/me/erasure', { body: {} });
    expect(unconfirmed.status).toBe(400);
    const erased = await visitorApi<{ request: { id: string; state: string } }>(v, 'POST', '/me/erasure', {
      body: { confirm: true },
    });
    expect(erased.status).toBe(202);
    expect(erased.body.request.state).toBe('done');
    const after = await visitorApi(v, 'GET', '/conversation');
    expect(after.status).toBe(410);
    expect(after.body).toMatchObject({ error: { id: 'subject_erased' } });
  });

  it('under a legal hold: 409 legal_hold, the request left for a compliance officer', async () => {
    const v = await readyVisitor(server, { decisions: NONE_GRANTED });
    await server.deps.db.dataSource.query(
      `INSERT INTO legal_holds (id, scope, conversation_id, case_id, reason, status, placed_by, placed_at) VALUES ($1, 'conversation', $2, 'CASE-1', 'litigation', 'active', 'test', now())`,
      [randomUUID(), v.conversation.id],
    );
    const res = await visitorApi(v, 'POST', '/me/erasure', { body: { confirm: true } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { id: 'legal_hold' } });
    const [request] = (await server.deps.db.dataSource.query(
      `SELECT state, channel FROM dsr_requests d JOIN conversations c ON c.subject_id = d.subject_id WHERE c.id = $1`,
      [v.conversation.id],
    )) as { state: string; channel: string }[];
    expect(request).toEqual({ state: 'received', channel: 'widget' });
    expect((await visitorApi(v, 'GET', '/conversation')).status).toBe(200);
  });
});

describe('policy files', () => {
  it('a bad sites.yaml or consent.yaml is refused with the reason', () => {
    expect(() => parseSites('version: 1\nsites:\n  retail: { name: Demo }\n')).toThrow(/retail\.languages/);
    expect(() => parseSites(SITES.replace(`origins: ["${BANK}"]`, 'origins: ["https://bank.example/path"]'))).toThrow(
      /origins.*must be an origin/,
    );
    expect(() =>
      parseConsentTexts(
        'version: "1"\nretentionDays: { standard: 90, transcript_keep: 365 }\ntexts: { de: { title: T, intro: I, purposes: {} } }\n',
      ),
    ).toThrow(/ai_local/);
  });

  it('hashes the canonical JSON of one language’s text', () => {
    const text = loadConsentTexts(policies.dir).text('de');
    const expected = createHash('sha256')
      .update(
        canonicalJson({
          version: text.version,
          language: 'de',
          title: text.title,
          intro: text.intro,
          purposes: Object.fromEntries(text.purposes.map((p) => [p.id, p.text])),
        }),
      )
      .digest('hex');
    expect(text.hash).toBe(expected);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
