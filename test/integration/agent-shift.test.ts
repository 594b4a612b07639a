// The agent's shift through the real server: a visitor who asks for a person while the site is closed
// waits as a follow-up (no text in the list); two agents take it at once and one wins; the winner reads
// it masked and replies, and the visitor finds the reply on coming back. Sites that ask for it assign a
// fresh handoff to the least-loaded available agent with the console open on any node (a second app on
// the same database stands for the other node), never past maxConcurrent.
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ConversationView, MessageView } from '../../protocol/widget.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import {
  NONE_GRANTED,
  policiesDir,
  readyVisitor,
  repliesSettled,
  sendMessage,
  type Visitor,
  visitorApi,
} from '../support/widget.ts';
import { shiftSites } from '../support/shiftSites.ts';

const PASSWORD = 'correct horse battery staple';
const CARD = '4111 1111 1111 1111';
const CLOSED = new Date('2026-12-07T20:00:00Z'); // a Monday evening: retail (09:00-17:00 UTC) is closed
const OPEN = new Date('2026-12-08T10:00:00Z');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface Row {
  id: string;
  site: string;
  language: string | null;
  mode: string;
  assignedTo: string | null;
  waitingSince: string | null;
}
type Body = { conversations: Row[]; conversation: Row; messages: MessageView[]; error: { id: string } };

let server: TestServer;
let other: TestServer; // a second node of the same install
let clock = CLOSED;
const policies = policiesDir({ 'sites.yaml': stringify(shiftSites({ maxConcurrent: 1 })) });
const tokens = { anna: '', ben: '', cara: '', auditor: '' };
const ids = { anna: '', ben: '', cara: '' };
const agent = (method: string, path: string, token: string, body?: unknown) =>
  api<Body>(server, method, `/api/agent${path}`, { token, ...(body === undefined ? {} : { body }) });

async function askForPerson(site: string, text?: string, attachment?: Buffer): Promise<Visitor> {
  const v = await readyVisitor(server, { site, decisions: NONE_GRANTED });
  const attachmentIds = attachment ? [await upload(v, attachment)] : undefined;
  if (text) expect((await sendMessage(v, text, attachmentIds ? { attachmentIds } : {})).status).toBe(201);
  expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
  await repliesSettled(server);
  return v;
}

async function upload(v: Visitor, body: Buffer): Promise<string> {
  const res = await fetch(`${server.url}/api/widget/attachments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${v.token}`, 'Content-Type': 'image/png' },
    body,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { attachment: { id: string } }).attachment.id;
}

const stateOf = async (v: Visitor) =>
  (await visitorApi<{ conversation: ConversationView; messages: MessageView[] }>(v, 'GET', '/conversation')).body;

const channels = async (userId: string) =>
  Number(
    (
      (await server.deps.db.dataSource.query(`SELECT count(*) AS n FROM staff_presence WHERE user_id = $1`, [
        userId,
      ])) as { n: string }[]
    )[0]!.n,
  );

/** Opens the console's live channel on `node` and waits for its presence row (written after the channel opens); `status` as the agent sets it. */
async function goOnline(
  key: 'anna' | 'ben' | 'cara',
  opts: { node?: TestServer; status?: 'available' | 'away' } = {},
): Promise<WebSocket> {
  const node = opts.node ?? server;
  if (opts.status) expect((await agent('PUT', '/presence', tokens[key], { status: opts.status })).status).toBe(200);
  const before = await channels(ids[key]);
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(node.url.replace('http', 'ws') + '/api/staff/live', {
      headers: { Origin: node.url, Cookie: `palisade_at=${tokens[key]}` },
    });
    socket.once('message', () => resolve(socket));
    socket.on('error', reject);
  });
  await expect.poll(() => channels(ids[key]), { timeout: 20_000 }).toBe(before + 1);
  return ws;
}

/** Closes the channel and waits until its presence row is gone. */
async function goOffline(key: 'anna' | 'ben' | 'cara', ws: WebSocket): Promise<void> {
  const before = await channels(ids[key]);
  ws.close();
  await expect.poll(() => channels(ids[key]), { timeout: 20_000 }).toBe(before - 1);
}

beforeAll(async () => {
  // the nodes of one install share their secrets: a console signed in on one is let in on the other
  const env = {
    PALISADE_POLICIES_DIR: policies.dir,
    RETENTION_INTERVAL_SECONDS: '0',
    JWT_SECRET: randomBytes(48).toString('base64'),
    MASTER_KEY: randomBytes(32).toString('base64'),
  };
  server = await startTestServer({ ...env, PALISADE_NODE_ID: 'node-a' }, { now: () => clock });
  other = await startTestServer({ ...env, PALISADE_NODE_ID: 'node-b' }, { now: () => clock, nodeOf: server });
  for (const [key, role, name] of [
    ['anna', 'agent', 'Anna'],
    ['ben', 'agent', 'Ben'],
    ['cara', 'agent', 'Cara'],
    ['auditor', 'auditor', 'Aud'],
  ] as const) {
    const id = await seedStaff(server, { email: `${key}@bank.example`, password: PASSWORD, role, displayName: name });
    if (key !== 'auditor') ids[key] = id;
  }
  await signIn();
});

