import { chainIdOf } from '@uhr/platform';
import { waitFor, tokenFor } from '@uhr/platform/testing';
import { aNationalId, aPatient, anAddress, startRegistrar, type RegistrarUnderTest } from './harness.js';

let r: RegistrarUnderTest;
beforeAll(async () => {
  r = await startRegistrar();
});
afterAll(async () => {
  await r?.close();
});

const confirmed = (id: string, version?: number) =>
  waitFor(`identity ${id} confirmed on-chain`, async () => {
    const { body } = await r.call('GET', `/identities/${id}`);
    if (body.chain.status === 'rejected') throw new Error(`rejected on-chain: ${body.chain.error}`);
    return body.chain.status === 'confirmed' && (version === undefined || body.version >= version) ? body : undefined;
  });

describe('registrar: register → Kafka → Registrar contract → confirmed', () => {
  it('anchors a registration and reads it back by id and by address', async () => {
    const input = aPatient();
    const created = await r.call('POST', '/identities', { body: input });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ kind: 'patient', status: 'active', chain: { status: 'pending' } });
    expect(JSON.stringify(created.body)).not.toContain(input.identifier.value);

    const done = await confirmed(created.body.id);
    expect(done.chain.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const [kind, status, , account] = await r.registrar.identityOf!(chainIdOf(created.body.id));
    expect([kind, status, account]).toEqual([1n, 1n, input.address]);

    const byAddress = await r.call('GET', `/identities/by-address/${input.address.toLowerCase()}`);
    expect(byAddress.body.id).toBe(created.body.id);
  });

  it('edits, rebinds (key recovery) and retires, each confirmed on-chain', async () => {
    const input = aPatient();
    const { body } = await r.call('POST', '/identities', { body: input });
    await confirmed(body.id);

    const edited = await r.call('PATCH', `/identities/${body.id}`, {
      body: { kind: 'provider', identifier: { system: 'medical-licence', value: aNationalId() } },
    });
    expect(edited.status).toBe(202);
    await confirmed(body.id, edited.body.version);
    expect((await r.registrar.identityOf!(chainIdOf(body.id)))[0]).toBe(2n);

    const newAddress = anAddress();
    const rebound = await r.call('POST', `/identities/${body.id}/rebind`, {
      body: { newAddress, reason: 'lost phone' },
    });
    expect(rebound.status).toBe(202);
    await confirmed(body.id, rebound.body.version);
    expect(await r.registrar.idOf!(newAddress)).toBe(chainIdOf(body.id));
    expect(await r.registrar.isActive!(input.address)).toBe(false);

    const retired = await r.call('POST', `/identities/${body.id}/retire`, { body: { reason: 'deceased' } });
    expect(retired.body.status).toBe('retired');
    await confirmed(body.id, retired.body.version);
    expect(await r.registrar.isActive!(newAddress)).toBe(false);

    const history = await r.call('GET', `/identities/${body.id}/history`);
    expect(history.body.map((e: { type: string }) => e.type)).toEqual([
      'registrar.IdentityRegistered',
      'registrar.IdentityAnchored',
      'registrar.IdentityEdited',
      'registrar.IdentityAnchored',
      'registrar.IdentityRebound',
      'registrar.IdentityAnchored',
      'registrar.IdentityRetired',
      'registrar.IdentityAnchored',
    ]);
    const again = await r.call('POST', `/identities/${body.id}/rebind`, {
      body: { newAddress: anAddress(), reason: 'x y z' },
    });
    expect(again.status).toBe(409);
  });
});

