// The staff console in Chromium: built (incrementally) before a test file starts its server,
// signing in through the form, and axe-core with a screenshot in light and dark.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousViolations } from './axe.ts';
import { screenshot } from './widgetPage.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const STAFF_PASSWORD = 'a long enough password';

/** `npm test` builds the console first; a test file run alone builds it when its sources changed. */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'web/console/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
}

export async function consoleSignIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 20_000 });
}

/** No serious or critical axe-core violation in the light and the dark theme; a screenshot of each. */
export async function axeBothThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page), `${name} (${scheme})`).toEqual([]);
    await screenshot(page, `console-${name}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
