// The widget as a visitor uses it on a bank's own page (another origin than the appliance), in
// real Chromium: consent, a streamed answer with its source, hostile text shown as text, the
// UI in Chinese and dark, keyboard only, and reloads that lose and double nothing.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import {
  acceptLocalAi,
  breakWebSockets,
  chatPanel,
  committedAnswer,
  computedStyle,
  focusedInWidget,
  focusedOutline,
  loggedSeqs,
  pageGlobal,
  screenshot,
  sendText,
  storedItem,
  useBankWidget,
  watchForStreamingBubble,
} from '../support/widgetPage.ts';

const QUESTION = 'How do I block my card?';
const XSS = '<img src=x onerror="window.__xss=1">';
const T = { timeout: 30_000 };

describe.runIf(browserAvailable)('widget on a bank page (Chromium)', () => {
  const fixture = useBankWidget({ viewport: { width: 1000, height: 760 } });
  const bankPage = fixture.open;

  const panel = chatPanel;
  const log = (page: Page) => page.getByRole('log');
  const seqs = loggedSeqs;
  const send = sendText;

  it('consent → local AI → a streamed answer with its source; an XSS payload stays text; a reload restores the history once', async () => {
    const { page, errors } = await bankPage();
    // The bank's own CSS (red serif, huge yellow buttons) must not reach inside the widget.
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect.poll(() => panel(page).getByRole('heading', { name: 'Before we chat' }).isVisible(), T).toBe(true);
    const acceptAll = panel(page).getByRole('button', { name: 'Accept all' });
    expect(await computedStyle(acceptAll, 'fontSize')).toBe('15px');
    expect(await computedStyle(acceptAll, 'backgroundColor')).not.toBe('rgb(255, 255, 0)');
    await screenshot(page, 'consent');
    await page.getByRole('button', { name: 'Chat with us' }).click(); // closes
    await acceptLocalAi(page);

    // The stream is open before the question, so the answer's reply_start reaches the page: the
    // streaming bubble must have existed, whatever the speed.
    await watchForStreamingBubble(page);
    await send(page, QUESTION);
    const answer = committedAnswer(page);
    await expect.poll(() => answer.isVisible(), T).toBe(true);
    expect((await answer.locator('.text').textContent())!.length).toBeGreaterThan(10);
    expect(await pageGlobal(page, '__sawStreaming')).toBe(true);
    expect(await page.locator('palisade-chat .msg.streaming').count()).toBe(0); // replaced by the committed message
    expect(await answer.locator('.sources li').count()).toBeGreaterThan(0);
    expect(await answer.getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(1);
    await expect.poll(() => log(page).getByText(QUESTION, { exact: true }).count(), T).toBe(1);
    await screenshot(page, 'answer-with-source');

    // Helpful: recorded by the server and shown pressed.
    await answer.getByRole('button', { name: 'Helpful', exact: true }).click();
    await expect
      .poll(
        () =>
          page
            .locator('palisade-chat .msg.assistant')
            .first()
            .getByRole('button', { name: 'Helpful', exact: true })
            .getAttribute('aria-pressed'),
        T,
      )
      .toBe('true');

    await send(page, XSS);
    await expect.poll(() => log(page).getByText(XSS, { exact: true }).count(), T).toBe(1);
    await expect.poll(() => seqs(page).then((s) => s.length), T).toBeGreaterThanOrEqual(3);
    expect(await pageGlobal(page, '__xss')).toBeUndefined();
    expect(await log(page).locator('img').count()).toBe(0);

    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect.poll(() => log(page).getByText(QUESTION, { exact: true }).count(), T).toBe(1);
    await expect.poll(() => log(page).getByText(XSS, { exact: true }).count(), T).toBe(1);
    const after = await seqs(page);
    expect(after).toEqual(after.map((_s, i) => i + 1)); // 1, 2, 3… once each, in order
    expect(await page.locator('palisade-chat .sources li').count()).toBeGreaterThan(0);
    expect(await pageGlobal(page, '__xss')).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('a message that cannot be sent stays, is retried with the same clientId, and is sent once after a reload', async () => {
    const { page } = await bankPage();
    await acceptLocalAi(page);
    const tried: string[] = [];
    await page.route('**/api/widget/messages', async (route) => {
      tried.push((JSON.parse(route.request().postData() ?? '{}') as { clientId: string }).clientId);
      await route.abort('internetdisconnected');
    });
    await send(page, 'Is my transfer safe?');
    const pending = page.locator('palisade-chat .msg.pending');
    await expect.poll(() => pending.textContent(), T).toContain('Sending…');
    await expect.poll(() => tried.length, T).toBeGreaterThanOrEqual(2);
    expect(new Set(tried).size).toBe(1);
    const stored = await storedItem(page, 'palisade:retail:outbox');
    expect(JSON.parse(stored!)).toMatchObject([{ clientId: tried[0], text: 'Is my transfer safe?' }]);

    await page.unroute('**/api/widget/messages');
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect
      .poll(() => page.locator('palisade-chat .msg.visitor:not(.pending)').getByText('Is my transfer safe?').count(), T)
      .toBe(1);
    await expect.poll(() => storedItem(page, 'palisade:retail:outbox'), T).toBeNull();
    expect(await page.locator('palisade-chat .msg.pending').count()).toBe(0);
  });

  it('switches to Chinese and to the dark theme; both stick after a reload', async () => {
    const { page } = await bankPage();
    await acceptLocalAi(page);
    await send(page, QUESTION);
    await expect
      .poll(() => page.locator('palisade-chat .msg.assistant:not(.streaming) .sources li').count(), T)
      .toBeGreaterThan(0);

    await panel(page).getByRole('button', { name: 'Menu' }).click();
    await panel(page).getByRole('combobox', { name: 'Language' }).selectOption('zh');
    await expect.poll(() => page.getByRole('button', { name: '发送' }).isVisible(), T).toBe(true);
    expect(await page.getByRole('textbox', { name: '您的消息' }).getAttribute('placeholder')).toBe('输入消息…');
    expect(await page.getByRole('dialog', { name: '与Harbor Bank聊天' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '与人工客服交谈' }).isVisible()).toBe(true);
    expect(await page.locator('palisade-chat .msg.assistant .feedback button').first().textContent()).toBe('有帮助');
    await screenshot(page, 'chinese');

    await page.getByRole('group', { name: '主题' }).getByRole('button', { name: '深色' }).click();
    expect(await page.locator('palisade-chat .root').getAttribute('data-theme')).toBe('dark');
    await page.getByRole('button', { name: '关闭菜单' }).click();
    await screenshot(page, 'dark-theme');

    await page.reload();
    await page.getByRole('button', { name: '与我们聊天' }).click();
    await expect.poll(() => page.getByRole('button', { name: '发送' }).isVisible(), T).toBe(true);
    expect(await page.locator('palisade-chat .root').getAttribute('data-theme')).toBe('dark');
  });

  it('works with the keyboard alone: Tab, Enter and Escape through consent and sending', async () => {
    const { page } = await bankPage();
    const focusedName = () => focusedInWidget(page);
    const tabTo = async (name: string) => {
      for (let i = 0; i < 15 && (await focusedName()) !== name; i++) await page.keyboard.press('Tab');
      expect(await focusedName()).toBe(name);
    };

    await tabTo('Chat with us');
    await page.keyboard.press('Enter');
    await expect.poll(() => panel(page).getByRole('heading', { name: 'Before we chat' }).isVisible(), T).toBe(true);
    await tabTo('Accept all');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedName(), T).toBe('TEXTAREA'); // focus moves to the message box
    await page.keyboard.type(QUESTION);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('palisade-chat .msg.assistant:not(.streaming) .sources li').count(), T)
      .toBeGreaterThan(0);
    expect(await log(page).getByText(QUESTION, { exact: true }).count()).toBe(1);

    // Focus is visible: the outline of the focused button is drawn.
    await tabTo('Helpful');
    expect(await focusedOutline(page)).toBe('solid');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).isVisible()).toBe(false);
    expect(await focusedName()).toBe('Chat with us');
  });
  it('falls back to SSE when the WebSocket cannot open, and still streams the answer', async () => {
    const { page } = await fixture.open();
    await breakWebSockets(page.context());
    await page.reload();
    const sse: string[] = [];
    page.on('request', (r) => r.url().includes('/api/widget/events') && sse.push(r.headers().authorization ?? ''));
    await acceptLocalAi(page);
    expect(sse.length).toBeGreaterThan(0);
    expect(sse[0]).toMatch(/^Bearer /); // the token in the header, never the URL
    await send(page, QUESTION);
    await expect.poll(() => committedAnswer(page).locator('.sources li').count(), T).toBeGreaterThan(0);
    expect(await log(page).getByText(QUESTION, { exact: true }).count()).toBe(1);
  });
});
