// The agent's shift in real Chromium: a visitor on the bank's page asks for a person while the team
// is away and leaves a message with a picture; the agent, already signed in, sees it arrive under
// Follow-ups without a reload (no text in the list), takes it, sees the card masked and the picture
// inline (its view on the audit record), replies with Enter; the visitor has the reply, and when the
// agent closes, the widget asks for stars and the rating is stored. Chinese; axe-core; screenshots.
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { api, bearerLogin, seedStaff } from '../support/server.ts';
import { shiftSites } from '../support/shiftSites.ts';
import { NONE_GRANTED, policiesDir, readyVisitor, visitorApi } from '../support/widget.ts';
import {
  chatPanel,
  expectVisible,
  screenshot,
  storedItem,
  useBankWidget,
  waitForStream,
  WAIT,
} from '../support/widgetPage.ts';

const CARD = '4111 1111 1111 1111';
const PNG = solidPng(96, 64, [30, 110, 200]);
// Open only on the day three days from now (UTC): whenever the test runs, the team is away.
const OPEN_DAY = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(new Date().getUTCDay() + 3) % 7]!;
const policies = policiesDir({
  'sites.yaml': stringify(shiftSites({ maxConcurrent: 2, weekly: { [OPEN_DAY]: '09:00-17:00' } })),
});

