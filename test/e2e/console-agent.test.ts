// The agent's workspace in real Chromium against a real server: a visitor (through the widget API)
// asks for a person and writes a card number; the agent, already signed in, sees the conversation
// arrive in the queue without a reload, claims it, sees the card as a masked chip, reveals it with a
// reason (the pii.reveal audit row checked), sees the visitor's next message arrive live, replies
// with Enter (the visitor has it), inserts a canned response with `/`, and closes. A second agent's
// claim that wins first is told to the loser. In Chinese from the keyboard; transfer to the queue;
// release to the AI and the next message gets an AI answer. axe-core in light and dark; screenshots.
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../protocol/widget.ts';
import { storeMessage } from '../../server/privacy/conversations.ts';
import { auditEvents } from '../support/audit.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { inTx } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { readyVisitor, repliesSettled, sendMessage, type Visitor, visitorApi } from '../support/widget.ts';
import { screenshot } from '../support/widgetPage.ts';

const WAIT = { timeout: 20_000 };
const CARD = '4111 1111 1111 1111';

describe.runIf(browserAvailable)('agent workspace (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let annaId: string;
  let benToken: string;

  const visitorMessages = async (v: Visitor) =>
    (await visitorApi<{ messages: MessageView[] }>(v, 'GET', '/conversation')).body.messages;
  const handedOff = async (before?: (v: Visitor) => Promise<void>) => {
    const v = await readyVisitor(server);
    await before?.(v);
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    return v;
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ AGENT_REVEAL_SECONDS: '60' });
    annaId = await seedStaff(server, {
      email: 'anna@bank.example',
      password: STAFF_PASSWORD,
      role: 'agent',
      displayName: 'Anna Agent',
    });
    await seedStaff(server, {
      email: 'ben@bank.example',
      password: STAFF_PASSWORD,
      role: 'agent',
      displayName: 'Ben Agent',
    });
    await seedStaff(server, {
      email: 'ada@bank.example',
      password: STAFF_PASSWORD,
      role: 'admin',
      displayName: 'Ada Admin',
    });
    benToken = (await bearerLogin(server, 'ben@bank.example', STAFF_PASSWORD)).accessToken;
    const admin = (await bearerLogin(server, 'ada@bank.example', STAFF_PASSWORD)).accessToken;
    const canned = await api(server, 'POST', '/api/canned', {
      token: admin,
      body: {
        site: 'retail',
        language: 'en',
        shortcut: 'thanks',
        title: 'Thanks for waiting',
        body: 'Thank you for waiting, {agent_name} here to help.',
      },
    });
    expect(canned.status).toBe(201);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    await consoleSignIn(page, server.url, 'anna@bank.example');
    await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Conversations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Waiting for a person' }).waitFor(WAIT);
    await page.getByText('Nobody is waiting.').waitFor(WAIT);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a handoff live, claims it, reveals the masked card with a reason, replies with Enter and a canned response, and closes', async () => {
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    // Opt-in alerts: the desktop notification is recorded on its way to the browser's own.
    await context.grantPermissions(['notifications'], { origin: server.url });
    await page.evaluate(() => {
      type Ctor = new (title: string, options?: { body?: string }) => object;
      const g = globalThis as unknown as { Notification: Ctor; notified: string[] };
      const Real = g.Notification;
      g.notified = [];
      g.Notification = new Proxy(Real, {
        construct: (target, args: [string, { body?: string }?]) => (
          g.notified.push(`${args[0]}|${args[1]?.body}`),
          Reflect.construct(target, args) as object
        ),
        get: (target, prop) => Reflect.get(target, prop) as unknown,
      });
    });
    await page.getByLabel('Tone and desktop notification for new conversations').check();
    // An earlier AI answer with its source, stored as the reply job stores one (this server runs no model).
    const visitor = await handedOff((v) =>
      inTx(server, async (ctx) => {
        await storeMessage(ctx, {
          conversationId: v.conversation.id,
          role: 'assistant',
          text: 'Cards can be unblocked in the app.',
          meta: { sources: [{ articleId: 'kb-cards', title: 'Unblocking a card' }], target: 'local-small' },
        });
      }),
    );
    expect((await sendMessage(visitor, `My card ${CARD} was blocked`)).status).toBe(201);

    // Live: the entry arrives without a reload, and its waiting time counts up.
    const entry = page.locator(`li.queue-entry[data-conversation="${visitor.conversation.id}"]`);
    await entry.waitFor(WAIT);
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await entry.textContent()).toContain('retail');
    expect(await entry.textContent()).toContain('Asked for a person');
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { notified: string[] }).notified), WAIT)
      .toEqual(['A visitor is waiting for a person|retail · en · Asked for a person']);
    const firstWait = await entry.getByTestId('waiting').textContent();
    await expect.poll(() => entry.getByTestId('waiting').textContent(), WAIT).not.toBe(firstWait);
    await axeBothThemes(page, 'agent-queue');

    await entry.getByRole('button', { name: /^Claim the conversation on retail/ }).click();
    const pane = page.getByRole('region', { name: /Conversation on retail/ });
    await pane.waitFor(WAIT);
    const transcript = pane.getByRole('list', { name: 'Transcript' });
    const cardMessage = transcript.locator('li[data-role="visitor"]').filter({ hasText: 'was blocked' });
    await cardMessage.waitFor(WAIT);
    expect(await cardMessage.locator('.chip').first().textContent()).toContain('<CREDIT_CARD_1>');
    expect(await transcript.textContent()).not.toContain('4111');
    const answer = transcript.locator('li[data-role="assistant"]');
    expect(await answer.textContent()).toContain('Sources: Unblocking a card');
    expect(await answer.textContent()).toContain('Answered by local-small');

    // Reveal: a reason is required; the value shows with the time left, and the reveal is on the audit record.
    await cardMessage.getByRole('button', { name: /^Reveal the personal data/ }).click();
    const form = cardMessage.getByRole('form', { name: 'Reveal personal data' });
    // Without a reason the form is not sent: nothing is revealed, nothing audited.
    await form.getByRole('button', { name: 'Reveal for a limited time' }).click();
    expect(
      await form
        .getByLabel('Reason')
        .evaluate((el) => (el as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing),
    ).toBe(true);
    expect(await auditEvents(server, `action = 'pii.reveal'`)).toEqual([]);
    await form.getByLabel('Reason').selectOption('verify_identity');
    await form.getByLabel('Note (optional, no personal data)').fill('caller on the phone');
    await axeBothThemes(page, 'agent-reveal-form');
    await form.getByRole('button', { name: 'Reveal for a limited time' }).click();
    await cardMessage.getByText(CARD).waitFor(WAIT);
    expect(await cardMessage.getByRole('status').textContent()).toMatch(/masked again in (0:[0-5]\d|1:00)\./); // AGENT_REVEAL_SECONDS=60
    const reveals = await auditEvents(server, `action = 'pii.reveal' AND actor_id = $1`, [annaId]);
    expect(reveals).toHaveLength(1);
    expect(reveals[0]!.details).toMatchObject({ reason: 'verify_identity', conversationId: visitor.conversation.id });
    await axeBothThemes(page, 'agent-revealed');
    await cardMessage.getByRole('button', { name: 'Mask again' }).click();
    await cardMessage.locator('.chip').first().waitFor(WAIT);
    expect(await cardMessage.textContent()).not.toContain('4111');

    // The visitor's next message arrives live.
    expect((await sendMessage(visitor, 'Is it safe to use again?')).status).toBe(201);
    await transcript.getByText('Is it safe to use again?').waitFor(WAIT);

    // Reply: Shift+Enter is a new line, Enter sends; the visitor has it.
    const box = pane.getByLabel('Reply to the visitor');
    await box.fill('Yes, it is unblocked.');
    await box.press('Shift+Enter');
    await box.pressSequentially('Anything else?');
    expect(await box.inputValue()).toBe('Yes, it is unblocked.\nAnything else?');
    await box.press('Enter');
    await expect
      .poll(async () => (await visitorMessages(visitor)).filter((m) => m.role === 'agent').map((m) => m.text), WAIT)
      .toEqual(['Yes, it is unblocked.\nAnything else?']);
    expect(await box.inputValue()).toBe('');
    await transcript.getByText('Anything else?').waitFor(WAIT);

    // A canned response with `/`: filled in for this agent by the server, inserted with Enter, sent with Enter.
    await box.pressSequentially('/than');
    const options = pane.getByRole('listbox', { name: 'Canned responses' }).getByRole('option');
    await options.first().waitFor(WAIT);
    expect(await options.count()).toBe(1);
    await screenshot(page, 'console-agent-canned-light');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('Thank you for waiting, Anna Agent here to help.');
    await box.press('Enter');
    await expect
      .poll(async () => (await visitorMessages(visitor)).filter((m) => m.role === 'agent').length, WAIT)
      .toBe(2);
    expect((await visitorMessages(visitor)).at(-1)!.agent).toEqual({ name: 'Anna Agent' });
    // The transcript is masked for agents too, so the name in it may show as a chip.
    await transcript
      .locator('li[data-role="agent"]')
      .filter({ hasText: 'Thank you for waiting,' })
      .filter({ hasText: 'here to help.' })
      .waitFor(WAIT);
    await axeBothThemes(page, 'agent-conversation');

    await pane.getByRole('button', { name: 'Close the conversation' }).click();
    await page.getByText('Nobody is waiting.').waitFor(WAIT);
    const after = await visitorApi<{ conversation: { status: string } }>(visitor, 'GET', '/conversation');
    expect(after.body.conversation.status).toBe('closed');
  });

  it('tells the agent who clicked second that another agent claimed the conversation', async () => {
    const visitor = await handedOff();
    const entry = page.locator(`li.queue-entry[data-conversation="${visitor.conversation.id}"]`);
    await entry.waitFor(WAIT);
    // Anna's click reaches the server only after Ben's claim won: the server decides, the console tells her.
    await page.route('**/claim', async (route: Route) => {
      const ben = await api(server, 'POST', `/api/agent/conversations/${visitor.conversation.id}/claim`, {
        token: benToken,
      });
      expect(ben.status).toBe(200);
      await route.continue();
    });
    await entry.getByRole('button', { name: /^Claim the conversation on retail/ }).click();
    await entry.getByRole('alert').filter({ hasText: 'Another agent claimed this conversation first' }).waitFor(WAIT);
    await page.unroute('**/claim');
    await expect.poll(() => entry.textContent(), WAIT).toContain('With another agent');
    expect(await entry.getByRole('button', { name: /^Claim/ }).count()).toBe(0);
    await axeBothThemes(page, 'agent-lost-claim');
  });

  it('works in Chinese from the keyboard; transfers back to the queue, and a release lets the AI answer again', async () => {
    const visitor = await handedOff();
    await page.getByRole('combobox', { name: /^Language/ }).selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '等待人工服务' }).waitFor(WAIT);
    const entry = page.locator(`li.queue-entry[data-conversation="${visitor.conversation.id}"]`);
    await entry.waitFor(WAIT);
    await expect.poll(() => entry.textContent(), WAIT).toContain('要求人工服务');
    const claim = entry.getByRole('button', { name: /^接入 retail 上等待了/ });
    await claim.focus();
    await page.keyboard.press('Enter');
    const pane = page.getByRole('region', { name: /retail 上的会话/ });
    await pane.waitFor(WAIT);
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement
                ?.id,
          ),
        WAIT,
      )
      .toBe('conversation-title');
    await pane.getByLabel('回复访客').waitFor(WAIT);
    await axeBothThemes(page, 'agent-conversation-zh');
    await page.getByRole('combobox', { name: /^语言/ }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Waiting for a person' }).waitFor(WAIT);

    // Transfer back to the queue: waiting again, for any agent.
    await page
      .getByRole('region', { name: /Conversation on retail/ })
      .getByRole('button', { name: 'Transfer to the queue' })
      .click();
    await entry.getByRole('button', { name: /^Claim the conversation on retail/ }).waitFor(WAIT);
    await expect.poll(() => entry.locator('.queue-state').textContent(), WAIT).toBe('Waiting');
    expect(
      (await visitorApi<{ conversation: { mode: string } }>(visitor, 'GET', '/conversation')).body.conversation.mode,
    ).toBe('queued');

    // Claim again and release to the AI: the visitor's next message is answered by the assistant.
    await entry.getByRole('button', { name: /^Claim the conversation on retail/ }).click();
    await page
      .getByRole('region', { name: /Conversation on retail/ })
      .getByRole('button', { name: 'Release to the AI' })
      .click();
    await entry.waitFor({ state: 'detached', ...WAIT });
    expect((await sendMessage(visitor, 'How do I order a new card?')).status).toBe(201);
    await repliesSettled(server);
    expect((await visitorMessages(visitor)).at(-1)!.role).toBe('assistant');
  });
});
