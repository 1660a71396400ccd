import { describe, expect, it } from '@jest/globals';
import { Wallet, verifyTypedData } from 'ethers';
import {
  checkRequest,
  decidePermission,
  type PermissionFacts,
  type RequestFacts,
} from '../../../src/gatekeeper/domain/access-decision.js';
import { gatekeeperDomain, READ_REQUEST_TYPES, signReadRequest } from '../../../src/gatekeeper/domain/read-request.js';

const NOW = 1_800_000_000;
const PATIENT = '0x' + '01'.repeat(32);
const AUTHOR = '0x' + '02'.repeat(32);
const OTHER = '0x' + '03'.repeat(32);
const RECORD = '0x' + 'aa'.repeat(32);

/** A request that passes every pre-chain check; tests override one fact at a time. */
const aRequest = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  now: NOW,
  maxTtlSeconds: 300,
  roles: ['pharmacist'],
  tokenSubject: 'sub-1',
  urlRecordChainId: RECORD,
  request: { recordId: RECORD, expiry: NOW + 60 },
  signer: { subject: 'sub-1', status: 'active' },
  signatureRecovered: true,
  ...over,
});

const aGrant = (over: Partial<NonNullable<PermissionFacts['grant']>> = {}) => ({
  grantId: '0x' + 'bb'.repeat(32),
  verdict: 0,
  emergency: false,
  maxUses: 0,
  purposeMatches: true,
  ...over,
});

const facts = (over: Partial<PermissionFacts> = {}): PermissionFacts => ({
  readerIdentityChainId: OTHER,
  namedGrant: false,
  record: { patientId: PATIENT, providerId: AUTHOR, status: 2 },
  relationshipActive: true,
  grant: aGrant(),
  ...over,
});

describe('checkRequest (before the chain is asked)', () => {
  it('passes a well-formed, fresh request signed by the login’s identity', () =>
    expect(checkRequest(aRequest())).toBeUndefined());
  it.each([
    ['WrongRole', { roles: ['registrar'] }],
    ['WrongRole', { roles: [] }],
    ['RequestMismatch', { urlRecordChainId: '0x' + 'cc'.repeat(32) }],
    ['RequestExpired', { request: { recordId: RECORD, expiry: NOW } }],
    ['RequestTooLong', { request: { recordId: RECORD, expiry: NOW + 301 } }],
    ['InvalidSignature', { signatureRecovered: false }],
    ['InvalidSignature', { signer: undefined }],
    ['SignerNotBoundToLogin', { signer: { subject: 'sub-2', status: 'active' } }],
    ['SignerNotBoundToLogin', { signer: { subject: 'sub-1', status: 'retired' } }],
    ['SignerNotBoundToLogin', { signer: { subject: null, status: 'active' } }],
  ] as const)('denies %s', (denial, over) => {
    expect(checkRequest(aRequest(over as Partial<RequestFacts>))).toMatchObject({ allowed: false, denial });
  });
});

