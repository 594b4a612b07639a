// A visitor's first minutes with the widget on a bank's page (another origin), in real Chromium
// against the default install (the extractive provider answers from the demo knowledge base):
// the consent choice, follow-up questions, "I don't know" with its offer of a person, erasure,
// voice input that says why it cannot listen, a page on an origin not yet allowed, and a refused
// attachment. Each screen is checked with axe-core and photographed at desktop and phone width.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { api } from '../support/server.ts';
import {
  chatPanel,
  expectVisible,
  screenshot,
  sendText,
  startBankSite,
  storedItem,
  useBankWidget,
  WAIT,
  waitForStream,
} from '../support/widgetPage.ts';

const LOST = 'How do I report a lost card?';
const FOLLOW_UP = 'How long does it take to get the new one?';
/** No article answers it, yet passages about mortgages come close (confidence 0.35): the old sources' threshold. */
const UNKNOWN = 'Can I get a mortgage for a boat?';
const PHONE = { width: 375, height: 740 };

// ---- Code that runs inside Chromium (the test project has no DOM lib): the few globals used.
interface PageNode {
  shadowRoot: PageNode | null;
  activeElement: PageNode | null;
  id: string;
  querySelector(selector: string): PageNode | null;
}
declare const document: PageNode;
declare const window: Record<string, unknown>;
declare function getComputedStyle(el: unknown): { backgroundColor: string };

const answers = (page: Page) => page.locator('palisade-chat .msg.assistant:not(.streaming)');
const nthAnswer = (page: Page, n: number) => answers(page).nth(n);
const expectNoSeriousViolations = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);

async function openConsent(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Chat with us' }).click();
  await expectVisible(chatPanel(page).getByRole('heading', { name: 'Before we chat' }));
}

async function acceptAll(page: Page): Promise<void> {
  await openConsent(page);
  await chatPanel(page).getByRole('button', { name: 'Accept all' }).click();
  await waitForStream(page);
}

/** Sends a question and waits for the n-th (0-based) committed answer. */
async function ask(page: Page, text: string, n: number) {
  await sendText(page, text);
  const answer = nthAnswer(page, n);
  await expectVisible(answer);
  return answer;
}

