// The widget as a bank embeds it, for the Chromium tests: the built bundle, a bank page served
// from another loopback origin, and locators into the widget's (open) shadow root.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts/screenshots');

/** `npm test` builds the widget first; a single test file run alone builds it when missing. */
export function ensureWidgetBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'web/widget/dist/widget.js'))) return;
  execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', 'web/widget/vite.config.ts'], { cwd: ROOT, stdio: 'pipe' });
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
