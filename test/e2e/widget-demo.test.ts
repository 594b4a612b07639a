// The demo bank page with the widget, in real Chromium: /widget.js served as a cacheable script,
// the launcher opens the panel, and the consent screen shows the server's text. The page is the
// first thing an evaluator sees: a bank's site (Harbor Bank, the knowledge base's name), checked
// with axe-core and photographed at desktop and phone width.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { seriousViolations } from '../support/axe.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import {
  ensureWidgetBuilt,
  focusedInWidget,
  screenshot,
  sendText,
  WAIT,
  waitForStream,
  watchErrors,
} from '../support/widgetPage.ts';

// Runs inside Chromium (the test project has no DOM lib).
declare const document: {
  featurePolicy: { allowsFeature(feature: string): boolean };
  documentElement: { scrollWidth: number };
};

describe('widget.js', () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureWidgetBuilt();
    server = await startTestServer({}, { seedDemoKnowledge: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is served as JavaScript with an ETag, and a matching If-None-Match is a 304', async () => {
    const first = await api(server, 'GET', '/widget.js');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect(first.text).toContain('palisade-chat');
    // (fetch adds `Cache-Control: no-cache` to a conditional request unless told otherwise; browsers revalidate with max-age=0)
    const again = await api(server, 'GET', '/widget.js', {
      headers: { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('/demo is a bank page embedding the widget, with a CSP that lets it connect back and the microphone allowed for voice input', async () => {
    const res = await api(server, 'GET', '/demo');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<script src="/widget.js" data-site="retail" async></script>');
    expect(res.text).toContain('<title>Harbor Bank');
    expect(res.text).not.toContain('Demo Bank');
    expect(res.headers.get('permissions-policy')).toMatch(/(^|, )microphone=\(self\)/);
    // Elsewhere the microphone stays denied.
    expect((await api(server, 'GET', '/setup')).headers.get('permissions-policy')).toMatch(/microphone=\(\)/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
  });

  describe.runIf(browserAvailable)('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('the launcher opens the panel on the consent screen; Escape closes it and focus returns to the launcher; chatting works under the page CSP', async () => {
      const page = await browser.newPage();
      const errors = watchErrors(page);
      await page.goto(`${server.url}/demo`);
      await expect
        .poll(() => page.getByRole('heading', { name: 'Everyday banking, made simple' }).isVisible())
        .toBe(true);
      expect(await page.getByRole('link', { name: 'Harbor Bank home' }).isVisible()).toBe(true);
      expect(await page.evaluate(() => document.featurePolicy.allowsFeature('microphone'))).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'demo-page-desktop');
      const launcher = page.getByRole('button', { name: 'Chat with us' });
      await launcher.click();
      expect(await launcher.getAttribute('aria-expanded')).toBe('true');
      const dialog = page.getByRole('dialog', { name: 'Chat with Harbor Bank' });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      // Texts from GET /api/widget/config (policies/consent.yaml), none of the purposes ticked.
      await expect
        .poll(() => dialog.getByRole('heading', { name: 'Before we chat' }).isVisible(), { timeout: 20_000 })
        .toBe(true);
      await expect.poll(() => dialog.getByText('Choose how we may help you.', { exact: false }).isVisible()).toBe(true);
      const boxes = dialog.getByRole('checkbox');
      expect(await boxes.count()).toBe(4);
      for (let i = 0; i < 4; i++) expect(await boxes.nth(i).isChecked()).toBe(false);
      expect(await dialog.getByRole('checkbox', { name: /runs on Harbor Bank's own servers/ }).count()).toBe(1);
      for (const name of ['Accept all', 'Only a person'])
        expect(await dialog.getByRole('button', { name }).count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'demo-consent');

      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      expect(await focusedInWidget(page)).toBe('Chat with us');

      // Under the demo page's CSP the widget reaches the API and its WebSocket on the same origin.
      await launcher.click();
      await dialog.getByRole('button', { name: 'Accept all' }).click();
      await waitForStream(page);
      // The README's first question: the right answer, with its source.
      await sendText(page, 'How do I block my card?');
      const answer = page.locator('palisade-chat .msg.assistant:not(.streaming)').first();
      await answer.waitFor(WAIT);
      expect(await answer.locator('.text').textContent()).toMatch(
        /^If you cannot find your card, block it at once: freeze it in the mobile app/,
      );
      expect(await answer.locator('.sources li').first().textContent()).toBe('Lost or stolen card');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'demo-answer-desktop');
      expect(errors).toEqual([]);
      await page.close();
    });

    it('at phone width (375 px) the page and the open widget fit and pass axe', async () => {
      const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
      const errors = watchErrors(page);
      await page.goto(`${server.url}/demo`);
      await page.getByRole('heading', { name: 'Everyday banking, made simple' }).waitFor(WAIT);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'demo-page-375');
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByRole('heading', { name: 'Before we chat' }).waitFor(WAIT);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'demo-consent-375');
      expect(errors).toEqual([]);
      await page.close();
    });
  });
});
