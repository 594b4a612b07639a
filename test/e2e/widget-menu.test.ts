// The widget's other paths in Chromium: "Talk to a person" from the consent screen, emoji and an
// image attachment, the menu's rights (download, change consents, erase) and the end of a chat
// with its star rating and a new conversation.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import { api, bearerLogin, seedStaff } from '../support/server.ts';
import {
  acceptLocalAi,
  chatPanel,
  expectVisible,
  focusedInWidget,
  sendText,
  storedItem,
  useBankWidget,
  WAIT,
  waitForStream,
} from '../support/widgetPage.ts';

// A 1×1 PNG: the server checks magic bytes, so the picture must be a real one.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.runIf(browserAvailable)('widget menu, attachments and the end of a chat (Chromium)', () => {
  const fixture = useBankWidget({ acceptDownloads: true });
  const bankPage = fixture.open;
  const origin = () => fixture.bank().origin;

  const menu = async (page: Page, item: string) => {
    const toggle = chatPanel(page).locator('button[aria-controls="palisade-menu"]');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await chatPanel(page).getByRole('button', { name: item }).click();
  };
  const token = (page: Page) => storedItem(page, 'palisade:retail');

  it('"Talk to a person" on the consent screen records no AI consent and queues; the agent\'s name and reply show; their close asks for a rating', async () => {
    const { page, errors } = await bankPage();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await chatPanel(page).getByRole('button', { name: 'Only a person' }).click();
    await waitForStream(page);
    // Office hours depend on the clock: either way the banner says a person will answer.
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toMatch(/Waiting for a person|Nobody is available right now/);
    await expect.poll(() => page.locator('palisade-chat .notice').count(), WAIT).toBeGreaterThan(0);
    const consents = await api<{ consents: Record<string, unknown> }>(fixture.server(), 'GET', '/api/widget/consents', {
      token: (await token(page))!,
      headers: { Origin: origin() },
    });
    expect(consents.body.consents).toMatchObject({
      ai_local: false,
      ai_cloud: false,
      transcript_keep: false,
      voice_input: false,
    });
    expect(await page.getByRole('button', { name: 'Voice input' }).count()).toBe(0); // no consent: no microphone

    // A person claims the conversation and answers: the widget names them; closing asks for stars.
    const server = fixture.server();
    await seedStaff(server, {
      email: 'anna@bank.example',
      password: 'a long agent password',
      role: 'agent',
      displayName: 'Anna',
    });
    const { accessToken } = await bearerLogin(server, 'anna@bank.example', 'a long agent password');
    const state = await api<{ conversation: { id: string } }>(server, 'GET', '/api/widget/conversation', {
      token: (await token(page))!,
      headers: { Origin: origin() },
    });
    const agentCall = (path: string, body: unknown = {}) =>
      api(server, 'POST', `/api/agent/conversations/${state.body.conversation.id}${path}`, {
        token: accessToken,
        body,
      });
    expect((await agentCall('/claim')).status).toBe(200);
    expect(
      (await agentCall('/messages', { clientId: randomUUID(), text: 'Hello, I am **Anna**. How can I help?' })).status,
    ).toBe(201);
    const agentMessage = page.locator('palisade-chat .msg.agent');
    await expect.poll(() => agentMessage.locator('.who').textContent(), WAIT).toBe('Anna');
    expect(await agentMessage.locator('.text strong').textContent()).toBe('Anna');
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toBe('You are chatting with a person.');
    expect((await agentCall('/close')).status).toBe(200);
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'How was this chat?' }));
    expect(errors).toEqual([]);
  });

  it('inserts an emoji with the keyboard and sends an image shown as a thumbnail; a file too large is refused with a clear message', async () => {
    const { page, errors } = await bankPage();
    await acceptLocalAi(page);
    const box = page.getByRole('textbox', { name: 'Your message' });
    await box.fill('Look ');
    await page.getByRole('button', { name: 'Insert emoji' }).press('Enter');
    expect(await focusedInWidget(page)).toBe('😀');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await box.inputValue()).toBe('Look 😃');
    expect(await focusedInWidget(page)).toBe('TEXTAREA');

    await box.fill('x'.repeat(2001));
    expect(await page.locator('palisade-chat .counter').textContent()).toBe('2001 of 2000 characters');
    await box.press('Enter');
    await expect
      .poll(
        () => page.getByRole('alert').filter({ hasText: 'The message is too long (at most 2000 characters).' }).count(),
        WAIT,
      )
      .toBe(1);
    expect(await page.locator('palisade-chat .msg.visitor').count()).toBe(0); // refused here, nothing sent
    await box.fill('Look 😃');

    const file = page.locator('palisade-chat input[type=file]');
    await file.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'The file is too large (at most 5 MB).' }).count(), WAIT)
      .toBe(1);
    await file.setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
    await expectVisible(page.locator('palisade-chat .chip', { hasText: 'receipt.png' }));
    await box.press('Enter');
    const thumb = page.locator('palisade-chat .msg.visitor:not(.pending) img.thumb');
    await expect.poll(() => thumb.getAttribute('src'), WAIT).toMatch(/^blob:/);
    await expect
      .poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), WAIT)
      .toBe(1);
    expect(await page.locator('palisade-chat .msg.visitor:not(.pending)').getByText('Look 😃').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("downloads the visitor's data, presets the consent screen with the decisions in force, and erases after a confirmation, showing the receipt", async () => {
    const { page } = await bankPage();
    await acceptLocalAi(page);
    await sendText(page, 'hello');
    await expect.poll(() => page.locator('palisade-chat .msg.visitor:not(.pending)').count(), WAIT).toBe(1);

    const download = page.waitForEvent('download');
    await menu(page, 'Download my data');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^palisade-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(fs.readFileSync((await file.path())!, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(exported)).toContain('hello');

    await menu(page, 'Change my consents');
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'Before we chat' }));
    expect(
      await chatPanel(page)
        .getByRole('checkbox', { name: /runs on Harbor Bank's own servers/ })
        .isChecked(),
    ).toBe(true);
    expect(
      await chatPanel(page)
        .getByRole('checkbox', { name: /external AI/ })
        .isChecked(),
    ).toBe(false);
    await chatPanel(page).getByRole('button', { name: 'Save my choices' }).click();
    await waitForStream(page);

    const before = await token(page);
    await menu(page, 'Erase my data');
    await expectVisible(chatPanel(page).getByText('Erase everything stored about you? This cannot be undone.'));
    expect(await focusedInWidget(page)).toBe('Yes, erase my data');
    await page.keyboard.press('Enter');
    // A visible receipt first (what was erased, the request id), then a fresh start on request.
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'Your data has been erased' }));
    expect(await focusedInWidget(page)).toBe('Your data has been erased');
    expect(await token(page)).toBeNull();
    await chatPanel(page).getByRole('button', { name: 'Start a new conversation' }).click();
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'Before we chat' }));
    const gone = await api(fixture.server(), 'GET', '/api/widget/conversation', {
      token: before!,
      headers: { Origin: origin() },
    });
    expect([401, 410]).toContain(gone.status);
  });

  it('"End chat" asks for 1–5 stars (keyboard), then starts a new, empty conversation', async () => {
    const { page, errors } = await bankPage();
    await acceptLocalAi(page);
    await sendText(page, 'hello');
    await expect.poll(() => page.locator('palisade-chat .msg.visitor:not(.pending)').count(), WAIT).toBe(1);
    const first = await token(page);

    await menu(page, 'End chat');
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'How was this chat?' }));
    expect(await focusedInWidget(page)).toBe('1 of 5 stars');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await chatPanel(page).getByRole('radio', { name: '4 of 5 stars' }).isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('Send rating');
    await page.keyboard.press('Enter');
    await expectVisible(chatPanel(page).getByText('Thank you for your rating.'));
    const rated = await api<{ conversation: { status: string; rating: number } }>(
      fixture.server(),
      'GET',
      '/api/widget/conversation',
      { token: first!, headers: { Origin: origin() } },
    );
    expect(rated.body.conversation).toMatchObject({ status: 'closed', rating: 4 });

    expect(await focusedInWidget(page)).toBe('Start a new conversation');
    await page.keyboard.press('Enter');
    await waitForStream(page);
    expect(await token(page)).not.toBe(first);
    expect(await page.locator('palisade-chat [data-seq]').count()).toBe(0);
    await sendText(page, 'a new question');
    await expect
      .poll(() => page.locator('palisade-chat .msg.visitor:not(.pending)').getByText('a new question').count(), WAIT)
      .toBe(1);
    expect(errors).toEqual([]);
  });
});
