// An administrator resets an agent's second factor (a lost phone) in real Chromium against a real
// server: the control shows only for an account that has one; the dialog asks for the reason, is
// labelled and keyboard operable (Escape closes it and focus returns to its button), and a refused
// reason shows the server's error id beside the field. After the reset the list and the panel say
// the factor is off, the agent's session is over and the agent is asked to enrol at the next
// sign-in. axe-core in light and dark, English and Chinese; screenshots.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../server/auth/mfa/totp.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { api, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const WAIT = { timeout: 20_000 };
const REASON = 'Phone lost on a business trip, confirmed by the team lead';

interface Body {
  mfa?: { step: 'verify' | 'enrol'; challenge: string };
  accessToken?: string;
  secret?: string;
}

describe.runIf(browserAvailable)('second-factor reset on the users screen (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let adminId: string;
  const ids: Record<string, string> = {};
  const agentTokens: Record<string, string> = {};
  const query = <T>(sql: string, params: unknown[] = []) =>
    server.deps.db.dataSource.query(sql, params) as Promise<T[]>;
  const row = (email: string) => page.locator(`tr[data-user="${email}"]`);
  const focused = (attribute: string) =>
    page.evaluate<string | null>(`document.activeElement?.getAttribute('${attribute}') ?? null`);
  const factors = async (id: string) =>
    (await query<{ n: number }>(`SELECT count(*)::int AS n FROM staff_mfa WHERE user_id = $1`, [id]))[0]!.n;
  const login = (email: string) =>
    api<Body>(server, 'POST', '/api/auth/login', { body: { email, password: STAFF_PASSWORD, mode: 'bearer' } });

  /** The agent's first sign-in: enrolment at the challenge, confirmed with a code of the real clock. */
  async function enrol(email: string): Promise<string> {
    const first = await login(email);
    expect(first.body.mfa?.step).toBe('enrol');
    const challenge = first.body.mfa!.challenge;
    const started = await api<Body>(server, 'POST', '/api/auth/mfa/enrol', { body: { challenge } });
    const code = totp(base32Decode(started.body.secret!), new Date());
    const done = await api<Body>(server, 'POST', '/api/auth/mfa/confirm', {
      body: { challenge, code, mode: 'bearer' },
    });
    expect(done.status).toBe(200);
    return done.body.accessToken!;
  }

  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ MFA_REQUIRED_ROLES: 'agent' });
    adminId = await seedStaff(server, {
      email: 'ada@bank.example',
      password: STAFF_PASSWORD,
      role: 'admin',
      displayName: 'Ada Admin',
    });
    for (const [name, displayName] of [
      ['ben', 'Ben Agent'],
      ['chen', 'Chen Agent'],
    ] as const) {
      const email = `${name}@bank.example`;
      ids[name] = await seedStaff(server, { email, password: STAFF_PASSWORD, role: 'agent', displayName });
      agentTokens[name] = await enrol(email);
    }
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    await consoleSignIn(page, server.url, 'ada@bank.example');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('resets an agent’s second factor with a reason; the error id shows beside the field; Escape returns focus', async () => {
    await page.goto(`${server.url}/console/admin/users`);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor(WAIT);
    const ben = 'ben@bank.example';
    await row(ben).getByTestId('user-mfa').filter({ hasText: 'On' }).waitFor(WAIT);
    expect(await row('ada@bank.example').getByTestId('user-mfa').textContent()).toBe('Off');

    // an account without a second factor has no reset control
    await row('ada@bank.example').getByRole('button', { name: 'Manage Ada Admin' }).click();
    const mine = page.locator('section[data-manage="ada@bank.example"]');
    await mine.getByTestId('manage-mfa-status').filter({ hasText: 'Not set up' }).waitFor(WAIT);
    expect(await mine.getByRole('button', { name: 'Reset second factor' }).count()).toBe(0);

    await row(ben).getByRole('button', { name: 'Manage Ben Agent' }).click();
    const panel = page.locator(`section[data-manage="${ben}"]`);
    const open = panel.getByRole('button', { name: 'Reset second factor' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Reset the second factor of Ben Agent?' });
    await dialog.waitFor(WAIT);
    expect(await focused('id')).toBe('mfa-reset-reason');
    expect(await dialog.getByLabel('Reason for the reset').getAttribute('aria-describedby')).toBe(
      'mfa-reset-reason-hint',
    );

    // a reason with a long number is refused: the error id beside the field, nothing changed
    await dialog.getByLabel('Reason for the reset').fill('Lost phone 0612345678');
    await dialog.getByRole('button', { name: 'Reset second factor' }).click();
    await dialog.locator('#mfa-reset-reason-error').filter({ hasText: 'validation_failed' }).waitFor(WAIT);
    const field = dialog.getByLabel('Reason for the reset');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe('mfa-reset-reason-hint mfa-reset-reason-error');
    await axeBothThemes(page, 'admin-users-mfa-reset-invalid');
    expect(await factors(ids.ben!)).toBe(1);

    // Escape closes the dialog and returns focus to the button that opened it
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused('aria-haspopup')).toBe('dialog');
    expect(await page.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe(
      'Reset second factor',
    );
    expect(await factors(ids.ben!)).toBe(1);

    // from the keyboard: Enter opens it again, type the reason, Tab to the reset button, Enter
    await page.keyboard.press('Enter');
    await dialog.waitFor(WAIT);
    expect(await focused('id')).toBe('mfa-reset-reason');
    await page.keyboard.type(REASON);
    await axeBothThemes(page, 'admin-users-mfa-reset-dialog');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    const done = panel.getByTestId('manage-mfa-done');
    await done.filter({ hasText: 'Second factor reset; 1 session(s) ended.' }).waitFor(WAIT);
    await expect.poll(() => focused('data-testid'), WAIT).toBe('manage-mfa-done');
    await row(ben).getByTestId('user-mfa').filter({ hasText: 'Off' }).waitFor(WAIT);
    await panel.getByTestId('manage-mfa-status').filter({ hasText: 'Not set up' }).waitFor(WAIT);
    expect(await panel.getByRole('button', { name: 'Reset second factor' }).count()).toBe(0);
    await axeBothThemes(page, 'admin-users-mfa-reset-done');

    expect(await factors(ids.ben!)).toBe(0);
    expect((await api(server, 'GET', '/api/auth/me', { token: agentTokens.ben })).status).toBe(401);
    const events = await query<{ actor_id: string; reason: string }>(
      `SELECT actor_id, reason FROM audit_events WHERE action = 'staff.mfa_reset' AND resource_id = $1`,
      [ids.ben],
    );
    expect(events).toEqual([{ actor_id: adminId, reason: REASON }]);
    expect((await login(ben)).body.mfa?.step).toBe('enrol');
  });

  it('resets in Chinese without serious axe violations', async () => {
    await page.goto(`${server.url}/console/admin/users`);
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '用户' }).waitFor(WAIT);
    const chen = 'chen@bank.example';
    await row(chen).getByTestId('user-mfa').filter({ hasText: '已开启' }).waitFor(WAIT);
    await row(chen).getByRole('button', { name: '管理 Chen Agent' }).click();
    const panel = page.locator(`section[data-manage="${chen}"]`);
    await panel.getByRole('button', { name: '重置第二重验证' }).click();
    const dialog = page.getByRole('dialog', { name: '要重置 Chen Agent 的第二重验证吗？' });
    await dialog.waitFor(WAIT);
    await dialog.getByRole('button', { name: '重置第二重验证' }).click();
    await dialog.locator('#mfa-reset-reason-error').filter({ hasText: 'validation_failed' }).waitFor(WAIT);
    await axeBothThemes(page, 'admin-users-mfa-reset-zh');
    await dialog.getByLabel('重置原因').fill('手机丢失，已由组长确认');
    await dialog.getByRole('button', { name: '重置第二重验证' }).click();
    await dialog.waitFor({ state: 'detached' });
    await panel.getByTestId('manage-mfa-done').filter({ hasText: '已结束 1 个会话' }).waitFor(WAIT);
    await row(chen).getByTestId('user-mfa').filter({ hasText: '未开启' }).waitFor(WAIT);
    await axeBothThemes(page, 'admin-users-mfa-reset-done-zh');
    expect(await factors(ids.chen!)).toBe(0);
    expect((await api(server, 'GET', '/api/auth/me', { token: agentTokens.chen })).status).toBe(401);
    await page.locator('.prefs').getByLabel('语言').selectOption('en');
  });
});
