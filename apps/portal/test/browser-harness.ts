import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { expect } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { loadStackEnv, tokenFor } from '@uhr/platform/testing';
import { call, until, type Party } from '../../../services/records/demo/client.js';
import { freshCode, subjectOfUser } from './keycloak-admin';

/**
 * The portal in a real browser: Debian's chromium (installed with apt by apps/portal/scripts/ensure-chromium.sh,
 * never a downloaded build) driven by playwright-core, against the running platform and its Keycloak.
 */
export const env = (): Record<string, string> => loadStackEnv() as Record<string, string>;

// The tests' own portal server (the uhr-portal client's redirect URIs name this port; stack.sh's is on 3010).
// Step-up is off by default here (UHR_PORTAL_STEP_UP_SECONDS=3600) so that one sign-in carries the whole story;
// UHR_PORTAL_STEP_UP_SECONDS=5 sends the first share through the step-up window (it passes).
const PORT = 3011;
export const portalUrl = `http://127.0.0.1:${PORT}`;

let server: Server | undefined;

/** Starts the portal's server here, from the built app (`npm run build`). */
export async function startPortal(): Promise<void> {
  Object.assign(process.env, env(), { UHR_PORTAL_STEP_UP_SECONDS: process.env.UHR_PORTAL_STEP_UP_SECONDS ?? '3600' });
  const dist = fileURLToPath(new URL('../dist/index.html', import.meta.url));
  readFileSync(dist); // built by `npm run build` (a clear error if not)
  const { portalServer } = (await import('../server/server.mjs')) as { portalServer: () => Server };
  server = portalServer();
  await new Promise<void>((resolve) => server!.listen(PORT, '127.0.0.1', resolve));
}

export async function stopPortal(): Promise<void> {
  if (server) await new Promise((r) => server!.close(r));
}

export async function launch(): Promise<Browser> {
  const script = fileURLToPath(new URL('../scripts/ensure-chromium.sh', import.meta.url));
  const executablePath = execFileSync('bash', [script], { encoding: 'utf8' }).trim();
  return chromium.launch({ executablePath, headless: true, args: ['--disable-gpu', '--disable-quic'] });
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  // A refused API call is part of the story at times; printed, it also explains a failure.
  page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400)
      console.warn(`${r.request().method()} ${r.url()} → ${r.status()}`);
  });
  page.on('pageerror', (e) => console.warn(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'warning') console.warn(`page: ${m.text()}`);
  });
  return { context, page };
}

/** Serious and critical axe-core violations on the page as it is now (WCAG 2.2 A/AA rules). */
export async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect({ url: page.url(), violations: bad }).toEqual({ url: page.url(), violations: [] });
  expect(await page.locator('h1').count()).toBe(1);
}

/** A test user's authenticator: its secret once enrolled (read off Keycloak's set-up page). */
export interface Authenticator {
  secret?: string;
}

/**
 * Answers Keycloak's pages until it sends the browser back: password, authenticator set-up (the secret read
 * from the page's "Unable to scan?" text, the code computed here), authenticator code.
 */
export async function answerKeycloak(page: Page, username: string, auth: Authenticator = {}): Promise<void> {
  for (let i = 0; i < 6; i++) {
    await page.waitForLoadState();
    if (page.isClosed() || page.url().startsWith(portalUrl)) return;
    const form = page.locator('#kc-totp-settings-form, #kc-otp-login-form, #kc-form-login').first();
    await form.waitFor({ timeout: 15_000 }).catch(() => undefined);
    if (page.isClosed() || page.url().startsWith(portalUrl)) return;
    if (await page.locator('#kc-totp-settings-form').count()) {
      await page.locator('a#mode-manual, [href*="mode=manual"]').first().click();
      auth.secret = (await page.locator('#kc-totp-secret-key').innerText()).replace(/\s/g, '');
      await page.fill('#totp', await freshCode(auth.secret));
      await page.locator('#saveTOTPBtn').first().click();
    } else if (await page.locator('#kc-otp-login-form').count()) {
      if (!auth.secret) throw new Error(`Keycloak asks ${username} for a code but the test has no secret`);
      await page.fill('#otp', await freshCode(auth.secret));
      await page.click('#kc-login');
    } else {
      if (
        await page
          .locator('#username')
          .isEditable()
          .catch(() => false)
      )
        await page.fill('#username', username);
      await page.fill('#password', `${username}-pass`);
      await page.click('#kc-login');
    }
  }
}

