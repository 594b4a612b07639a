// The console's sign-in steps beyond the password, in real Chromium: an admin (a role that
// requires a second factor) enrols with the QR code's secret and a saved recovery code set, signs
// in again with a code from the app and then with a recovery code; a person invited by an admin
// sets their own password through the one-time link and signs in with it. axe-core on each screen.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../server/auth/mfa/totp.ts';
import { auditEvents } from '../support/audit.ts';
import { browserAvailable, launchBrowser } from '../support/browser.ts';
import { axeBothThemes, ensureConsoleBuilt, STAFF_PASSWORD } from '../support/consolePage.ts';
import { issuePasswordLink } from '../../server/staff/passwordLinks.ts';
import { seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { watchErrors } from '../support/widgetPage.ts';

const NEW_PASSWORD = 'my own long passphrase';

describe.runIf(browserAvailable)('console sign-in steps (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  let adminId = '';
  beforeAll(async () => {
    ensureConsoleBuilt();
    server = await startTestServer({ MFA_REQUIRED_ROLES: 'admin' });
    adminId = await seedStaff(server, {
      email: 'mfa.admin@bank.example',
      password: STAFF_PASSWORD,
      role: 'admin',
      displayName: 'Mira Admin',
    });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const passwordStep = async (page: Page, email: string, password = STAFF_PASSWORD) => {
    await page.goto(`${server.url}/console`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  };

  it('an admin enrols a second factor at first sign-in, then signs in with a code and with a recovery code', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await passwordStep(page, 'mfa.admin@bank.example');
    await page.getByRole('heading', { name: 'Set up your second factor' }).waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await axeBothThemes(page, 'mfa-enrol');
    const secret = (await page.locator('code.secret').textContent())!.trim();
    const recovery = await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allTextContents();
    expect(recovery).toHaveLength(10);
    // the confirm button waits for the saved-codes checkbox
    expect(await page.getByRole('button', { name: 'Confirm and sign in' }).isDisabled()).toBe(true);
    await page.getByLabel('I have saved the recovery codes').check();
    await page.getByLabel('6-digit code').fill(totp(base32Decode(secret), new Date()));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 20_000 });
    await signOut(page);

    // again, with the app's next code (the one used above cannot be used twice)
    await passwordStep(page, 'mfa.admin@bank.example');
    await page.getByRole('heading', { name: 'Second step: your code' }).waitFor();
    await axeBothThemes(page, 'mfa-verify');
    await page.getByLabel('6-digit code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'mfa_code_invalid' }).waitFor();
    await page.getByLabel('6-digit code').fill(totp(base32Decode(secret), new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 20_000 });
    await signOut(page);

    await passwordStep(page, 'mfa.admin@bank.example');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recovery[3]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 20_000 });
    expect(errors.filter((e) => !/401|mfa_code_invalid/.test(e))).toEqual([]);
    const actions = (await auditEvents(server, `actor_id = $1 AND action LIKE 'mfa.%'`, [adminId])).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['mfa.enrol', 'mfa.recovery_used']));
    await context.close();
  });

  it('an invited person sets their own password through the link, which then no longer works', async () => {
    // the invitation as POST /api/users makes it (the admin's API use is tested in staff-password-links)
    const agentId = await seedStaff(server, {
      email: 'invited.agent@bank.example',
      password: `unknown-${Date.now()}-password`,
      role: 'agent',
      displayName: 'Ivo Invited',
    });
    const { link } = await server.deps.db.dataSource.transaction((tx) =>
      issuePasswordLink({
        tx,
        actor: { type: 'staff', id: adminId },
        userId: agentId,
        purpose: 'invite',
        now: new Date(),
        ttlSeconds: 3600,
        publicUrl: server.url,
      }),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Set your password' }).waitFor();
    // the token leaves the address bar once read
    expect(page.url()).toBe(`${server.url}/console/password`);
    await axeBothThemes(page, 'password-link');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill('something else entirely');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('alert').filter({ hasText: 'The two passwords differ.' }).waitFor();
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('heading', { name: 'Your password is set' }).waitFor();
    await page.getByRole('button', { name: 'Go to sign-in' }).click();
    await passwordStep(page, 'invited.agent@bank.example', NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Welcome, Ivo Invited' }).waitFor({ timeout: 20_000 });
    // the same link again is refused with its id
    const again = await context.newPage();
    await again.goto(link);
    await again.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await again.getByLabel('New password again').fill(NEW_PASSWORD);
    await again.getByRole('button', { name: 'Set password' }).click();
    await again.getByRole('alert').filter({ hasText: 'invalid_password_link' }).waitFor();
    await context.close();
  });
});