describe('registrar: bad input and access', () => {
  it('answers 400 with field errors', async () => {
    const res = await r.call('POST', '/identities', {
      body: { kind: 'alien', identifier: { system: 'national-id', value: '' }, address: '0x123', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields).sort()).toEqual(['address', 'extra', 'identifier.value', 'kind']);
    expect((await r.call('POST', '/identities', { body: '{"kind": ' })).status).toBe(400);
    expect((await r.call('GET', '/identities/not-a-uuid')).status).toBe(400);
    expect((await r.call('GET', '/identities/by-address/0xnothex')).status).toBe(400);
  });

  it('answers 401 without a token or with a forged one, 403 without the role', async () => {
    expect((await r.call('POST', '/identities', { user: null, body: aPatient() })).status).toBe(401);
    const token = await tokenFor('registrar-1');
    const [h, p] = token.split('.');
    const forged = await fetch(`${r.url}/identities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h}.${p}.AAAA`, 'content-type': 'application/json' },
      body: JSON.stringify(aPatient()),
    });
    expect(forged.status).toBe(401);
    for (const user of ['patient-alice', 'provider-hospital', 'norole-1']) {
      const res = await r.call('POST', '/identities', { user, body: aPatient() });
      expect(res.status).toBe(403);
      expect(res.body.message).toContain('registrar');
    }
  });

  it('answers 409 for a duplicate identity string or a bound address', async () => {
    const input = aPatient();
    expect((await r.call('POST', '/identities', { body: input })).status).toBe(202);
    const sameId = await r.call('POST', '/identities', { body: { ...input, address: anAddress() } });
    expect(sameId.status).toBe(409);
    expect(sameId.body.message).toContain('identifier');
    const sameAddress = await r.call('POST', '/identities', { body: aPatient({ address: input.address }) });
    expect(sameAddress.status).toBe(409);
    expect(sameAddress.body.message).toContain('address');
  });

  it('finds an identity by its identifier without the identifier in a URL, for registrars only', async () => {
    const input = aPatient();
    const created = await r.call('POST', '/identities', { body: input });
    const spaced = input.identifier.value.slice(0, 4) + ' ' + input.identifier.value.slice(4).toLowerCase();
    const found = await r.call('POST', '/identities/search', {
      body: { identifier: { system: 'national-id', value: spaced } },
    });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(created.body.id);
    const otherSystem = await r.call('POST', '/identities/search', {
      body: { identifier: { system: 'passport', value: input.identifier.value } },
    });
    expect(otherSystem.status).toBe(404);
    expect(
      (await r.call('POST', '/identities/search', { body: { identifier: { system: 'x', value: '' } } })).status,
    ).toBe(400);
    const asPatient = await r.call('POST', '/identities/search', {
      user: 'patient-bob',
      body: { identifier: input.identifier },
    });
    expect(asPatient.status).toBe(403);
  });

  it("never shows one patient another patient's identity", async () => {
    const aliceSub = JSON.parse(
      Buffer.from((await tokenFor('patient-alice')).split('.')[1]!, 'base64url').toString(),
    ).sub;
    const bobSub = JSON.parse(Buffer.from((await tokenFor('patient-bob')).split('.')[1]!, 'base64url').toString()).sub;
    const alice = await r.call('POST', '/identities', { body: aPatient({ subject: aliceSub }) });
    const bob = await r.call('POST', '/identities', { body: aPatient({ subject: bobSub }) });
    expect((await r.call('GET', `/identities/${alice.body.id}`, { user: 'patient-alice' })).status).toBe(200);
    expect((await r.call('GET', '/identities/me', { user: 'patient-alice' })).body.id).toBe(alice.body.id);
    const peek = await r.call('GET', `/identities/${bob.body.id}`, { user: 'patient-alice' });
    expect(peek.status).toBe(403);
    expect(JSON.stringify(peek.body)).not.toContain(bob.body.address);
    expect((await r.call('GET', `/identities/by-address/${bob.body.address}`, { user: 'patient-alice' })).status).toBe(
      403,
    );
    expect((await r.call('GET', `/identities/${bob.body.id}/history`, { user: 'patient-alice' })).status).toBe(403);
    expect((await r.call('GET', `/identities/${bob.body.id}`, { user: 'auditor-1' })).status).toBe(200);
  });

  it('lists providers and third parties by public name for patients to share with, never a patient', async () => {
    const run = aNationalId().slice(2, 8);
    const pharmacy = await r.call('POST', '/identities', {
      body: aPatient({
        kind: 'third-party',
        identifier: { system: 'pharmacy-licence', value: aNationalId() },
        displayName: `  Harbour Street Pharmacy ${run} `,
      }),
    });
    const clinic = await r.call('POST', '/identities', {
      body: aPatient({
        kind: 'provider',
        identifier: { system: 'organisation-id', value: aNationalId() },
        displayName: `The Clinic by Harbour Street ${run}`,
      }),
    });
    expect([pharmacy.status, clinic.status]).toEqual([202, 202]);
    expect(pharmacy.body.displayName).toBe(`Harbour Street Pharmacy ${run}`);
    const patientNamed = await r.call('POST', '/identities', { body: aPatient({ displayName: 'Alice Example' }) });
    expect([patientNamed.status, patientNamed.body.error]).toEqual([422, 'PatientsAreNotListed']);

    const found = await r.call('GET', `/directory?q=${encodeURIComponent(`harbour STREET`)}`, {
      user: 'patient-alice',
    });
    const mine = found.body.filter((e: { displayName: string }) => e.displayName.endsWith(run));
    // Names that start with the words first; the identity id is the sharing code.
    expect(mine).toEqual([
      {
        identityId: pharmacy.body.id,
        displayName: `Harbour Street Pharmacy ${run}`,
        kind: 'third-party',
        identifierSystem: 'pharmacy-licence',
      },
      {
        identityId: clinic.body.id,
        displayName: `The Clinic by Harbour Street ${run}`,
        kind: 'provider',
        identifierSystem: 'organisation-id',
      },
    ]);
    const providers = await r.call('GET', `/directory?q=${run}&kind=provider`, { user: 'patient-alice' });
    expect(providers.body.map((e: { identityId: string }) => e.identityId)).toEqual([clinic.body.id]);

    await r.call('POST', `/identities/${clinic.body.id}/retire`, { body: { reason: 'closed down' } });
    const afterRetire = await r.call('GET', `/directory?q=${run}`, { user: 'patient-alice' });
    expect(afterRetire.body.map((e: { identityId: string }) => e.identityId)).toEqual([pharmacy.body.id]);

    const bad = await Promise.all([
      r.call('GET', '/directory?q=h', { user: 'patient-alice' }),
      r.call('GET', '/directory', { user: 'patient-alice' }),
      r.call('GET', `/directory?q=${encodeURIComponent('%_%')}`, { user: 'patient-alice' }),
      r.call('GET', `/directory?q=${run}&kind=patient`, { user: 'patient-alice' }),
      r.call('GET', `/directory?q=${run}`, { user: null }),
    ]);
    expect(bad.map((b) => b.status)).toEqual([400, 400, 400, 400, 401]);
  });

  it('reports a contract refusal as rejected, with the decoded reason', async () => {
    // Bind an address on-chain behind the service's back: the registration it then accepts must be refused.
    const input = aPatient();
    const first = await r.call('POST', '/identities', { body: input });
    await confirmed(first.body.id);
    await r.ds.query(`update identities set address = 'x-' || address where id = $1`, [first.body.id]);
    const second = await r.call('POST', '/identities', { body: aPatient({ address: input.address }) });
    expect(second.status).toBe(202);
    const rejected = await waitFor('rejection', async () => {
      const { body } = await r.call('GET', `/identities/${second.body.id}`);
      return body.chain.status === 'rejected' ? body : undefined;
    });
    expect(rejected.chain.error).toContain('RegistrarAccountBound');
  });
});