/** Fresh tokens at the clock's time (a jump of hours outlives the ones before). */
async function signIn() {
  for (const key of ['anna', 'ben', 'cara', 'auditor'] as const)
    tokens[key] = (await bearerLogin(server, `${key}@bank.example`, PASSWORD)).accessToken;
}
afterAll(async () => {
  await other?.stop();
  await server?.stop();
  policies.remove();
});

describe('follow-ups left outside office hours', () => {
  let visitor: Visitor;
  let winner: 'anna' | 'ben';

  it('lists a handoff made while the site was closed, with no message text, and audits the read', async () => {
    // An agent online does not matter outside office hours: the conversation waits.
    const ws = await goOnline('anna', { status: 'available' });
    visitor = await askForPerson('retail', `My card ${CARD} is blocked`, PNG);
    await goOffline('anna', ws);
    const state = await stateOf(visitor);
    expect(state.conversation).toMatchObject({ status: 'handoff', mode: 'queued' });
    expect(state.messages.at(-1)?.notice).toBe('outside_hours');
    clock = OPEN;
    const open = await askForPerson('branch'); // branch has no hours: never a follow-up
    clock = new Date(CLOSED.getTime() + 60_000);

    const res = await agent('GET', '/follow-ups', tokens.anna);
    expect(res.status).toBe(200);
    expect(res.body.conversations.map((c) => c.id)).toEqual([visitor.conversation.id]);
    expect(res.body.conversations.map((c) => c.id)).not.toContain(open.conversation.id);
    expect(res.body.conversations[0]).toMatchObject({
      site: 'retail',
      language: 'en',
      mode: 'queued',
      assignedTo: null,
      waitingSince: CLOSED.toISOString(),
    });
    expect(res.text).not.toContain('4111');
    expect(res.text).not.toContain('blocked');
    const [read] = await auditEvents(
      server,
      `action = 'queue.read' AND actor_id = $1 AND details->>'list' = 'follow_ups'`,
      [ids.anna],
    );
    expect(read?.details).toMatchObject({ conversations: 1 });
  });

  it('refuses other roles and bad ids', async () => {
    expect((await agent('GET', '/follow-ups', '')).status).toBe(401);
    expect((await agent('GET', '/follow-ups', tokens.auditor)).status).toBe(403);
    expect((await agent('POST', `/follow-ups/${visitor.conversation.id}/take`, tokens.auditor)).status).toBe(403);
    const bad = await agent('POST', '/follow-ups/not-an-id/take', tokens.anna);
    expect([bad.status, bad.body.error.id]).toEqual([400, 'validation_failed']);
    const missing = await agent('POST', `/follow-ups/${crypto.randomUUID()}/take`, tokens.anna);
    expect([missing.status, missing.body.error.id]).toEqual([404, 'not_found']);
  });

  it('gives the conversation to one of two agents taking it at once; the other is told', async () => {
    const [a, b] = await Promise.all([
      agent('POST', `/follow-ups/${visitor.conversation.id}/take`, tokens.anna),
      agent('POST', `/follow-ups/${visitor.conversation.id}/take`, tokens.ben),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    winner = a.status === 200 ? 'anna' : 'ben';
    const loser = winner === 'anna' ? b : a;
    expect(loser.body.error.id).toBe('already_claimed');
    expect((winner === 'anna' ? a : b).body.conversation).toMatchObject({ mode: 'agent', assignedTo: ids[winner] });
    const claims = await auditEvents(server, `action = 'conversation.claim' AND resource_id = $1`, [
      visitor.conversation.id,
    ]);
    expect(claims.map((e) => [e.actorId, e.details])).toEqual([[ids[winner], { queue: 'retail', followUp: 1 }]]);
    expect((await agent('GET', '/follow-ups', tokens.anna)).body.conversations).toEqual([]);
    // Taking it again is harmless for the holder.
    expect((await agent('POST', `/follow-ups/${visitor.conversation.id}/take`, tokens[winner])).status).toBe(200);
    expect(
      await auditCount(server, `action = 'conversation.claim' AND resource_id = $1`, [visitor.conversation.id]),
    ).toBe(1);
  });

  it('lets the winner read it masked and reply; the visitor finds the reply on coming back', async () => {
    const other = winner === 'anna' ? 'ben' : 'anna';
    const transcript = await agent('GET', `/conversations/${visitor.conversation.id}/transcript`, tokens[winner]);
    expect(transcript.status).toBe(200);
    expect(transcript.text).not.toContain(CARD);
    expect(transcript.body.messages.find((m) => m.role === 'visitor')?.text).toContain('<CREDIT_CARD_1>');
    expect((await agent('GET', `/conversations/${visitor.conversation.id}/transcript`, tokens[other])).status).toBe(
      403,
    );

    // The visitor's picture, viewed from the transcript: the bytes, and an audit row for the read.
    const [attachment] = transcript.body.messages.find((m) => m.role === 'visitor')!.attachments;
    const view = await fetch(`${server.url}/api/agent/attachments/${attachment!.id}`, {
      headers: { Authorization: `Bearer ${tokens[winner]}` },
    });
    expect([view.status, view.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await view.arrayBuffer())).toEqual(PNG);
    const reads = await auditEvents(server, `action = 'attachment.read' AND resource_id = $1`, [attachment!.id]);
    expect(reads.map((e) => [e.actorType, e.actorId, e.details])).toEqual([
      ['staff', ids[winner], { bytes: PNG.length }],
    ]);
    const refused = await fetch(`${server.url}/api/agent/attachments/${attachment!.id}`, {
      headers: { Authorization: `Bearer ${tokens[other]}` },
    });
    expect(refused.status).toBe(403);
    expect(await auditCount(server, `action = 'attachment.read' AND resource_id = $1`, [attachment!.id])).toBe(1);
    const sent = await agent('POST', `/conversations/${visitor.conversation.id}/messages`, tokens[winner], {
      clientId: crypto.randomUUID(),
      text: 'Your card is unblocked.',
    });
    expect(sent.status).toBe(201);
    const back = await stateOf(visitor);
    expect(back.conversation.mode).toBe('agent');
    expect(back.messages.map((m) => [m.role, m.notice ?? m.text])).toEqual(
      expect.arrayContaining([
        ['system', 'agent_joined'],
        ['agent', 'Your card is unblocked.'],
      ]),
    );
    expect((await agent('POST', `/conversations/${visitor.conversation.id}/close`, tokens[winner])).status).toBe(200);
    expect((await agent('POST', `/follow-ups/${visitor.conversation.id}/take`, tokens[other])).body.error.id).toBe(
      'conversation_closed',
    );
  });
});

describe('auto-assignment', () => {
  const assigned = async (v: Visitor) => (await stateOf(v)).conversation.mode;
  const holderOf = async (v: Visitor) =>
    (await auditEvents(server, `action = 'conversation.assign' AND resource_id = $1`, [v.conversation.id]))[0]?.details
      .toAgent ?? null;

  it('spreads fresh handoffs over the available agents, never past maxConcurrent, and leaves the rest queued', async () => {
    clock = OPEN;
    await signIn();
    const anna = await goOnline('anna', { status: 'available' });
    const ben = await goOnline('ben', { status: 'available' });
    const visitors = await Promise.all([askForPerson('retail'), askForPerson('retail'), askForPerson('retail')]);
    const holders = await Promise.all(visitors.map(holderOf));
    expect(holders.filter(Boolean).sort()).toEqual([ids.anna, ids.ben].sort());
    const waiting = visitors[holders.indexOf(null)]!;
    expect(await assigned(waiting)).toBe('queued');
    const joined = (await stateOf(visitors[holders.indexOf(ids.anna)]!)).messages.at(-1);
    expect(joined).toMatchObject({ notice: 'agent_joined', agent: { name: 'Anna' } });
    expect(await auditCount(server, `action = 'conversation.assign'`)).toBe(2);

    // Ben signs off: his room does not count; Anna's freed seat takes the next one.
    await goOffline('ben', ben);
    for (const v of visitors.filter((_, i) => holders[i])) {
      const holder = holders[visitors.indexOf(v)] === ids.anna ? tokens.anna : tokens.ben;
      expect((await agent('POST', `/conversations/${v.conversation.id}/close`, holder)).status).toBe(200);
    }
    const next = await askForPerson('retail');
    expect(await holderOf(next)).toBe(ids.anna);
    const full = await askForPerson('retail');
    expect([await assigned(full), await holderOf(full)]).toEqual(['queued', null]);
    expect((await agent('POST', `/conversations/${next.conversation.id}/close`, tokens.anna)).status).toBe(200);
    await goOffline('anna', anna);
  });

  it('assigns an agent whose console is open on another node, and skips agents away or who never set a status', async () => {
    const ben = await goOnline('ben', { node: other, status: 'available' });
    const anna = await goOnline('anna', { status: 'away' });
    const cara = await goOnline('cara'); // console open, status never set: away
    const first = await askForPerson('retail'); // taken by this node (server), Ben is on the other
    expect(await holderOf(first)).toBe(ids.ben);
    // Ben is full (maxConcurrent 1); Anna and Cara have room but are not available.
    const second = await askForPerson('retail');
    expect([await assigned(second), await holderOf(second)]).toEqual(['queued', null]);
    // Anna turning available is what makes the difference.
    expect((await agent('PUT', '/presence', tokens.anna, { status: 'available' })).status).toBe(200);
    const third = await askForPerson('retail');
    expect(await holderOf(third)).toBe(ids.anna);
    for (const [v, key] of [
      [first, 'ben'],
      [third, 'anna'],
    ] as const) {
      expect((await agent('POST', `/conversations/${v.conversation.id}/close`, tokens[key])).status).toBe(200);
    }
    await Promise.all([goOffline('ben', ben), goOffline('anna', anna), goOffline('cara', cara)]);
  });

  it('is off unless the site asks for it', async () => {
    const ben = await goOnline('ben', { status: 'available' });
    const v = await askForPerson('branch');
    expect([await assigned(v), await holderOf(v)]).toEqual(['queued', null]);
    await goOffline('ben', ben);
  });
});
