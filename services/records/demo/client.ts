import { tokenFor } from '@uhr/platform/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { randomNonce, signAddRecord, type DomainInput } from '@uhr/contracts';
import { Wallet, type TypedDataField } from 'ethers';
import { chainIdOf } from '@uhr/platform';
import {
  CONTENT_SALT_BYTES,
  contentCommitmentOf,
  fhirBodyOf,
  pointerHashOf,
  sealedContentOf,
} from '../src/records/domain/on-chain.js';
import { signReadRequest, ZERO_BYTES32 } from '../src/gatekeeper/domain/read-request.js';

/**
 * A small client of the UHR HTTP APIs, used by the demo and the integration tests the way a portal or an EHR
 * would: bearer token on every call, EIP-712 messages signed locally with the party's own key.
 */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers?: Headers;
}

export async function call<T = any>(
  base: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The `sub` of a Keycloak access token (the login the identity is bound to). */
export function subjectOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string };
  return payload.sub;
}

export interface TypedData {
  domain: Record<string, unknown>;
  primaryType: string;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

export const signTyped = (wallet: Wallet, t: TypedData): Promise<string> =>
  wallet.signTypedData(t.domain, t.types, t.message);

export interface Party {
  username: string;
  token: string;
  subject: string;
  wallet: Wallet;
  identityId: string;
}

/** Enrols a party through the registrar's HTTP API (a registrar token) and waits until the chain holds it. */
export async function enrol(
  registrarUrl: string,
  registrarToken: string,
  p: { username: string; token: string; kind: 'patient' | 'provider' | 'third-party'; system: string },
  timeoutMs = 30_000,
): Promise<Party> {
  const wallet = Wallet.createRandom() as unknown as Wallet;
  const subject = subjectOf(p.token);
  const res = await call(registrarUrl, registrarToken, 'POST', '/identities', {
    kind: p.kind,
    identifier: { system: p.system, value: `UHR-${randomBytes(6).toString('hex').toUpperCase()}` },
    address: wallet.address,
    subject,
  });
  if (res.status !== 202) throw new Error(`registrar refused ${p.username}: ${res.status} ${JSON.stringify(res.body)}`);
  const id = (res.body as { id: string }).id;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await call(registrarUrl, registrarToken, 'GET', `/identities/${id}`);
    const status = (got.body as { chain?: { status: string } }).chain?.status;
    if (status === 'confirmed') break;
    if (status === 'rejected' || Date.now() > until)
      throw new Error(`identity of ${p.username} not anchored: ${JSON.stringify(got.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { username: p.username, token: p.token, subject, wallet, identityId: id };
}

/** Builds and signs a gatekeeper read request for `recordId`. */
export async function signedRead(
  wallet: Wallet,
  domain: { chainId: number; verifyingContract: string },
  recordId: string,
  purpose: string,
  opts: { grantId?: string; expiry?: number; nonce?: string } = {},
) {
  const request = {
    recordId: chainIdOf(recordId),
    purpose,
    grantId: opts.grantId ?? ZERO_BYTES32,
    nonce: opts.nonce ?? BigInt('0x' + randomBytes(16).toString('hex')).toString(),
    expiry: opts.expiry ?? Math.floor(Date.now() / 1000) + 60,
  };
  return { request, signature: await signReadRequest(wallet, domain, request) };
}

/** The story's cast (a patient, a hospital, a pharmacy) with fresh keys, enrolled through the running registrar. */
export async function enrolStoryParties(
  registrarUrl: string,
): Promise<{ patient: Party; hospital: Party; pharmacy: Party }> {
  const registrar = await tokenFor('registrar-1');
  const as = async (username: string, kind: 'patient' | 'provider' | 'third-party', system: string) =>
    enrol(registrarUrl, registrar, { username, token: await tokenFor(username), kind, system });
  const [patient, hospital, pharmacy] = await Promise.all([
    as('patient-alice', 'patient', 'national-id'),
    as('provider-hospital', 'provider', 'organisation-id'),
    as('pharmacist-1', 'third-party', 'pharmacy-licence'),
  ]);
  return { patient, hospital, pharmacy };
}

/** Polls until `check` returns a value, or throws after the deadline. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RecordLabels {
  category?: string;
  title?: string;
}

/**
 * The body of a signed upload (ADR 0012): the client picks the record id and salt, hashes the body as the service
 * will store it — keccak256(salt ‖ RFC 8785 JSON of the resource) — and signs its AddRecord before sending.
 */
export async function presignedUpload(
  domain: DomainInput,
  author: Party,
  patient: Party,
  fhir: Record<string, unknown>,
  { category = 'laboratory', title = 'Lab report' }: RecordLabels = {},
) {
  const recordId = randomUUID();
  const salt = randomBytes(CONTENT_SALT_BYTES);
  const contentHash = contentCommitmentOf(sealedContentOf(salt, fhirBodyOf(fhir)));
  const pointer = { scheme: 2, blobKey: '', category, contentType: 'application/fhir+json', kind: 'fhir' } as const;
  const message = {
    providerId: chainIdOf(author.identityId),
    patientId: chainIdOf(patient.identityId),
    recordId: chainIdOf(recordId),
    contentHash,
    pointerHash: pointerHashOf({ ...pointer, resourceType: String(fhir.resourceType) }),
    nonce: randomNonce(),
    deadline: BigInt(Math.floor(Date.now() / 1000) + 3600),
  };
  const signature = await signAddRecord(author.wallet, domain, message);
  return {
    patientId: patient.identityId,
    providerId: author.identityId,
    category,
    title,
    fhir,
    recordId,
    salt: '0x' + salt.toString('hex'),
    anchor: { nonce: message.nonce.toString(), deadline: message.deadline.toString(), signature },
  };
}

/** One signed upload (202), then waited for until its Merkle batch is mined (`pending`). */
export async function addRecord(
  recordsUrl: string,
  domain: DomainInput,
  author: Party,
  patient: Party,
  fhir: Record<string, unknown>,
  labels: RecordLabels = {},
) {
  const body = await presignedUpload(domain, author, patient, fhir, labels);
  const up = await call(recordsUrl, author.token, 'POST', '/records', body);
  if (up.status !== 202) throw new Error(`upload refused: ${up.status} ${JSON.stringify(up.body)}`);
  const { record } = up.body;
  return until('record anchored', async () => {
    const r = (await call(recordsUrl, author.token, 'GET', `/records/${record.id}`)).body;
    if (r.status === 'anchor-rejected') throw new Error(`anchor rejected: ${r.chain.error}`);
    return r.status === 'pending' ? r : undefined;
  });
}

/** The patient accepts (or rejects) a record with a signed RespondToRecords (a list of one). */
export async function answerRecord(recordsUrl: string, patient: Party, recordId: string, accept = true) {
  const t = (await call(recordsUrl, patient.token, 'GET', `/records/${recordId}/response-request?accept=${accept}`))
    .body;
  const r = await call(recordsUrl, patient.token, 'POST', `/records/${recordId}/response`, {
    accept,
    nonce: t.message.nonce,
    deadline: t.message.deadline,
    signature: await signTyped(patient.wallet, t),
  });
  if (r.status !== 202) throw new Error(`response refused: ${r.status} ${JSON.stringify(r.body)}`);
  const want = accept ? 'accepted' : 'rejected';
  return until(`record ${want}`, async () => {
    const got = (await call(recordsUrl, patient.token, 'GET', `/records/${recordId}`)).body;
    return got.status === want ? got : undefined;
  });
}

/** The patient signs a grant through the consent service; resolves once the Consent contract holds it. */
export async function issueGrant(
  consentUrl: string,
  patient: Party,
  grantee: Party,
  terms: { recordIds?: string[]; categories?: string[]; purpose: string; maxUses?: number; seconds?: number },
) {
  const now = Math.floor(Date.now() / 1000);
  const body = {
    patientId: patient.identityId,
    granteeId: grantee.identityId,
    recordIds: terms.recordIds ?? [],
    categories: terms.categories ?? [],
    purpose: terms.purpose,
    validFrom: now - 5,
    validUntil: now + (terms.seconds ?? 3600),
    maxUses: terms.maxUses ?? 0,
  };
  const prep = await call(consentUrl, patient.token, 'POST', '/grants/prepare', body);
  if (prep.status !== 200) throw new Error(`grant prepare refused: ${prep.status} ${JSON.stringify(prep.body)}`);
  const res = await call(consentUrl, patient.token, 'POST', '/grants', {
    ...body,
    grantId: prep.body.grantId,
    nonce: prep.body.nonce,
    deadline: prep.body.deadline,
    signature: await signTyped(patient.wallet, prep.body.toSign),
  });
  if (res.status !== 202) throw new Error(`grant refused: ${res.status} ${JSON.stringify(res.body)}`);
  return until('grant active', async () => {
    const g = (await call(consentUrl, patient.token, 'GET', `/grants/${prep.body.grantId}`)).body;
    if (g.status === 'rejected') throw new Error(`grant rejected: ${g.chain.error}`);
    return g.status === 'active' ? g : undefined;
  });
}
