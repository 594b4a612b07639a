// The demo bank page with the widget, in real Chromium: /widget.js served as a cacheable script,
// the launcher opens the panel, and the consent screen shows the server's text.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import { ensureWidgetBuilt, focusedInWidget, screenshot, sendText, WAIT, waitForStream, watchErrors } from '../support/widgetPage.ts';

describe('widget.js', () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureWidgetBuilt();
    server = await startTestServer();
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
    const again = await api(server, 'GET', '/widget.js', { headers: { 'If-None-Match': etag!, 'Cache-Control': 'max-age=0' } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('/demo is a plain bank page embedding the widget, with a CSP that lets it connect back', async () => {
    const res = await api(server, 'GET', '/demo');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<script src="/widget.js" data-site="retail" async></script>');
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
      await expect.poll(() => page.getByRole('heading', { name: 'Demo Bank' }).isVisible()).toBe(true);
      const launcher = page.getByRole('button', { name: 'Chat with us' });
      await launcher.click();
      expect(await launcher.getAttribute('aria-expanded')).toBe('true');
      const dialog = page.getByRole('dialog', { name: 'Chat with Demo Bank' });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      // Texts from GET /api/widget/config (policies/consent.yaml), none of the purposes ticked.
      await expect.poll(() => dialog.getByRole('heading', { name: 'Before we chat' }).isVisible(), { timeout: 20_000 }).toBe(true);
      await expect.poll(() => dialog.getByText('Choose how we may help you.', { exact: false }).isVisible()).toBe(true);
      const boxes = dialog.getByRole('checkbox');
      expect(await boxes.count()).toBe(4);
      for (let i = 0; i < 4; i++) expect(await boxes.nth(i).isChecked()).toBe(false);
      expect(await dialog.getByRole('checkbox', { name: /runs on Demo Bank's own servers/ }).count()).toBe(1);
      for (const name of ['Accept selected', 'Accept all', 'Talk to a person']) expect(await dialog.getByRole('button', { name }).count()).toBe(1);
      await screenshot(page, 'demo-consent');

      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      expect(await focusedInWidget(page)).toBe('Chat with us');

      // Under the demo page's CSP the widget reaches the API and its WebSocket on the same origin.
      await launcher.click();
      await dialog.getByRole('button', { name: 'Accept all' }).click();
      await waitForStream(page);
      await sendText(page, 'Hello from the demo page');
      await expect.poll(() => page.locator('palisade-chat .msg.visitor:not(.pending)').count(), WAIT).toBe(1);
      expect(errors).toEqual([]);
      await page.close();
    });
  });
});