describe('decidePermission (chain facts)', () => {
  it('the patient reads by right, without a grant', () => {
    expect(decidePermission(facts({ readerIdentityChainId: PATIENT, grant: undefined }))).toMatchObject({
      allowed: true,
      basis: 'owner',
    });
  });
  it('the author reads while the relationship is open, also before acceptance', () => {
    expect(
      decidePermission(
        facts({
          readerIdentityChainId: AUTHOR,
          grant: undefined,
          record: { patientId: PATIENT, providerId: AUTHOR, status: 1 },
        }),
      ),
    ).toMatchObject({ allowed: true, basis: 'author' });
    expect(decidePermission(facts({ readerIdentityChainId: AUTHOR, relationshipActive: false }))).toMatchObject({
      denial: 'RelationshipEnded',
    });
  });
  it('a grantee needs a permitted grant on an accepted record', () => {
    expect(decidePermission(facts())).toEqual({
      allowed: true,
      basis: 'grant',
      grantId: aGrant().grantId,
      consume: false,
    });
    expect(decidePermission(facts({ grant: undefined }))).toMatchObject({ denial: 'NoActiveGrant' });
    expect(decidePermission(facts({ record: { patientId: PATIENT, providerId: AUTHOR, status: 1 } }))).toMatchObject({
      denial: 'RecordNotAccepted',
    });
    expect(decidePermission(facts({ record: { patientId: PATIENT, providerId: AUTHOR, status: 3 } }))).toMatchObject({
      denial: 'RecordRejected',
    });
    expect(decidePermission(facts({ record: { patientId: PATIENT, providerId: AUTHOR, status: 0 } }))).toMatchObject({
      denial: 'RecordNotFound',
    });
    expect(decidePermission(facts({ grant: aGrant({ purposeMatches: false }) }))).toMatchObject({
      denial: 'PurposeMismatch',
    });
  });
  it.each([
    [1, 'GrantNotFound'],
    [2, 'GrantRevoked'],
    [3, 'GrantNotYetValid'],
    [4, 'GrantExpired'],
    [5, 'GrantExhausted'],
    [6, 'NotGrantee'],
    [7, 'OutOfScope'],
    [8, 'OutOfScope'],
  ])('maps the chain verdict %i to %s', (verdict, denial) => {
    expect(decidePermission(facts({ grant: aGrant({ verdict }) }))).toMatchObject({ allowed: false, denial });
  });
  it('a request naming a grant is judged under that grant only, even for the author', () => {
    expect(
      decidePermission(facts({ readerIdentityChainId: AUTHOR, namedGrant: true, grant: aGrant({ verdict: 2 }) })),
    ).toMatchObject({ denial: 'GrantRevoked' });
  });
  it('a limited grant is consumed on-chain before serving', () => {
    expect(decidePermission(facts({ grant: aGrant({ maxUses: 1 }) }))).toMatchObject({ allowed: true, consume: true });
  });
  it('break-glass covers a pending record and any purpose', () => {
    const d = decidePermission(
      facts({
        record: { patientId: PATIENT, providerId: AUTHOR, status: 1 },
        grant: aGrant({ emergency: true, purposeMatches: false }),
      }),
    );
    expect(d).toMatchObject({ allowed: true, basis: 'break-glass' });
  });
});

describe('the signed read request (EIP-712)', () => {
  const domain = { chainId: 31337, verifyingContract: '0x' + '12'.repeat(20) };
  const message = {
    recordId: RECORD,
    purpose: 'dispensing',
    grantId: '0x' + '00'.repeat(32),
    nonce: '42',
    expiry: NOW + 60,
  };
  const types = { ReadRecord: [...READ_REQUEST_TYPES.ReadRecord] };

  it('recovers the signer', async () => {
    const w = Wallet.createRandom();
    const sig = await signReadRequest(w, domain, message);
    expect(verifyTypedData(gatekeeperDomain(domain), types, message, sig)).toBe(w.address);
  });
  it('any altered field, another chain or another contract recovers someone else', async () => {
    const w = Wallet.createRandom();
    const sig = await signReadRequest(w, domain, message);
    for (const m of [
      { ...message, purpose: 'research' },
      { ...message, nonce: '43' },
      { ...message, expiry: NOW + 61 },
      { ...message, recordId: '0x' + 'ab'.repeat(32) },
    ]) {
      expect(verifyTypedData(gatekeeperDomain(domain), types, m, sig)).not.toBe(w.address);
    }
    expect(verifyTypedData(gatekeeperDomain({ ...domain, chainId: 1 }), types, message, sig)).not.toBe(w.address);
    expect(
      verifyTypedData(gatekeeperDomain({ ...domain, verifyingContract: '0x' + '34'.repeat(20) }), types, message, sig),
    ).not.toBe(w.address);
  });
});
