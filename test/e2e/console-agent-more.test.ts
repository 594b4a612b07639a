// The agent's workspace beyond the basics, in real Chromium against a real server, with a visitor
// on /demo in one browser context and agents in others: the agent sees the visitor typing and the
// visitor sees the agent typing; the context panel tells site, language and anonymity; a knowledge
// suggestion for the visitor's (redacted) question goes into the reply with its citation; presence
// is set, and a transfer to a named second agent (a third context) lands in that agent's own list
// with its unread count. The queue's filters are remembered. axe-core, screenshots in en and zh.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { alwaysOpenSites } from '../support/shiftSites.ts';
import { policiesDir } from '../support/widget.ts';
import { acceptLocalAi, chatPanel, ensureWidgetBuilt, screenshot, sendText } from '../support/widgetPage.ts';

const WAIT = { timeout: 30_000 };

// The demo site with no office hours, so the handoff queues whatever the hour of the run.
const policies = policiesDir({ 'sites.yaml': stringify(alwaysOpenSites()) });
const CARD = '4111 1111 1111 1111';

describe.runIf(browserAvailable)(
  'agent workspace: typing, context, suggestions, transfer to an agent (Chromium)',
  () => {
    let server: TestServer;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    let visitor: Page;
    let anna: Page;
    let ben: Page;
    let annaId: string;

    const newPage = async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
      contexts.push(context);
      return context.newPage();
    };
    const openWorkspace = async (page: Page, email: string) => {
      await consoleSignIn(page, server.url, email);
      await page.getByRole('navigation', { name: 'Workspaces' }).getByRole('link', { name: 'Conversations' }).click();
      await page.getByRole('heading', { level: 1, name: 'Waiting for a person' }).waitFor(WAIT);
    };

    beforeAll(async () => {
      ensureWidgetBuilt();
      ensureConsoleBuilt();
      server = await startTestServer({ PALISADE_POLICIES_DIR: policies.dir }, { seedDemoKnowledge: true });
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
      browser = await launchBrowser();
      anna = await newPage();
      ben = await newPage();
      visitor = await newPage();
      await openWorkspace(anna, 'anna@bank.example');
      await openWorkspace(ben, 'ben@bank.example');
    }, 300_000);
    afterAll(async () => {
      for (const c of contexts) await c.close().catch(() => {});
      await browser?.close();
      await server?.stop();
      policies.remove();
    });

    it('shows typing both ways, the context panel, and inserts a knowledge suggestion with its citation', async () => {
      // The visitor on the demo page asks for a person.
      await visitor.goto(`${server.url}/demo`);
      await acceptLocalAi(visitor);
      const panel = chatPanel(visitor);
      await panel.getByRole('button', { name: 'Talk to a person' }).click();
      await panel.getByText('Waiting for a person to join…').first().waitFor(WAIT);

      // Anna sees it arrive and claims it.
      const entry = anna.locator('li.queue-entry').first();
      await entry.waitFor(WAIT);
      const conversationId = (await entry.getAttribute('data-conversation'))!;
      await entry.getByRole('button', { name: /^Claim the conversation on retail/ }).click();
      const pane = anna.getByRole('region', { name: /Conversation on retail/ });
      await pane.getByLabel('Reply to the visitor').waitFor(WAIT);

      // The context panel: codes and counts, no personal data.
      const context = anna.getByRole('region', { name: 'Context' });
      await context.getByTestId('context-identity').waitFor(WAIT);
      expect(await context.getByTestId('context-site').textContent()).toBe('Harbor Bank (retail)');
      expect(await context.getByTestId('context-language').textContent()).toBe('en');
      expect(await context.getByTestId('context-identity').textContent()).toBe('Anonymous');
      expect(await context.textContent()).toContain('AI on our servers');

      // The visitor types (without sending): Anna sees it; the text does not reach her.
      const visitorBox = visitor.getByRole('textbox', { name: 'Your message' });
      await visitorBox.pressSequentially('How do I blo', { delay: 20 });
      const typingNote = pane.locator('.typing-note');
      await expect.poll(() => typingNote.textContent(), WAIT).toBe('The visitor is typing…');
      expect(await anna.content()).not.toContain('How do I blo');
      await axeBothThemes(anna, 'agent-more-visitor-typing');
      await visitorBox.fill('');

      // Anna types: the visitor's widget says so.
      const reply = pane.getByLabel('Reply to the visitor');
      await reply.pressSequentially('Let me check', { delay: 20 });
      await expect.poll(() => visitor.locator('palisade-chat .typing').textContent(), WAIT).toBe('Agent is typing…');
      await screenshot(visitor, 'widget-agent-typing');
      await reply.fill('');

      // The visitor asks with a card number: the suggestion is for the redacted question.
      await sendText(visitor, `My card ${CARD} is lost, how do I block my card?`);
      await pane.getByText('how do I block my card?').waitFor(WAIT);
      await expect.poll(() => typingNote.textContent(), WAIT).toBe(''); // the message ended the indicator
      const suggestions = anna.getByRole('region', { name: 'Knowledge suggestions' });
      await suggestions.getByText('<CREDIT_CARD_1>', { exact: false }).waitFor(WAIT);
      expect(await suggestions.textContent()).not.toContain('4111');
      const first = suggestions.getByRole('list', { name: 'Suggested passages' }).getByRole('listitem').first();
      await first.waitFor(WAIT);
      expect(await first.textContent()).toMatch(/confidence \d+%/);
      const citation = (await first.locator('.suggest-title strong').textContent())!;
      expect(citation).toContain('Lost or stolen card');
      await axeBothThemes(anna, 'agent-more-suggestions');
      await first.getByRole('button', { name: /^Insert into reply: .+/ }).click();
      await expect.poll(() => reply.inputValue(), WAIT).toMatch(/block/i);
      const inserted = await reply.inputValue();
      expect(inserted.endsWith(`(${citation})`)).toBe(true);
      expect(
        await auditEvents(
          server,
          `action = 'knowledge.suggest' AND actor_id = $1 AND details->>'conversationId' = $2`,
          [annaId, conversationId],
        ),
      ).not.toEqual([]);
      await reply.press('Enter');
      await panel.locator('.msg.agent').filter({ hasText: citation }).waitFor(WAIT);

      // In Chinese: the context and suggestion panels, photographed.
      await anna.getByRole('combobox', { name: /^Language/ }).selectOption('zh');
      await anna.getByRole('region', { name: '会话背景' }).getByText('匿名').waitFor(WAIT);
      await anna.getByRole('region', { name: '知识库建议' }).waitFor(WAIT);
      await axeBothThemes(anna, 'agent-more-conversation-zh');
      await anna.getByRole('combobox', { name: /^语言/ }).selectOption('en');
      await anna.getByRole('heading', { level: 1, name: 'Waiting for a person' }).waitFor(WAIT);
    });

    it('transfers to a named agent who is available; the second agent finds it among their own with its unread count', async () => {
      // Ben says he is available; Anna's list of agents shows it.
      const presence = ben.getByLabel('Your status');
      expect(await presence.inputValue()).toBe('away');
      await ben.getByLabel('Your status').selectOption('available');
      const pane = anna.getByRole('region', { name: /Conversation on retail/ });
      const target = pane.getByLabel('Agent', { exact: true });
      await expect
        .poll(async () => (await target.locator('option').allTextContents()).join('|'), WAIT)
        .toContain('Ben Agent — available, 0 open');
      expect((await target.locator('option').allTextContents()).filter((o) => o.includes('Anna Agent'))).toEqual([]);
      await axeBothThemes(anna, 'agent-more-transfer');

      // The visitor writes again before the transfer: it waits unread for Ben.
      await sendText(visitor, 'Are you still there?');
      await pane.getByText('Are you still there?').waitFor(WAIT);
      await target.selectOption({ label: 'Ben Agent — available, 0 open' });
      await pane.getByRole('button', { name: 'Transfer to this agent' }).click();
      await anna.getByRole('heading', { name: 'Your conversations (0)' }).waitFor(WAIT);

      // Ben (third context) has it, without reloading, with its unread visitor messages.
      const mine = ben.getByRole('region', { name: /^Your conversations/ });
      const item = mine.getByRole('listitem').first();
      await item.waitFor(WAIT);
      expect(await item.getByTestId('unread').textContent()).toBe('2 unread');
      await axeBothThemes(ben, 'agent-more-mine');
      await item.getByRole('link').click();
      const benPane = ben.getByRole('region', { name: /Conversation on retail/ });
      await benPane.getByText('Are you still there?').waitFor(WAIT);
      await expect.poll(() => item.getByTestId('unread').count(), WAIT).toBe(0);
      const benReply = benPane.getByLabel('Reply to the visitor');
      await benReply.fill('Ben here, I can help.');
      await benReply.press('Enter');
      await chatPanel(visitor).locator('.msg.agent').filter({ hasText: 'Ben here, I can help.' }).waitFor(WAIT);
      await screenshot(visitor, 'widget-after-transfer');

      // A new message while Ben looks elsewhere counts as unread again.
      await ben.getByRole('link', { name: 'Conversations' }).click();
      await sendText(visitor, 'Thank you');
      await expect
        .poll(
          () =>
            item
              .getByTestId('unread')
              .textContent()
              .catch(() => null),
          WAIT,
        )
        .toBe('1 unread');
    });

    it('remembers the queue filters across a reload', async () => {
      await anna.getByLabel('Filter by language').selectOption('zh');
      await anna.getByLabel('Filter by site').selectOption('retail');
      await anna.reload();
      await anna.getByRole('heading', { level: 1, name: 'Waiting for a person' }).waitFor(WAIT);
      await expect.poll(() => anna.getByLabel('Filter by site').inputValue(), WAIT).toBe('retail');
      expect(await anna.getByLabel('Filter by language').inputValue()).toBe('zh');
      await axeBothThemes(anna, 'agent-more-filters');
      await anna.getByRole('combobox', { name: /^Language/ }).selectOption('zh');
      await anna.getByRole('heading', { level: 1, name: '等待人工服务' }).waitFor(WAIT);
      await axeBothThemes(anna, 'agent-more-queue-zh');
      await anna.getByRole('combobox', { name: /^语言/ }).selectOption('en');
    });
  },
);
