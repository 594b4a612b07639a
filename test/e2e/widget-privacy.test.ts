// The privacy promise end to end, as a visitor on a bank's page of another origin (Chromium) with
// the appliance's local model being the Ollama stand-in: a card number and a name typed into the
// widget never reach the model (placeholders do), the streamed answer shows them put back, a reload
// mid-answer resumes without loss or repeats, an agent reads the transcript masked, reveals one
// message for a reason (audited) and answers live; the microphone follows the voice_input consent.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { browserAvailable } from '../support/browser.ts';
import { api, bearerLogin, seedStaff } from '../support/server.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { policiesDir } from '../support/widget.ts';
import {
  acceptLocalAi,
  chatPanel,
  expectVisible,
  loggedSeqs,
  pageGlobal,
  SCREENSHOTS,
  sendText,
  storedItem,
  useBankWidget,
  WAIT,
  waitForStream,
} from '../support/widgetPage.ts';

// Every rule → the local Ollama stand-in, nothing else (no knowledge-base fallback answers).
const ROUTING = `version: 1
targets:
  pool: { provider: ollama, model: llama-standin, location: local }
retries: { rateLimit: 0, timeout: 0, serverError: 0, backoffMs: 1, maxBackoffMs: 5, maxRetryAfterMs: 2000 }
cooldown: { failures: 100, seconds: 1 }
timeouts: { firstTokenMs: 30000, totalMs: 120000 }
rules:
  - { id: local-only, action: local, chain: [pool] }
`;
const PERSONAL = 'My card 4111 1111 1111 1111 was blocked, my name is Maria Gonzalez';
/** The shipped redaction policy masks cards PCI-style (first 6, last 4) for people; a model gets
 *  a placeholder only, which the visitor sees put back as this mask. */
const CARD_MASK = '4111 11** **** 1111';
const BLOCK_QUESTION = 'How do I block my card?';
const BLOCK_ANSWER =
  'Open the app, choose Cards, pick the card and press Block card. You can unblock it the same way at any time, and a blocked card cannot be used for payments.';
const AGENT_REPLY = 'Hello, this is Anna from the card team';

/** The answer to the card question, built from what the stand-in RECEIVED: the name's and the
 *  card's placeholders. The widget showing the name and the card's mask proves the server put them
 *  back from its vault (the model never had either). */
function placeholderReply(lastUserText: string): string[] {
  const person = /<PERSON_\d+>/.exec(lastUserText)?.[0];
  const card = /<CREDIT_CARD_\d+>/.exec(lastUserText)?.[0];
  if (!person || !card) return ['No placeholder received.'];
  const answer = `Sorry ${person}, I have blocked the card ${card} for you. A new card is on its way to your home address.`;
  // Pieces of 7 characters, as a model's tokens would: the placeholder arrives split in two.
  return answer.match(/[^]{1,7}/g)!;
}

const words = (text: string) => text.split(/(?<= )/);

// ---- Code that runs inside Chromium (the test project has no DOM lib): the few globals used.
interface PageNode {
  shadowRoot: PageNode | null;
  textContent: string | null;
  querySelector(selector: string): PageNode | null;
}
declare const document: PageNode;
declare const window: Record<string, unknown>;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, boolean>): void;
}

/** Records, in the page, every text the streaming bubble shows (window.__streamed), whenever. */
const recordStreamingTexts = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('palisade-chat')!.shadowRoot!;
    const seen: string[] = [];
    window.__streamed = seen;
    new MutationObserver(() => {
      const text = root.querySelector('.msg.streaming .text')?.textContent ?? null;
      if (text !== null && text !== seen.at(-1)) seen.push(text);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });

/** A screenshot of the widget's panel alone. */
async function panelShot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await chatPanel(page).screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

