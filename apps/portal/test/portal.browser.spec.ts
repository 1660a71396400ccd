import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Client } from 'minio';
import pg from 'pg';
import { parseBlobRef } from '@uhr/platform';
import { tokenFor } from '@uhr/platform/testing';
import { addRecord, call, enrol, type Party } from '../../../services/records/demo/client.js';
import {
  bindIdentity,
  env,
  expectAccessible,
  launch,
  makeKey,
  newPage,
  portalUrl,
  signIn,
  startPortal,
  stopPortal,
  withStepUp,
  type Authenticator,
} from './browser-harness';
import { resetAuthenticator } from './keycloak-admin';

// The paper's story played in a browser: a hospital adds a record, the patient sees it arrive, accepts it, shares
// it once with a pharmacy; the pharmacy reads it once and is refused the second time; the patient sees both in
// "Who has looked", and stops a share. Every page passes axe-core (no serious or critical violation).
const SHOTS = fileURLToPath(new URL('../../../docs/portal/', import.meta.url));
const PASSPHRASE = 'blue kettle morning river';
let browser: Browser;
let patientPage: Page;
let pharmacyPage: Page;
let hospital: Party;
let patientIdentity: string;
let pharmacyCode: string;
let domain: { chainId: number; verifyingContract: string };
const authenticator: Authenticator = {};
const PATIENT = 'patient-portal-1';
const title = `Blood test ${Date.now().toString(36)}`;
const PHARMACY_NAME = `Harbour Street Pharmacy ${Date.now().toString(36)}`;
const shot = (page: Page, name: string) =>
  process.env.UHR_PORTAL_SCREENSHOTS ? page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true }) : undefined;

async function hospitalAdds(recordTitle: string) {
  return addRecord(
    env().UHR_RECORDS_URL!,
    domain,
    hospital,
    { identityId: patientIdentity } as Party,
    {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Haemoglobin', coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Haemoglobin' }] },
      subject: { reference: `Patient/${patientIdentity}` },
      performer: [{ display: 'St Mary Hospital laboratory' }],
      valueQuantity: { value: 13.2, unit: 'g/dL' },
    },
    { category: 'laboratory', title: recordTitle },
  );
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Flips one byte of the record's stored frame directly in S3 (an intruder past the service). */
async function tamperWith(recordId: string) {
  const e = env();
  const db = new pg.Client({ connectionString: e.UHR_PG_URL!.replace(/\/[^/]*$/, '/uhr_records') });
  await db.connect();
  const { rows } = await db.query('select blob_key from records where id = $1', [recordId]);
  await db.end();
  const { objectKey, range } = parseBlobRef(rows[0].blob_key);
  const url = new URL(e.UHR_S3_ENDPOINT!);
  const s3 = new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: e.UHR_S3_ACCESS_KEY!,
    secretKey: e.UHR_S3_SECRET_KEY!,
  });
  const bucket = e.UHR_RECORDS_BUCKET ?? 'uhr-records';
  const chunks: Buffer[] = [];
  for await (const c of await s3.getObject(bucket, objectKey)) chunks.push(c as Buffer);
  const object = Buffer.concat(chunks);
  const at = range ? range.offset + range.length - 1 : object.length - 1;
  object[at] ^= 0x01;
  await s3.putObject(bucket, objectKey, object);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await startPortal();
  await resetAuthenticator(PATIENT); // so this run enrols a new authenticator at sign-in
  browser = await launch();
  const signing = (await call(env().UHR_RECORDS_URL!, null, 'GET', '/signing')).body;
  domain = {
    chainId: Number(signing.domains.relationships.chainId),
    verifyingContract: signing.domains.relationships.verifyingContract,
  };
  hospital = await enrol(env().UHR_REGISTRAR_URL!, await tokenFor('registrar-1'), {
    username: 'hospital-portal-1',
    token: await tokenFor('hospital-portal-1'),
    kind: 'provider',
    system: 'organisation-id',
  });
  expect(hospital.identityId).toMatch(/^[0-9a-f-]{36}$/);
});

afterAll(async () => {
  await browser?.close();
  await stopPortal();
});