describe.runIf(browserAvailable)("a visitor's first minutes (Chromium)", () => {
  const fixture = useBankWidget({ viewport: { width: 1280, height: 800 } });

  it('consent: "Accept all" and "Only a person" side by side and alike, each explained; "Save my choices" once a box is ticked', async () => {
    const { page, errors } = await fixture.open();
    await openConsent(page);
    const panel = chatPanel(page);
    const all = panel.getByRole('button', { name: 'Accept all' });
    const person = panel.getByRole('button', { name: 'Only a person' });
    const save = panel.getByRole('button', { name: 'Save my choices' });
    expect(await save.isVisible()).toBe(false); // nothing ticked: no button that would turn everything off
    const [a, p] = [(await all.boundingBox())!, (await person.boundingBox())!];
    expect(Math.abs(a.width - p.width)).toBeLessThan(1);
    expect(Math.abs(a.height - p.height)).toBeLessThan(1);
    expect(Math.abs(a.y - p.y)).toBeLessThan(1);
    expect(await all.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      await person.evaluate((el) => getComputedStyle(el).backgroundColor),
    );
    // One line each on what the choice means, tied to the button for screen readers.
    await expectVisible(
      panel.getByText('Accept all: everything above. An AI answers at once, and a person whenever you ask.'),
    );
    await expectVisible(
      panel.getByText('Only a person: no AI reads your messages. Our team answers during office hours.'),
    );
    expect(await all.getAttribute('aria-describedby')).toBe('palisade-means-all');
    await expectNoSeriousViolations(page);
    await screenshot(page, 'first-consent-desktop');

    await panel.getByRole('checkbox', { name: /Keep my transcript/ }).check();
    await expectVisible(save);
    await expectVisible(panel.getByText('Save my choices: only what you ticked above.'));
    await panel.getByRole('checkbox', { name: /Keep my transcript/ }).uncheck();
    await expect.poll(() => save.isVisible()).toBe(false);

    await page.setViewportSize(PHONE);
    await expectNoSeriousViolations(page);
    await screenshot(page, 'first-consent-375');
    expect(errors).toEqual([]);
  });

  it('a short follow-up keeps the topic; "I don\'t know" shows no sources and offers a person as Yes / No; No keeps the chat with the AI, Yes hands over', async () => {
    const { page, errors } = await fixture.open();
    await acceptAll(page);

    const first = await ask(page, LOST, 0);
    await expect.poll(() => first.locator('.sources li').first().textContent(), WAIT).toBe('Lost or stolen card');
    // Searched alone, the follow-up finds "How long it takes" of international transfers.
    const second = await ask(page, FOLLOW_UP, 1);
    expect(await second.locator('.text').textContent()).toMatch(/new card with a new number within 3–5 working days/);
    expect(await second.locator('.sources li').first().textContent()).toBe('Lost or stolen card');
    expect(await second.locator('.sources li').allTextContents()).not.toContain('International money transfers');

    const unknown = await ask(page, UNKNOWN, 2);
    expect(await unknown.locator('.text').textContent()).toMatch(
      /^I don't know the answer to that from our help articles\. Would you like me to connect you with a member of our team\?$/,
    );
    expect(await unknown.locator('.sources').count()).toBe(0);
    const offer = unknown.getByRole('group', { name: 'Talk to a person?' });
    await expectVisible(offer.getByRole('button', { name: 'Yes, connect me' }));
    await expectVisible(offer.getByRole('button', { name: 'No, thanks' }));
    await expectNoSeriousViolations(page);
    await screenshot(page, 'first-offer-desktop');
    await page.setViewportSize(PHONE);
    await page
      .getByRole('log')
      .evaluate((log: { scrollTop: number; scrollHeight: number }) => (log.scrollTop = log.scrollHeight));
    await screenshot(page, 'first-offer-375');
    await page.setViewportSize({ width: 1280, height: 800 });

    await offer.getByRole('button', { name: 'No, thanks' }).click();
    await expect.poll(() => offer.count()).toBe(0);
    expect(await page.evaluate(() => document.querySelector('palisade-chat')!.shadowRoot!.activeElement?.id)).toBe(
      'palisade-input',
    );
    expect(await page.locator('palisade-chat .banner').textContent()).toBe(''); // still the AI's conversation

    const again = await ask(page, 'Do you offer pet insurance?', 3);
    await again.getByRole('button', { name: 'Yes, connect me' }).click();
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toMatch(/Waiting for a person|Nobody is available right now/);
    await expect.poll(() => page.locator('palisade-chat .offer').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a typed yes (in French) to the offer hands over; a typed no (in German) gets a short answer, not a search', async () => {
    const { page, errors } = await fixture.open();
    await acceptAll(page);
    await ask(page, UNKNOWN, 0);
    const no = await ask(page, 'Nein, danke!', 1);
    expect(await no.locator('.text').textContent()).toBe(
      'All right. Ask me something else, or put your question in other words.',
    );
    expect(await no.locator('.sources').count()).toBe(0);
    expect(await page.locator('palisade-chat .banner').textContent()).toBe('');

    await ask(page, 'Do you offer pet insurance?', 2);
    await sendText(page, 'oui');
    await expect
      .poll(() => page.locator('palisade-chat .banner').textContent(), WAIT)
      .toMatch(/Waiting for a person|Nobody is available right now/);
    expect(await answers(page).count()).toBe(3); // the "oui" was not answered by the AI
    const token = (await storedItem(page, 'palisade:retail'))!;
    const state = await api<{ conversation: { status: string; mode: string } }>(
      fixture.server(),
      'GET',
      '/api/widget/conversation',
      { token, headers: { Origin: fixture.bank().origin } },
    );
    expect(state.body.conversation).toMatchObject({ status: 'handoff', mode: 'queued' });
    expect(errors).toEqual([]);
  });

  it('erasure ends on a visible confirmation: what was erased and the request id', async () => {
    const { page, errors } = await fixture.open();
    await acceptAll(page);
    await ask(page, LOST, 0);
    await chatPanel(page).getByRole('button', { name: 'Menu' }).click();
    await chatPanel(page).getByRole('button', { name: 'Erase my data' }).click();
    await chatPanel(page).getByRole('button', { name: 'Yes, erase my data' }).click();
    const heading = chatPanel(page).getByRole('heading', { name: 'Your data has been erased' });
    await expectVisible(heading);
    await expectVisible(
      chatPanel(page).getByText(
        'We erased your conversations, messages, attachments and consent choices, and destroyed the key that encrypted them.',
      ),
    );
    const id = (await chatPanel(page).locator('.erased code').textContent())!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = (await fixture
      .server()
      .deps.db.dataSource.query(`SELECT type, state FROM dsr_requests WHERE id = $1`, [id])) as {
      type: string;
      state: string;
    }[];
    expect(row?.type).toBe('erasure');
    expect(row?.state).toMatch(/^(done|in_progress)$/);
    // It stays until the visitor moves on (the consent screen no longer replaces it unseen).
    await page.waitForTimeout(1500);
    expect(await heading.isVisible()).toBe(true);
    await expectNoSeriousViolations(page);
    await screenshot(page, 'first-erased-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'first-erased-375');
    await chatPanel(page).getByRole('button', { name: 'Start a new conversation' }).click();
    await expectVisible(chatPanel(page).getByRole('heading', { name: 'Before we chat' }));
    expect(errors).toEqual([]);
  });

  it('a refused attachment names the allowed types (the server refuses a "PNG" that is not one)', async () => {
    const { page, errors } = await fixture.open();
    await acceptAll(page);
    const chooser = page.waitForEvent('filechooser');
    await chatPanel(page).getByRole('button', { name: 'Attach a file' }).click();
    await (
      await chooser
    ).setFiles({ name: 'statement.png', mimeType: 'image/png', buffer: Buffer.from('this is text, not an image') });
    const alert = chatPanel(page).locator('.composer .error');
    await expect
      .poll(() => alert.textContent(), WAIT)
      .toBe('This kind of file cannot be sent. Allowed: PNG, JPEG, WEBP, PDF.');
    expect(errors.filter((e) => !/415/.test(e))).toEqual([]); // the browser logs the refused upload itself
  });

  it('voice input says why it cannot listen: not supported by the browser, or the microphone refused', async () => {
    const { page } = await fixture.open();
    await page.context().addInitScript(() => {
      delete window.webkitSpeechRecognition;
      delete window.SpeechRecognition;
    });
    await page.reload();
    await openConsent(page);
    await chatPanel(page)
      .getByRole('checkbox', { name: /runs on Harbor Bank's own servers/ })
      .check();
    await chatPanel(page)
      .getByRole('checkbox', { name: /Voice input/ })
      .check();
    await chatPanel(page).getByRole('button', { name: 'Save my choices' }).click();
    await waitForStream(page);
    await chatPanel(page).getByRole('button', { name: 'Voice input' }).click();
    const alert = chatPanel(page).locator('.composer .error');
    await expect
      .poll(() => alert.textContent())
      .toBe('Voice input does not work in this browser. Please type your message.');

    // A browser that has recognition but is refused the microphone.
    await page.context().addInitScript(() => {
      window.SpeechRecognition = class {
        onerror: ((e: { error: string }) => void) | null = null;
        onend: (() => void) | null = null;
        start() {
          setTimeout(() => {
            this.onerror?.({ error: 'not-allowed' });
            this.onend?.();
          }, 10);
        }
        stop() {}
      };
    });
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await waitForStream(page);
    await chatPanel(page).getByRole('button', { name: 'Voice input' }).click();
    await expect
      .poll(() => alert.textContent())
      .toBe("The microphone is blocked. Allow it in your browser's settings, or type your message.");
    expect(await chatPanel(page).getByRole('button', { name: 'Voice input' }).getAttribute('aria-pressed')).toBe(
      'false',
    );
  });
});

describe.runIf(browserAvailable)('a bank page on an origin not yet allowed (Chromium)', () => {
  const fixture = useBankWidget({ viewport: { width: 1280, height: 800 } });
  let stranger: Awaited<ReturnType<typeof startBankSite>>;
  beforeAll(async () => {
    stranger = await startBankSite();
  });
  afterAll(async () => {
    await stranger?.close();
  });

  it('says the chat is not set up for this address, and the server logs the origin for the operator', async () => {
    stranger.setAppliance(fixture.server().url);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${stranger.origin}/`);
      await page.getByRole('button', { name: 'Chat with us' }).click();
      const panel = page.getByRole('dialog', { name: 'Chat with us' });
      await expectVisible(panel);
      await expect
        .poll(() => panel.getByRole('alert').first().textContent(), WAIT)
        .toBe(`The chat is not set up for this website address yet (${stranger.origin}).`);
      expect(await panel.getByText('No connection').count()).toBe(0);
      await expectNoSeriousViolations(page);
      await screenshot(page, 'first-origin-not-allowed-desktop');
      await page.setViewportSize(PHONE);
      await screenshot(page, 'first-origin-not-allowed-375');
      const logged = fixture
        .server()
        .logs()
        .filter((l) => l.message === 'widget.origin_not_allowed');
      expect(logged.length).toBeGreaterThan(0);
      expect(logged[0]).toMatchObject({ site: 'retail', origin: stranger.origin });
    } finally {
      await browser.close();
    }
  });
});