describe.runIf(browserAvailable)('privacy end to end: widget, local model stand-in, agent (Chromium)', () => {
  let ollama: OllamaStandIn;
  let policies: ReturnType<typeof policiesDir>;
  beforeAll(async () => {
    ollama = await startOllamaStandIn();
    policies = policiesDir({ 'routing.yaml': ROUTING });
  });
  afterAll(async () => {
    await ollama?.close();
    policies?.remove();
  });
  // Registered after the stand-in's hooks: its server starts after the stand-in and stops before it.
  const fixture = useBankWidget({ viewport: { width: 1000, height: 800 } }, () => ({
    PALISADE_POLICIES_DIR: policies.dir,
    OLLAMA_HOST: ollama.url,
  }));

  const log = (page: Page) => page.getByRole('log');
  const committed = (page: Page) => page.locator('palisade-chat .msg.assistant:not(.streaming)');
  const streaming = (page: Page) => page.locator('palisade-chat .msg.streaming .text');
  const chatCalls = () => ollama.requests.filter((r) => r.path === '/api/chat');
  /** Every body the stand-in recorded: no name, no card number in any spacing, not even the mask's
   *  digits; every chat call carries the placeholders instead. */
  const expectNothingPersonalSent = () => {
    for (const r of ollama.requests) {
      expect(r.body).not.toMatch(/Maria|Gonzalez/);
      expect(r.body).not.toMatch(/4111[\s-]*1111[\s-]*1111[\s-]*1111/);
      expect(r.body).not.toContain('4111');
    }
    for (const r of chatCalls()) {
      expect(r.body).toMatch(/<PERSON_\d+>/);
      expect(r.body).toMatch(/<CREDIT_CARD_\d+>/);
    }
  };

  it('card and name never reach the model, are shown back to the visitor, survive a reload mid-answer, are masked for the agent until revealed', async () => {
    const { page, errors } = await fixture.open();
    const server = fixture.server();
    const origin = fixture.bank().origin;

    // 1. Consent: only "AI on the bank's own servers"; the question sent with Enter.
    await acceptLocalAi(page);
    await recordStreamingTexts(page);
    ollama.reply = placeholderReply;
    ollama.chunkDelayMs = 120; // ~2 s for the whole answer
    await sendText(page, PERSONAL);

    // 2. The answer streams in (the bubble's text grows), then is committed with the name put back.
    const first = committed(page).first();
    await expect
      .poll(() => first.locator('.text').textContent(), WAIT)
      .toBe(
        `Sorry Maria Gonzalez, I have blocked the card ${CARD_MASK} for you. A new card is on its way to your home address.`,
      );
    const finalText = (await first.locator('.text').textContent())!;
    const streamed = (await pageGlobal(page, '__streamed')) as string[];
    expect(streamed.length).toBeGreaterThanOrEqual(2);
    expect(streamed[0]!.length).toBeLessThan(finalText.length);
    for (const [i, text] of streamed.entries()) {
      if (i > 0) expect(text.length).toBeGreaterThan(streamed[i - 1]!.length);
      expect(text).not.toMatch(/<|PERSON/); // never a placeholder on screen, not even half of one
    }
    expect(await page.locator('palisade-chat .msg.streaming').count()).toBe(0);
    // The knowledge search finds no passage above the source threshold for this message (a story,
    // not a question): the sources are asserted on the second question, which has one.
    expect(await log(page).locator('.msg.visitor').getByText(PERSONAL, { exact: true }).count()).toBe(1);
    await panelShot(page, 'privacy-answer-name-restored');

    // 3. What the model got: the name's placeholder and the card's mask, never the number or the name.
    expect(chatCalls()).toHaveLength(1);
    expectNothingPersonalSent();

    // 4. A second, slow answer; the page is reloaded while it streams and resumes it.
    ollama.reply = () => words(BLOCK_ANSWER);
    ollama.chunkDelayMs = 500; // slow until the reloaded page has shown the resumed answer
    await sendText(page, BLOCK_QUESTION);
    await expect
      .poll(
        () =>
          streaming(page)
            .textContent()
            .catch(() => ''),
        WAIT,
      )
      .toMatch(/^Open the app, choose/);
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await waitForStream(page);
    // The reloaded widget shows the answer still streaming: the text so far came as one delta.
    await expect
      .poll(
        () =>
          streaming(page)
            .textContent()
            .catch(() => ''),
        WAIT,
      )
      .toMatch(/^Open the app, choose/);
    ollama.chunkDelayMs = 10;
    const second = committed(page).filter({ hasText: 'press Block card' });
    await expect.poll(() => second.count(), WAIT).toBe(1);
    expect(await second.locator('.text').textContent()).toBe(BLOCK_ANSWER);
    expect(await second.locator('.sources li').count()).toBeGreaterThan(0);
    expect((await second.locator('.sources li').first().textContent())!.length).toBeGreaterThan(3); // a title
    expect(await page.locator('palisade-chat .msg.streaming').count()).toBe(0);
    // Each bubble once: both questions, both answers, nothing lost from before the reload.
    expect(await log(page).locator('.msg.visitor').getByText(BLOCK_QUESTION, { exact: true }).count()).toBe(1);
    expect(await log(page).locator('.msg.visitor').getByText(PERSONAL, { exact: true }).count()).toBe(1);
    expect(await log(page).locator('.msg.visitor').count()).toBe(2);
    expect(await committed(page).count()).toBe(2);
    expect(await committed(page).filter({ hasText: 'Sorry Maria Gonzalez' }).count()).toBe(1);
    expect(await loggedSeqs(page)).toEqual([1, 2, 3, 4]);
    expect(chatCalls()).toHaveLength(2); // the second call carries the first turn again: still redacted
    expectNothingPersonalSent();

    // 5. "Talk to a person"; an agent takes the conversation through the agent API.
    await chatPanel(page).getByRole('button', { name: 'Talk to a person' }).click();
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toMatch(/Waiting for a person|Nobody is available right now/);
    const agentId = await seedStaff(server, {
      email: 'anna@bank.example',
      password: 'a long agent password',
      role: 'agent',
      displayName: 'Anna',
    });
    const { accessToken } = await bearerLogin(server, 'anna@bank.example', 'a long agent password');
    const state = await api<{ conversation: { id: string } }>(server, 'GET', '/api/widget/conversation', {
      token: (await storedItem(page, 'palisade:retail'))!,
      headers: { Origin: origin },
    });
    const conversationId = state.body.conversation.id;
    const agent = <T = Record<string, unknown>>(method: string, p: string, body?: unknown) =>
      api<T>(server, method, `/api/agent${p}`, { token: accessToken, body });

    const queue = await agent<{ conversations: { id: string; status: string }[] }>('GET', '/queue');
    expect(queue.status).toBe(200);
    expect(queue.body.conversations).toContainEqual(expect.objectContaining({ id: conversationId, status: 'handoff' }));
    expect((await agent('POST', `/conversations/${conversationId}/claim`)).status).toBe(200);

    const transcript = await agent<{ messages: { id: string; role: string; text: string }[] }>(
      'GET',
      `/conversations/${conversationId}/transcript`,
    );
    expect(transcript.status).toBe(200);
    expect(transcript.text).not.toContain('4111 1111 1111 1111');
    expect(transcript.text).not.toContain('Maria Gonzalez');
    const question = transcript.body.messages.find((m) => m.role === 'visitor')!;
    expect(question.text).toMatch(/<CREDIT_CARD_\d+>/);
    expect(question.text).toMatch(/<PERSON_\d+>/);

    const revealed = await agent<{ text: string }>(
      'POST',
      `/conversations/${conversationId}/messages/${question.id}/reveal`,
      { reason: 'verify_identity', note: 'caller asked to confirm the blocked card' },
    );
    expect(revealed.status).toBe(200);
    expect(revealed.body.text).toBe(PERSONAL);
    const [reveal] = await auditEvents(server, `action = 'pii.reveal' AND resource_id = $1`, [question.id]);
    expect(reveal).toMatchObject({
      actorType: 'staff',
      actorId: agentId,
      reason: 'verify_identity: caller asked to confirm the blocked card',
    });

    // The agent's reply reaches the open widget live: no reload (the page's own marker survives).
    await page.evaluate(() => (window.__samePage = true));
    expect(
      (await agent('POST', `/conversations/${conversationId}/messages`, { clientId: randomUUID(), text: AGENT_REPLY }))
        .status,
    ).toBe(201);
    const reply = page.locator('palisade-chat .msg.agent').filter({ hasText: AGENT_REPLY });
    await expectVisible(reply);
    expect(await reply.locator('.who').textContent()).toBe('Anna');
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toBe('You are chatting with a person.');
    expect(await pageGlobal(page, '__samePage')).toBe(true);
    await panelShot(page, 'privacy-agent-reply');
    expect(errors).toEqual([]);
  });

  it('shows the microphone only with the voice_input consent', async () => {
    const { page } = await fixture.open();
    // Headless Chromium has no speech recognition: a minimal constructor stands in for it, defined
    // before the widget loads, so only the consent decides whether the button shows.
    await page.context().addInitScript(() => {
      window.SpeechRecognition = class {
        lang = '';
        interimResults = false;
        onresult = null;
        onend = null;
        start() {}
        stop() {}
      };
    });
    await page.reload();
    expect(await page.evaluate(() => typeof window.SpeechRecognition)).toBe('function');
    const mic = page.getByRole('button', { name: 'Voice input' });

    await acceptLocalAi(page);
    await expectVisible(page.getByRole('textbox', { name: 'Your message' }));
    expect(await mic.count()).toBe(0);

    await chatPanel(page).getByRole('button', { name: 'Menu' }).click();
    await chatPanel(page).getByRole('button', { name: 'Change my consents' }).click();
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'Before we chat' }));
    await chatPanel(page)
      .getByRole('checkbox', { name: /Voice input/ })
      .check();
    await chatPanel(page).getByRole('button', { name: 'Save my choices' }).click();
    await expectVisible(mic);
    const consents = await api<{ consents: Record<string, unknown> }>(fixture.server(), 'GET', '/api/widget/consents', {
      token: (await storedItem(page, 'palisade:retail'))!,
      headers: { Origin: fixture.bank().origin },
    });
    expect(consents.body.consents).toMatchObject({ ai_local: true, ai_cloud: false, voice_input: true });
  });
});