/** Signs in through Keycloak's own login page. */
export async function signIn(page: Page, username: string, auth: Authenticator = {}): Promise<void> {
  await page.goto(portalUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/realms\/uhr\/protocol\/openid-connect\/auth/);
  await answerKeycloak(page, username, auth);
  await page.waitForURL(`${portalUrl}/**`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Runs an action that asks for a fresh sign-in (step-up) in a small window, and answers it there. */
export async function withStepUp(page: Page, username: string, auth: Authenticator, action: () => Promise<void>) {
  const popup = page
    .context()
    .waitForEvent('page', { timeout: 8_000 })
    .catch(() => null);
  await action();
  const window = await popup;
  if (!window) return; // the sign-in was recent enough: no step-up asked
  await answerKeycloak(window, username, auth);
  if (!window.isClosed()) await window.waitForEvent('close', { timeout: 20_000 });
}

/** Makes a key in the browser (My key), returning its address as the page shows it. */
export async function makeKey(page: Page, passphrase: string): Promise<string> {
  await page.getByRole('link', { name: 'My key', exact: true }).click();
  await page.getByLabel('Choose a passphrase').fill(passphrase);
  await page.getByLabel('Type the passphrase again').fill(passphrase);
  await page.getByRole('button', { name: 'Make my key' }).click();
  await page.getByText('Your key is ready').waitFor();
  return (await page.locator('dd.mono').first().innerText()).trim();
}

/**
 * A registrar binds the browser-made address to the user's login, and the chain holds it. The test users keep
 * one identity (a fixed identifier): a later run's new key is a rebind, the registrar's key-loss recovery.
 */
export async function bindIdentity(
  username: string,
  address: string,
  kind: 'patient' | 'provider' | 'third-party',
  listedAs?: { displayName: string; system: string },
): Promise<{ identityId: string; subject: string }> {
  const registrar = await tokenFor('registrar-1');
  const reg = env().UHR_REGISTRAR_URL!;
  const subject = await subjectOfUser(username);
  const identifier = {
    system: listedAs?.system ?? (kind === 'patient' ? 'national-id' : 'organisation-id'),
    // A listed organisation is registered anew each run (its public name is set at registration; the one of an
    // earlier run on a reused stack is retired first), so the directory lists this run's.
    value: listedAs ? `PORTAL-TEST-${Date.now().toString(36)}` : `PORTAL-TEST-${username}`,
  };
  if (listedAs) await retireOwnIdentity(reg, registrar, username);
  const found = await call(reg, registrar, 'POST', '/identities/search', { identifier });
  let identityId: string;
  if (listedAs) {
    const body = { kind, identifier, address, subject, displayName: listedAs.displayName };
    const res = await call(reg, registrar, 'POST', '/identities', body);
    if (res.status !== 202) throw new Error(`registrar refused ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    identityId = (res.body as { id: string }).id;
  } else if (found.status === 200) {
    identityId = (found.body as { id: string }).id;
    const res = await call(reg, registrar, 'POST', `/identities/${identityId}/rebind`, {
      newAddress: address,
      reason: 'new key made in the portal',
    });
    if (res.status !== 202)
      throw new Error(`registrar refused to rebind ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  } else {
    const res = await call(reg, registrar, 'POST', '/identities', { kind, identifier, address, subject });
    if (res.status !== 202) throw new Error(`registrar refused ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    identityId = (res.body as { id: string }).id;
  }
  await until(
    'identity anchored',
    async () => {
      const got = (await call(reg, registrar, 'GET', `/identities/${identityId}`)).body as {
        address: string;
        chain?: { status: string };
      };
      return got.address.toLowerCase() === address.toLowerCase() && got.chain?.status === 'confirmed';
    },
    60_000,
  );
  return { identityId, subject };
}

/** The user's active identity, if any, retired (a reused stack keeps the one an earlier run made). */
async function retireOwnIdentity(reg: string, registrar: string, username: string): Promise<void> {
  const mine = await call(reg, await tokenFor(username), 'GET', '/identities/me');
  const me = mine.body as { id?: string; status?: string };
  if (mine.status !== 200 || me.status !== 'active') return;
  const res = await call(reg, registrar, 'POST', `/identities/${me.id}/retire`, { reason: 'a new portal test run' });
  if (res.status !== 202 && res.status !== 200) throw new Error(`could not retire ${username}: ${res.status}`);
}

export type { Party };
