// The admin's people screens in real Chromium against a real server: an admin invites an agent (the
// agent opens the link in a second browser context, sets a password and signs in); changes a role,
// disables and re-enables, unlocks; demoting or disabling the last admin shows `last_admin` beside
// the control. An API key is created, copied from the screen and used on /v1 (the bank's GPU pool a
// loopback Ollama stand-in), then revoked, and /v1 answers 401. A canned response is created with a
// fill-in, edited and deleted. Bad input shows the error id beside its field. axe-core on every
// screen in light and dark, English and Chinese; screenshots.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, consoleSignIn, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';
import { api, seedStaff, type TestServer } from '../support/server.ts';

const WAIT = { timeout: 20_000 };
const QUESTION = 'How do I order a new card?';

describe.runIf(browserAvailable)('admin people screens (Chromium)', () => {
  let fixture: OpenAiApiFixture;
  let server: TestServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let page: Page;
  let adminId: string;
  const query = <T>(sql: string, params: unknown[] = []) =>
    server.deps.db.dataSource.query(sql, params) as Promise<T[]>;
  const row = (email: string) => page.locator(`tr[data-user="${email}"]`);
  const screen = async (path: string, heading: string) => {
    await page.goto(`${server.url}/console/admin/${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor(WAIT);
  };
  const manage = async (email: string, name: string) => {
    await row(email)
      .getByRole('button', { name: `Manage ${name}` })
      .click();
    return page.locator(`section[data-manage="${email}"]`);
  };
  // page scripts as text: this file is type-checked without the DOM's types
  const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');
  const focused = (attribute: string) =>
    page.evaluate<string | null>(`document.activeElement?.getAttribute('${attribute}') ?? null`);

  beforeAll(async () => {
    ensureConsoleBuilt();
    fixture = await startOpenAiApiFixture({ LOGIN_MAX_FAILURES: '3' });
    server = fixture.server;
    adminId = await seedStaff(server, {
      email: 'ada@bank.example',
      password: STAFF_PASSWORD,
      role: 'admin',
      displayName: 'Ada Admin',
    });
    browser = await launchBrowser();
    adminContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await adminContext.newPage();
    await consoleSignIn(page, server.url, 'ada@bank.example');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  it('refuses bad input with the error id beside each field, then invites an agent who sets a password and signs in', async () => {
    await screen('users', 'Users');
    await page.getByLabel('Email').fill('not an email');
    await page.getByRole('button', { name: 'Create and invite' }).click();
    await page.locator('#user-email-error').filter({ hasText: 'validation_failed' }).waitFor(WAIT);
    expect(await page.locator('#user-name-error').textContent()).toMatch(/^validation_failed: /);
    expect(await page.getByLabel('Email').getAttribute('aria-describedby')).toBe('user-email-error');
    expect(await page.getByLabel('Display name').getAttribute('aria-invalid')).toBe('true');
    await axeBothThemes(page, 'admin-users-invalid');
    expect(await query(`SELECT 1 FROM staff_users WHERE email = 'not an email'`)).toEqual([]);

    await page.getByLabel('Email').fill('Nora.New@bank.example');
    await page.getByLabel('Display name').fill('Nora New');
    await page.getByLabel('Role', { exact: true }).selectOption('agent');
    await page.getByRole('button', { name: 'Create and invite' }).click();
    const invitation = page.getByRole('region', { name: 'Invitation for Nora New' });
    await invitation.waitFor(WAIT);
    expect(await page.locator('#user-email-error').count()).toBe(0);
    await invitation.getByRole('button', { name: 'Copy' }).click();
    await invitation.getByText('Copied to the clipboard.').waitFor(WAIT);
    const link = await clipboard();
    expect(link).toBe(await invitation.getByLabel('Invitation link').inputValue());
    expect(link).toMatch(/\/console\/password#token=[A-Za-z0-9_-]{43}$/);
    await row('nora.new@bank.example').waitFor(WAIT);
    expect(await row('nora.new@bank.example').textContent()).toContain('Never');
    await axeBothThemes(page, 'admin-users-invitation');
    await invitation.getByRole('button', { name: 'Done, hide it' }).click();
    await invitation.waitFor({ state: 'detached' });

    // the agent, in a browser of their own
    const agent = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const agentPage = await agent.newPage();
    await agentPage.goto(link);
    await agentPage.getByLabel('New password', { exact: true }).fill(STAFF_PASSWORD);
    await agentPage.getByLabel('New password again').fill(STAFF_PASSWORD);
    await agentPage.getByRole('button', { name: 'Set password' }).click();
    await agentPage.getByRole('heading', { name: 'Your password is set' }).waitFor(WAIT);
    await consoleSignIn(agentPage, server.url, 'nora.new@bank.example');
    await agentPage.getByRole('heading', { name: 'Welcome, Nora New' }).waitFor(WAIT);
    await agent.close();

    await page.reload();
    await row('nora.new@bank.example').waitFor(WAIT);
    expect(await row('nora.new@bank.example').textContent()).not.toContain('Never');
    const created = await query<{ action: string; actor_id: string }>(
      `SELECT action, actor_id FROM audit_events WHERE action IN ('staff.create', 'staff.password_link') AND actor_id = $1`,
      [adminId],
    );
    expect(created.map((e) => e.action)).toContain('staff.create');
  });

  it('changes a role, unlocks, disables and re-enables; the last admin is kept with last_admin beside the control', async () => {
    const nora = 'nora.new@bank.example';
    for (let i = 0; i < 3; i++)
      expect(
        (await api(server, 'POST', '/api/auth/login', { body: { email: nora, password: 'a wrong password here' } }))
          .status,
      ).toBe(401);
    await page.reload();
    await row(nora).getByTestId('user-status').filter({ hasText: 'Locked' }).waitFor(WAIT);
    const panel = await manage(nora, 'Nora New');
    await panel.getByRole('button', { name: 'Unlock' }).click();
    await row(nora).getByTestId('user-status').filter({ hasText: 'Active' }).waitFor(WAIT);
    expect(await query(`SELECT locked_until FROM staff_users WHERE email = $1`, [nora])).toEqual([
      { locked_until: null },
    ]);

    await panel.getByLabel('Role').selectOption('auditor');
    await panel.getByRole('button', { name: 'Change role' }).click();
    await row(nora).getByTestId('user-role').filter({ hasText: 'Auditor' }).waitFor(WAIT);
    await panel.getByRole('button', { name: 'Disable account' }).click();
    await row(nora).getByTestId('user-status').filter({ hasText: 'Disabled' }).waitFor(WAIT);
    expect(
      (
        await api(server, 'POST', '/api/auth/login', {
          body: { email: nora, password: STAFF_PASSWORD, mode: 'bearer' },
        })
      ).status,
    ).toBe(401);
    await axeBothThemes(page, 'admin-users-manage');
    await panel.getByRole('button', { name: 'Enable account' }).click();
    await row(nora).getByTestId('user-status').filter({ hasText: 'Active' }).waitFor(WAIT);
    expect(
      (
        await api(server, 'POST', '/api/auth/login', {
          body: { email: nora, password: STAFF_PASSWORD, mode: 'bearer' },
        })
      ).status,
    ).toBe(200);

    await panel.getByRole('button', { name: 'Create reset link' }).click();
    const reset = panel.getByRole('region', { name: 'Password-reset link for Nora New' });
    await reset.waitFor(WAIT);
    const resetLink = await reset.getByLabel('Password-reset link').inputValue();
    const used = await api(server, 'POST', '/api/auth/password', {
      body: { token: new URL(resetLink).hash.replace(/^#token=/, ''), password: 'another long password' },
    });
    expect(used.status).toBe(200);

    await panel.getByLabel('Display name').fill(' ');
    await panel.getByRole('button', { name: 'Save name' }).click();
    await panel.locator('#manage-name-error').filter({ hasText: 'validation_failed' }).waitFor(WAIT);
    await panel.getByLabel('Display name').fill('Nora Newland');
    await panel.getByRole('button', { name: 'Save name' }).click();
    await row(nora).getByRole('cell', { name: 'Nora Newland', exact: true }).waitFor(WAIT);
    expect(await page.locator('#manage-name-error').count()).toBe(0);
    const audited = await query<{ action: string }>(
      `SELECT action FROM audit_events WHERE actor_id = $1 AND action LIKE 'staff.%' AND resource_id = (SELECT id::text FROM staff_users WHERE email = $2) ORDER BY seq`,
      [adminId, nora],
    );
    expect(audited.map((e) => e.action)).toEqual(
      expect.arrayContaining(['staff.unlock', 'staff.role_change', 'staff.disable', 'staff.enable', 'staff.rename']),
    );

    await page.getByRole('button', { name: 'Close' }).click();
    expect(await focused('aria-label')).toBe('Manage Nora Newland');
    const mine = await manage('ada@bank.example', 'Ada Admin');
    await mine.getByLabel('Role').selectOption('agent');
    await mine.getByRole('button', { name: 'Change role' }).click();
    await mine.locator('#manage-role-error').filter({ hasText: 'last_admin' }).waitFor(WAIT);
    await mine.getByRole('button', { name: 'Disable account' }).click();
    await mine.locator('#manage-disable-error').filter({ hasText: 'last_admin' }).waitFor(WAIT);
    expect(await mine.getByRole('button', { name: 'Disable account' }).getAttribute('aria-describedby')).toBe(
      'manage-disable-error',
    );
    await mine.locator('#manage-disable-error').scrollIntoViewIfNeeded();
    await axeBothThemes(page, 'admin-users-last-admin');
    expect(await query(`SELECT role, disabled_at FROM staff_users WHERE id = $1`, [adminId])).toEqual([
      { role: 'admin', disabled_at: null },
    ]);
  });

  it('creates an API key shown once, copies it from the screen, uses it on /v1, revokes it and /v1 answers 401', async () => {
    await screen('keys', 'API keys');
    await page.getByTestId('key-limits').waitFor(WAIT);
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('#key-name-error').filter({ hasText: 'validation_failed' }).waitFor(WAIT);

    // from the keyboard: Enter submits, the key has focus, Tab reaches its copy button
    await page.getByLabel('Name', { exact: true }).fill('crm-summary');
    await page.getByLabel('Name', { exact: true }).press('Enter');
    const shown = page.getByRole('region', { name: 'API key crm-summary' });
    await shown.waitFor(WAIT);
    expect(await shown.textContent()).toContain('shown only this once');
    await expect.poll(() => focused('id'), WAIT).toBe('new-key');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await shown.getByText('Copied to the clipboard.').waitFor(WAIT);
    const key = await clipboard();
    expect(key).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    const keyRow = page.locator('tr[data-key="crm-summary"]');
    await keyRow.waitFor(WAIT);
    expect(await keyRow.textContent()).toContain(key.slice(0, 12));
    expect(await keyRow.textContent()).not.toContain(key);
    await axeBothThemes(page, 'admin-keys-created');

    const answer = await fixture
      .client(key)
      .chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: QUESTION }] });
    expect(answer.choices[0]?.message.content).toBe(`You said: ${QUESTION}`);

    await shown.getByRole('button', { name: 'Done, hide it' }).click();
    await shown.waitFor({ state: 'detached' });
    await page.reload();
    await keyRow.waitFor(WAIT);
    // a use is the key's last use (to the minute)
    expect(await keyRow.locator('td').nth(4).textContent()).not.toBe('Never');
    await keyRow.getByRole('button', { name: 'Revoke key crm-summary' }).click();
    const confirm = keyRow.getByRole('group', { name: 'Confirm revoking key crm-summary' });
    await axeBothThemes(page, 'admin-keys-revoke');
    await confirm.getByRole('button', { name: 'Revoke for good' }).click();
    await keyRow.getByTestId('key-revoked').filter({ hasNotText: /^No$/ }).waitFor(WAIT);
    expect(await keyRow.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    await expect(
      fixture
        .client(key)
        .chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: QUESTION }] }),
    ).rejects.toMatchObject({ status: 401 });
    const audited = await query<{ action: string }>(
      `SELECT action FROM audit_events WHERE actor_id = $1 AND action LIKE 'api_key.%' ORDER BY seq`,
      [adminId],
    );
    expect(audited.map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('creates a canned response with a fill-in, refuses an unknown one beside the text, edits and deletes it', async () => {
    await screen('canned', 'Canned responses');
    const body = page.locator('#canned-body');
    await page.getByRole('button', { name: 'Create response' }).click();
    for (const field of ['shortcut', 'title', 'body'])
      await page.locator(`#canned-${field}-error`).filter({ hasText: 'validation_failed' }).waitFor(WAIT);
    await axeBothThemes(page, 'admin-canned-invalid');

    await page.locator('#canned-site').selectOption('retail');
    await page.locator('#canned-language').selectOption('en');
    await page.getByLabel('Shortcut').fill('greet');
    await page.getByLabel('Title').fill('Greeting');
    await body.fill('Hello, I am {account}.');
    await page.getByRole('button', { name: 'Create response' }).click();
    await page.locator('#canned-body-error').filter({ hasText: 'validation_failed' }).waitFor(WAIT);
    expect(await page.locator('#canned-shortcut-error').count()).toBe(0);

    await body.fill('Hello, I am ');
    await body.press('End');
    await page.getByRole('button', { name: 'Insert {agent_name}' }).click();
    await body.press('End');
    await page.keyboard.type(', how can I help?');
    expect(await body.inputValue()).toBe('Hello, I am {agent_name}, how can I help?');
    await page.getByRole('button', { name: 'Create response' }).click();
    const greet = page.locator('tr[data-canned="greet"]');
    await greet.waitFor(WAIT);
    expect(await greet.getByTestId('canned-body').textContent()).toBe('Hello, I am {agent_name}, how can I help?');

    await greet.getByRole('button', { name: 'Edit /greet' }).click();
    await page.getByRole('heading', { name: 'Edit /greet' }).waitFor(WAIT);
    expect(await page.getByLabel('Title').inputValue()).toBe('Greeting');
    await page.getByLabel('Title').fill('Warm greeting');
    await axeBothThemes(page, 'admin-canned-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await greet.getByText('Warm greeting').waitFor(WAIT);
    await page.getByRole('heading', { name: 'New canned response' }).waitFor(WAIT);
    expect(await query(`SELECT title, body FROM canned_responses WHERE shortcut = 'greet'`)).toEqual([
      { title: 'Warm greeting', body: 'Hello, I am {agent_name}, how can I help?' },
    ]);

    await page.locator('#canned-filter-language').selectOption('zh');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No canned responses match.').waitFor(WAIT);
    await page.locator('#canned-filter-language').selectOption('');
    await page.getByRole('button', { name: 'Show' }).click();
    await greet.waitFor(WAIT);

    await greet.getByRole('button', { name: 'Delete /greet' }).click();
    await greet
      .getByRole('group', { name: 'Confirm deleting /greet' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await greet.waitFor({ state: 'detached' });
    const [archived] = await query<{ archived_at: Date | null }>(
      `SELECT archived_at FROM canned_responses WHERE shortcut = 'greet'`,
    );
    expect(archived?.archived_at).toBeInstanceOf(Date);
    const audited = await query<{ action: string }>(
      `SELECT action FROM audit_events WHERE actor_id = $1 AND action LIKE 'canned_response.%' ORDER BY seq`,
      [adminId],
    );
    expect(audited.map((e) => e.action)).toEqual([
      'canned_response.created',
      'canned_response.updated',
      'canned_response.archived',
    ]);
  });

  it('shows every screen in Chinese without serious axe violations', async () => {
    await screen('users', 'Users');
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '用户' }).waitFor(WAIT);
    await page.locator('caption').filter({ hasText: '员工账户' }).waitFor(WAIT);
    await row('nora.new@bank.example').getByRole('button', { name: '管理 Nora Newland' }).click();
    await page.getByRole('button', { name: '停用账户' }).waitFor(WAIT);
    await axeBothThemes(page, 'admin-users-zh');
    for (const [path, heading] of [
      ['keys', 'API 密钥'],
      ['canned', '快捷回复'],
    ] as const) {
      await page.goto(`${server.url}/console/admin/${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor(WAIT);
      await page.locator('tbody tr').first().or(page.locator('.table-wrap p.muted')).waitFor(WAIT);
      await axeBothThemes(page, `admin-${path}-zh`);
    }
    await page.locator('.prefs').getByLabel('语言').selectOption('en');
  });
});
