// The widget as a bank embeds it, for the Chromium tests: the built bundle, a bank page served
// from another loopback origin, and locators into the widget's (open) shadow root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';
import { startTestServer, type TestServer } from './server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts/screenshots');

/** `npm test` builds the widget first; a test file run alone builds it when its sources changed (the build is incremental). */
export function ensureWidgetBuilt(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'web/widget/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

export interface BankSite {
  origin: string;
  /** points the page's script tag at the appliance (known only once it started) */
  setAppliance(url: string, attrs?: Record<string, string>): void;
  close(): Promise<void>;
}

/** A bank's page on its own origin (`http://localhost:PORT`, the appliance is on 127.0.0.1). */
export async function startBankSite(): Promise<BankSite> {
  let appliance = '';
  let extra: Record<string, string> = {};
  const server = http.createServer((req, res) => {
    if (req.url !== '/' && req.url !== '/index.html') {
      res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    const attrs = Object.entries(extra)
      .map(([k, v]) => ` ${k}="${v}"`)
      .join('');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example Bank</title>
<style>body{font-family:serif;color:#c00} button{background:#ff0;font-size:40px}</style>
<script src="${appliance}/widget.js" data-site="retail"${attrs} async></script></head>
<body><h1>Example Bank</h1><p>Online banking.</p><a href="#top">Top</a></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    setAppliance(url, attrs = {}) {
      appliance = url;
      extra = attrs;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Collects console errors and page errors (a CSP violation or a crash shows up here). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export const WAIT = { timeout: 30_000 };

/** The panel, found by its accessible name. */
export const chatPanel = (page: Page) => page.getByRole('dialog', { name: 'Chat with Harbor Bank' });

/** Opens the widget and accepts only the local AI on the consent screen; waits for live events. */
export async function acceptLocalAi(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Chat with us' }).click();
  const panel = chatPanel(page);
  await expectVisible(panel.getByRole('heading', { name: 'Before we chat' }));
  await panel.getByRole('checkbox', { name: /runs on Harbor Bank's own servers/ }).check();
  await panel.getByRole('button', { name: 'Save my choices' }).click();
  await waitForStream(page);
}

/** Resolves once the widget's WebSocket (or SSE) stream is open. */
export async function waitForStream(page: Page): Promise<void> {
  await page.locator('palisade-chat [data-stream="open"]').waitFor(WAIT);
}

export async function expectVisible(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.waitFor({ state: 'visible', ...WAIT });
}

export async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Your message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The first AI answer once committed (not the streaming bubble). */
export const committedAnswer = (page: Page) => page.locator('palisade-chat .msg.assistant:not(.streaming)').first();

// ---- Code that runs inside Chromium. The test project has no DOM lib (it would retype fetch for
// the whole project), so the few page globals used here are declared for this module alone.
interface PageNode {
  shadowRoot: PageNode | null;
  activeElement: PageNode | null;
  tagName: string;
  textContent: string | null;
  className: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageNode | null;
}
declare const document: PageNode & { documentElement: PageNode };
declare const window: Record<string, unknown>;
declare const localStorage: { getItem(key: string): string | null };
declare function getComputedStyle(el: unknown): Record<string, string>;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: Record<string, boolean>): void;
}

/** A global the page set (window[name]). */
export const pageGlobal = (page: Page, name: string) => page.evaluate((n) => window[n], name);

export const storedItem = (page: Page, key: string) => page.evaluate((k) => localStorage.getItem(k), key);

export const computedStyle = (locator: ReturnType<Page['locator']>, property: string) =>
  locator.evaluate((el, p) => getComputedStyle(el)[p], property);

/** seq of every committed message in the log, in display order */
export const loggedSeqs = (page: Page) =>
  page
    .locator('palisade-chat [data-seq]')
    .evaluateAll((els) => els.map((e) => Number((e as unknown as PageNode).getAttribute('data-seq'))));

/** The accessible name (or tag) of what has focus inside the widget, or the page's focused tag. */
export const focusedInWidget = (page: Page) =>
  page.evaluate(() => {
    const inner = document.activeElement?.shadowRoot?.activeElement;
    return inner
      ? inner.getAttribute('aria-label') || inner.textContent || inner.tagName
      : (document.activeElement?.tagName ?? '');
  });

/** The focused element's outline style inside the widget. */
export const focusedOutline = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.activeElement?.shadowRoot?.activeElement)['outlineStyle']);

/** Sets window.__sawStreaming once a streaming bubble appears in the widget, whenever that is. */
export const watchForStreamingBubble = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('palisade-chat')!.shadowRoot!;
    new MutationObserver(() => {
      if (root.querySelector('.msg.streaming')) window.__sawStreaming = true;
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });

/** A network that drops upgrades: every WebSocket the page makes closes before it opens. */
export const breakWebSockets = (context: BrowserContext) =>
  context.addInitScript(() => {
    class DeadSocket {
      static readonly OPEN = 1;
      readyState = 0;
      onclose: ((e: { code: number }) => void) | null = null;
      constructor() {
        setTimeout(() => {
          this.readyState = 3;
          this.onclose?.({ code: 1006 });
        }, 0);
      }
      send() {}
      close() {}
    }
    window.WebSocket = DeadSocket;
  });

export interface BankWidget {
  server: () => TestServer;
  bank: () => BankSite;
  /** a fresh browser context (empty localStorage) on the bank's page */
  open: () => Promise<{ page: Page; errors: string[] }>;
}

/**
 * For a describe block: a bank page on its own origin, the appliance (demo knowledge, the bank's
 * origin allowed) and Chromium, started before the tests and stopped after them. `env`: more server
 * settings, read when the server starts (so a stand-in started in an earlier beforeAll can be named).
 */
export function useBankWidget(
  contextOptions: BrowserContextOptions = {},
  env: () => Record<string, string> = () => ({}),
): BankWidget {
  let bank: BankSite;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    ensureWidgetBuilt();
    bank = await startBankSite();
    server = await startTestServer(
      { WIDGET_ORIGINS: bank.origin, RETENTION_INTERVAL_SECONDS: '0', ...env() },
      { seedDemoKnowledge: true },
    );
    bank.setAppliance(server.url);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.stop();
    await bank?.close();
  });
  return {
    server: () => server,
    bank: () => bank,
    open: async () => {
      const context = await browser.newContext(contextOptions);
      contexts.push(context);
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${bank.origin}/`);
      return { page, errors };
    },
  };
}