/** A real PNG of one colour (the server checks magic bytes; the console shows it inline). */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe.runIf(browserAvailable)('agent shift: follow-ups, attachments, rating (Chromium)', () => {
  const fixture = useBankWidget({}, () => ({ PALISADE_POLICIES_DIR: policies.dir }));
  let browser: Browser;
  let agentPage: Page;
  let annaId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    const server = fixture.server();
    annaId = await seedStaff(server, {
      email: 'anna@bank.example',
      password: STAFF_PASSWORD,
      role: 'agent',
      displayName: 'Anna Agent',
    });
    browser = await launchBrowser();
    agentPage = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    await consoleSignIn(agentPage, server.url, 'anna@bank.example');
    await agentPage
      .getByRole('navigation', { name: 'Workspaces' })
      .getByRole('link', { name: 'Conversations' })
      .click();
    await agentPage.getByRole('heading', { level: 2, name: 'Follow-ups' }).waitFor(WAIT);
    await agentPage.getByText('No follow-ups waiting.').waitFor(WAIT);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    policies.remove();
  });

  it('a message left outside office hours is taken from Follow-ups, answered, and rated after close', async () => {
    const server = fixture.server();
    const origin = fixture.bank().origin;
    const { page, errors } = await fixture.open();
    await agentPage.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    // The visitor asks for a person: the team is away, so the message waits.
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await chatPanel(page).getByRole('button', { name: 'Only a person' }).click();
    await waitForStream(page);
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toMatch(/Nobody is available right now/);
    const token = (await storedItem(page, 'palisade:retail'))!;
    const uploaded = await fetch(`${server.url}/api/widget/attachments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, Origin: origin, 'Content-Type': 'image/png' },
      body: PNG,
    });
    expect(uploaded.status).toBe(201);
    const attachmentId = ((await uploaded.json()) as { attachment: { id: string } }).attachment.id;
    const sent = await api(server, 'POST', '/api/widget/messages', {
      token,
      headers: { Origin: origin },
      body: {
        clientId: crypto.randomUUID(),
        text: `My card ${CARD} is blocked, see the photo`,
        attachmentIds: [attachmentId],
      },
    });
    expect(sent.status).toBe(201);
    const conversationId = (
      await api<{ conversation: { id: string } }>(server, 'GET', '/api/widget/conversation', {
        token,
        headers: { Origin: origin },
      })
    ).body.conversation.id;

    // Follow-ups: live, with site, language and since when, and no message text.
    const entry = agentPage.locator(`li[data-follow-up="${conversationId}"]`);
    await entry.waitFor(WAIT);
    expect(await agentPage.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const listed = (await entry.textContent())!;
    expect(listed).toContain('retail');
    expect(listed).toContain('Waiting since');
    expect(listed).not.toContain('blocked');
    expect(listed).not.toContain('4111');
    await axeBothThemes(agentPage, 'agent-follow-ups');

    // Take: the conversation opens, the card masked, the picture inline with its alt text.
    await entry.getByRole('button', { name: /^Take the follow-up from retail/ }).click();
    const pane = agentPage.getByRole('region', { name: /Conversation on retail/ });
    await pane.waitFor(WAIT);
    const transcript = pane.getByRole('list', { name: 'Transcript' });
    const message = transcript.locator('li[data-role="visitor"]').filter({ hasText: 'see the photo' });
    await message.waitFor(WAIT);
    expect(await transcript.textContent()).not.toContain('4111');
    const image = message.getByRole('img', {
      name: `Image from the visitor: attachment 1, PNG, ${PNG.length} bytes`,
      exact: true,
    });
    await image.waitFor(WAIT);
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), WAIT)
      .toBe(96);
    const reads = await auditEvents(server, `action = 'attachment.read' AND resource_id = $1`, [attachmentId]);
    expect(reads.map((e) => [e.actorType, e.actorId])).toContainEqual(['staff', annaId]);
    const [claimed] = await auditEvents(server, `action = 'conversation.claim' AND resource_id = $1`, [conversationId]);
    expect(claimed).toMatchObject({ actorId: annaId, details: { followUp: 1 } });
    await expect.poll(() => agentPage.locator(`li[data-follow-up="${conversationId}"]`).count(), WAIT).toBe(0);

    // Reply with Enter: the visitor has it in the widget.
    const box = pane.getByLabel('Reply to the visitor');
    await box.fill('Thanks for waiting. Your card is unblocked.');
    await box.press('Enter');
    const agentMessage = page.locator('palisade-chat .msg.agent');
    await expect.poll(() => agentMessage.locator('.who').textContent(), WAIT).toBe('Anna Agent');
    expect(await agentMessage.textContent()).toContain('Your card is unblocked.');
    await axeBothThemes(agentPage, 'agent-follow-up-taken');
    await screenshot(page, 'widget-follow-up-reply');

    // Close: the visitor is asked for stars and rates.
    await pane.getByRole('button', { name: 'Close the conversation' }).click();
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'How was this chat?' }));
    await chatPanel(page).getByRole('radio', { name: '5 of 5 stars' }).check();
    await screenshot(page, 'widget-follow-up-rating');
    await chatPanel(page).getByRole('button', { name: 'Send rating' }).click();
    await expectVisible(chatPanel(page).getByText('Thank you for your rating.'));
    const rated = await api<{ conversation: { status: string; rating: number } }>(
      server,
      'GET',
      '/api/widget/conversation',
      { token, headers: { Origin: origin } },
    );
    expect(rated.body.conversation).toMatchObject({ status: 'closed', rating: 5 });
    expect(errors).toEqual([]);
  });

  it('lists follow-ups in Chinese and tells the agent who takes second', async () => {
    const v = await readyVisitor(fixture.server(), { decisions: NONE_GRANTED });
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    await agentPage.getByRole('combobox', { name: /^Language/ }).selectOption('zh');
    await agentPage.getByRole('heading', { level: 2, name: '待跟进' }).waitFor(WAIT);
    const entry = agentPage.locator(`li[data-follow-up="${v.conversation.id}"]`);
    await entry.waitFor(WAIT);
    expect(await entry.textContent()).toContain('等待起始时间');
    await axeBothThemes(agentPage, 'agent-follow-ups-zh');
    // Another agent takes it first (through the API); this agent's click is told so.
    await seedStaff(fixture.server(), {
      email: 'ben@bank.example',
      password: STAFF_PASSWORD,
      role: 'agent',
      displayName: 'Ben',
    });
    const { accessToken } = await bearerLogin(fixture.server(), 'ben@bank.example', STAFF_PASSWORD);
    await agentPage.route('**/take', async (route) => {
      expect(
        (await api(fixture.server(), 'POST', `/api/agent/follow-ups/${v.conversation.id}/take`, { token: accessToken }))
          .status,
      ).toBe(200);
      await route.continue();
    });
    await entry.getByRole('button', { name: /^接手来自 retail 的跟进/ }).click();
    await agentPage
      .getByRole('region', { name: '待跟进' })
      .getByRole('alert')
      .filter({ hasText: '另一位坐席已先接手此跟进。' })
      .waitFor(WAIT);
    await expect.poll(() => entry.count(), WAIT).toBe(0);
    await axeBothThemes(agentPage, 'agent-follow-up-lost-zh');
    await agentPage.unroute('**/take');
    await agentPage.getByRole('combobox', { name: /^语言/ }).selectOption('en');
  });
});
