// Master data the demo and the bench register through the API (GS1's demo prefix 952, check digits by hand):
// one manufacturer, a distributor and a pharmacy, each with its site, and one product. Registering it again
// finds each row there already (409) and goes on, so both run against a service that has seen them before.
import { tokenFor } from '@uhr/platform/testing';

export const GCP = '9521234';
export const GTIN = '09521234543213';
export const GLN = { maker: '9521234000006', warehouse: '9521234000013', pharmacy: '9521234000020' } as const;
export const sgln = (gln: string) => `urn:epc:id:sgln:${GCP}.${gln.slice(7, 12)}.0`;

/** An API call as `user`; a status outside `ok` throws with the answer. */
export type Call = (
  user: string,
  method: string,
  path: string,
  body?: unknown,
  ok?: number[],
) => Promise<{ status: number; body: any }>;

const subjectOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;

const PARTIES = [
  ['manufacturer-1', 'manufacturer', GLN.maker, 52.52, 13.405],
  ['distributor-1', 'distributor', GLN.warehouse, 53.55, 9.99],
  ['pharmacist-1', 'pharmacist', GLN.pharmacy, 52.5, 13.4],
] as const;

/**
 * Registers the parties (admin), the manufacturer, the product and each party's site. The manufacturer's party
 * id is read back as that login (GET /parties/me), so it is right whether the party was new or not.
 */
export async function registerMasterData(call: Call, login: (user: string) => Promise<string> = tokenFor) {
  const ok = [200, 201, 409];
  for (const [user, role, gln] of PARTIES)
    await call('admin-1', 'POST', '/parties', { subject: subjectOf(await login(user)), role, name: role, gln }, ok);
  const maker = (await call('manufacturer-1', 'GET', '/parties/me')).body as { id: string };
  await call(
    'admin-1',
    'POST',
    '/manufacturers',
    { partyId: maker.id, gln: GLN.maker, name: 'Acme Pharma', companyPrefix: GCP },
    ok,
  );
  await call(
    'manufacturer-1',
    'POST',
    '/products',
    { gtin: GTIN, manufacturerGln: GLN.maker, name: 'Paracetamol 500 mg', strength: '500 mg' },
    ok,
  );
  for (const [user, , gln, latitude, longitude] of PARTIES)
    await call(user, 'POST', '/locations', { gln, name: gln, latitude, longitude }, ok);
}