describe('the patient portal in a browser', () => {
  it('signs the patient in (code + PKCE), enrolling an authenticator; makes their key in the browser; a registrar binds it', async () => {
    ({ page: patientPage } = await newPage(browser));
    await patientPage.goto(portalUrl);
    await expectAccessible(patientPage);
    await shot(patientPage, 'sign-in');
    await signIn(patientPage, PATIENT, authenticator);
    expect(authenticator.secret).toMatch(/^[A-Z2-7]{16,}$/);
    await patientPage.getByRole('heading', { name: 'My records' }).waitFor();
    await expect(patientPage.title()).resolves.toBe('My records – Your health records');
    const address = await makeKey(patientPage, PASSPHRASE);
    expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    patientIdentity = (await bindIdentity(PATIENT, address, 'patient')).identityId;
    await patientPage.reload();
    await patientPage.getByText('Linked to you').waitFor();
    await expectAccessible(patientPage);
    // A reload forgets the unlocked key (memory only): a wrong passphrase does not open it, the right one does.
    await patientPage.getByLabel('Passphrase', { exact: true }).fill('not my passphrase');
    await patientPage.getByRole('button', { name: 'Unlock' }).click();
    await patientPage.getByRole('link', { name: 'That passphrase is not right. Try again.' }).waitFor();
    await expectAccessible(patientPage);
    await patientPage.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await patientPage.getByRole('button', { name: 'Unlock' }).click();
    await patientPage.getByText('Your key is unlocked for this visit.').waitFor();
    await shot(patientPage, 'my-key');
  });

  it('shows a record the hospital adds, waiting for review, and the patient accepts it (signed in the browser)', async () => {
    await hospitalAdds(title);
    await patientPage.getByRole('link', { name: 'My records', exact: true }).click();
    const row = patientPage.getByRole('row', { name: new RegExp(title) });
    await row.getByText('Waiting for your review').waitFor();
    await expectAccessible(patientPage);
    await shot(patientPage, 'my-records');
    await row.getByRole('link', { name: title }).click();
    await patientPage.getByTestId('verification').getByText('Verified').waitFor();
    await expect(patientPage.getByText('St Mary Hospital laboratory')).toBeTruthy();
    await patientPage.getByRole('button', { name: 'Yes, add it to my record' }).click();
    await expectAccessible(patientPage);
    await patientPage.getByRole('dialog').getByRole('button', { name: 'Yes, add it' }).click();
    await patientPage.getByText('In your record').waitFor({ timeout: 60_000 });
    const download = patientPage.waitForEvent('download');
    await patientPage.getByRole('button', { name: 'Download this record' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^blood-test-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.json$/);
    await expectAccessible(patientPage);
    await shot(patientPage, 'record');
  });

  it('the pharmacy signs in, makes its key and gets its sharing code', async () => {
    ({ page: pharmacyPage } = await newPage(browser));
    await signIn(pharmacyPage, 'pharmacist-portal-1');
    await makeKey(pharmacyPage, 'pharmacy passphrase 42');
    const address = (await pharmacyPage.locator('dd.mono').first().innerText()).trim();
    pharmacyCode = (
      await bindIdentity('pharmacist-portal-1', address, 'third-party', {
        displayName: PHARMACY_NAME,
        system: 'pharmacy-licence',
      })
    ).identityId;
    await pharmacyPage.reload();
    await pharmacyPage.getByRole('link', { name: 'Shared with me' }).click();
    await pharmacyPage.getByTestId('sharing-code').getByText(pharmacyCode).waitFor();
    await expectAccessible(pharmacyPage);
  });

  it('the patient shares the record once with the pharmacy: who, what, why, how long, check, confirmation', async () => {
    const p = patientPage;
    await p.getByRole('link', { name: 'Share', exact: true }).click();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('link', { name: /Choose who from the search/ }).waitFor(); // an empty answer: error summary
    await expectAccessible(p);
    // Found by name (the registrar's directory), not by a code read out at the counter.
    await p.getByLabel('Search by name').fill('harbour street');
    await p.getByRole('button', { name: 'Search', exact: true }).click();
    await p.getByLabel(`${PHARMACY_NAME} (Pharmacy)`).check();
    await expectAccessible(p);
    await shot(p, 'share-who');
    expect(await p.getByLabel('Or their sharing code').inputValue()).toBe(pharmacyCode);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByLabel(new RegExp(title)).check();
    await expectAccessible(p);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByLabel('To give me medicines').check();
    await expectAccessible(p);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByLabel(/Once only/).check();
    await expectAccessible(p);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('heading', { name: 'Check your answers' }).waitFor();
    await p.getByText(`${PHARMACY_NAME} (Pharmacy)`).waitFor();
    await expectAccessible(p);
    await shot(p, 'share-check');
    await withStepUp(p, PATIENT, authenticator, () => p.getByRole('button', { name: 'Share once' }).click());
    const outcome = p.getByRole('heading', { name: 'You are sharing your records' }).or(p.getByText(/did not work/));
    await outcome.waitFor({ timeout: 60_000 }).catch(async (e) => {
      console.warn(`share page: ${p.url()} ${(await p.locator('body').innerText()).slice(0, 1500)}`);
      throw e;
    });
    expect(await outcome.innerText()).toBe('You are sharing your records');
    await expectAccessible(p);
  });

  it('the pharmacy reads it once (signed in its browser) and is refused the second time', async () => {
    const p = pharmacyPage;
    await p.reload();
    await p.getByRole('link', { name: 'My key', exact: true }).click();
    await p.getByLabel('Passphrase', { exact: true }).fill('pharmacy passphrase 42');
    await p.getByRole('button', { name: 'Unlock' }).click();
    await p.getByText('Your key is unlocked for this visit.').waitFor();
    await p.getByRole('link', { name: 'Shared with me' }).click();
    // Newest first: this run's one-look share (a reused stack also lists earlier runs' shares).
    const share = p.locator('section', { hasText: 'one look only' }).first();
    await share.getByRole('button', { name: 'Open the record' }).click();
    await p.getByText('Haemoglobin').first().waitFor({ timeout: 60_000 });
    await expectAccessible(p);
    await shot(p, 'provider-view');
    await share.getByRole('button', { name: 'Open the record' }).click();
    await p.getByText('You have already opened this once').waitFor({ timeout: 60_000 });
  });

  it('the patient sees both in "Who has looked at my records" (who, in what role) and reports a concern about the allowed one', async () => {
    const p = patientPage;
    await p.getByRole('link', { name: 'Who has looked' }).click();
    const rows = p.getByRole('row').filter({ hasText: title });
    await rows.filter({ hasText: 'Refused' }).first().waitFor({ timeout: 30_000 });
    const allowed = rows.filter({ hasText: 'Allowed' }).filter({ hasText: 'pharmacist-portal-1' }).first();
    await allowed.getByRole('cell', { name: 'Pharmacist', exact: true }).waitFor();
    await expectAccessible(p);
    await shot(p, 'access-log');
    // A concern is sent to the auditors, not only thanked for: the auditors' list holds it afterwards.
    await allowed.getByRole('button', { name: /Report a concern/ }).click();
    await p.getByLabel('What worries you about it? (optional)').fill('I do not know this pharmacy.');
    await expectAccessible(p);
    await p.getByRole('button', { name: 'Send to the auditors' }).click();
    await p.getByText(/Your concern about the access by pharmacist-portal-1 .* was sent to the auditors/).waitFor();
    await allowed.getByText(/Concern reported on/).waitFor();
    const concerns = await call(env().UHR_RECORDS_URL!, await tokenFor('auditor-1'), 'GET', '/access-concerns');
    expect(concerns.body).toContainEqual(expect.objectContaining({ message: 'I do not know this pharmacy.' }));
    await p.getByRole('link', { name: 'Who can see my records' }).click();
    await p
      .getByText(/Once – used on/)
      .first()
      .waitFor(); // newest first
  });

  it('a record whose stored bytes were changed is shown as not verified, and nothing of it is shown', async () => {
    const scan = `Scan ${Date.now().toString(36)}`;
    const tampered = await hospitalAdds(scan);
    await tamperWith(tampered.id);
    await patientPage.getByRole('link', { name: 'My records', exact: true }).click();
    await patientPage.getByRole('link', { name: scan }).click();
    await patientPage.getByTestId('verification').getByText('Not verified').waitFor({ timeout: 30_000 });
    await patientPage.getByText('failed its safety check').waitFor();
    expect(await patientPage.getByRole('heading', { name: 'What it says' }).count()).toBe(0);
    await expectAccessible(patientPage);
  });

  it('shares by keyboard alone until a date, then stops that share; sign-out leaves nothing for Back', async () => {
    const p = patientPage;
    await p.goto(`${portalUrl}/share`);
    await p.getByRole('link', { name: 'My key', exact: true }).waitFor();
    // (a full page load forgot the key: unlock it by keyboard)
    await p.getByRole('link', { name: 'My key', exact: true }).focus();
    await p.keyboard.press('Enter');
    await p.getByLabel('Passphrase', { exact: true }).focus();
    await p.keyboard.type(PASSPHRASE);
    await p.keyboard.press('Enter');
    await p.getByText('Your key is unlocked for this visit.').waitFor();
    await p.getByRole('link', { name: 'Share', exact: true }).focus();
    await p.keyboard.press('Enter');
    await p.getByLabel('Or their sharing code').focus();
    await p.keyboard.type(pharmacyCode);
    await p.keyboard.press('Enter');
    await p.getByLabel('All my records of some kinds, including new ones').focus();
    await p.keyboard.press('Space');
    await p.getByLabel('Test results').focus();
    await p.keyboard.press('Space');
    await p.keyboard.press('Enter');
    await p.getByLabel('To treat me').focus();
    await p.keyboard.press('Space');
    await p.keyboard.press('Enter');
    await p.getByLabel('Until a date I choose').focus();
    await p.keyboard.press('Space');
    const until = new Date(Date.now() + 10 * 86400_000);
    await p.getByLabel('Last day they can see it').focus();
    await p.keyboard.type(
      `${String(until.getDate()).padStart(2, '0')}${String(until.getMonth() + 1).padStart(2, '0')}${until.getFullYear()}`,
    );
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Check your answers' }).waitFor();
    await p.getByRole('button', { name: /^Share until / }).focus();
    await withStepUp(p, PATIENT, authenticator, () => p.keyboard.press('Enter'));
    await p.getByRole('heading', { name: 'You are sharing your records' }).waitFor({ timeout: 60_000 });

    await p.getByRole('link', { name: 'Who can see my records' }).first().click();
    const live = p.getByRole('table', { name: 'Sharing now' });
    await live.getByText(/Active until/).waitFor();
    await expectAccessible(p);
    await shot(p, 'who-can-see');
    await live
      .getByRole('button', { name: /Stop sharing/ })
      .first()
      .click();
    const dialog = p.getByRole('dialog');
    await dialog.getByText(/They will no longer be able to see: Test results/).waitFor();
    await expectAccessible(p);
    await withStepUp(p, PATIENT, authenticator, () => dialog.getByRole('button', { name: 'Stop sharing' }).click());
    await p.getByText(/You have stopped sharing with/).waitFor({ timeout: 60_000 });
    await p.getByRole('table', { name: 'Finished' }).getByText('Stopped').first().waitFor();

    await p.getByRole('link', { name: 'Download my data' }).click();
    const download = p.waitForEvent('download');
    await withStepUp(p, PATIENT, authenticator, () => p.getByRole('button', { name: 'Download my data' }).click());
    const bundle = JSON.parse(await streamText(await (await download).createReadStream()));
    const types = new Set(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType));
    expect(bundle.resourceType).toBe('Bundle');
    expect([...types].sort()).toEqual(expect.arrayContaining(['AuditEvent', 'Consent', 'Observation', 'Patient']));
    await expectAccessible(p);
    for (const path of ['/notifications', '/requests']) {
      await p.goto(`${portalUrl}${path}`);
      await p.getByRole('button', { name: 'Sign out' }).waitFor();
      await expectAccessible(p);
    }
    await shot(p, 'messages');
    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.getByRole('heading', { name: 'You have signed out' }).waitFor();
    expect(await p.evaluate(() => sessionStorage.length)).toBe(0);
    await p.goBack();
    await p.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await p.getByText(title).count()).toBe(0);
  });

  it('signs in again with the password and an authenticator code computed here', async () => {
    const { page } = await newPage(browser);
    await signIn(page, PATIENT, authenticator);
    await page.getByRole('heading', { name: 'My records' }).waitFor();
  });
});
