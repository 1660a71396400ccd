import { randomBytes } from 'node:crypto';
import { loadStackEnv, serviceToken, tokenFor } from '../../src/testing/index.js';
import { JwtVerifier } from '../../src/auth/auth.js';

/** Every UHR service API: each accepts only tokens whose `aud` names it. */
const SERVICES = ['registrar', 'consent', 'records', 'notifications', 'drug-trace', 'organ-registry', 'billing'];
const env = loadStackEnv();
const realm = env.UHR_KEYCLOAK_REALM ?? 'uhr';
const verifierFor = (service: string) => new JwtVerifier(env.UHR_KEYCLOAK_URL!, realm, `uhr-${service}`);
const admin = {
  user: env.UHR_KEYCLOAK_ADMIN ?? 'admin',
  password: env.UHR_KEYCLOAK_ADMIN_PASSWORD ?? 'admin-dev-password',
};

async function adminCall(method: string, path: string, body?: unknown): Promise<Response> {
  const login = await fetch(`${env.UHR_KEYCLOAK_URL}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: admin.user,
      password: admin.password,
    }),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${env.UHR_KEYCLOAK_URL}/admin/realms/${realm}${path}`, {
    method,
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** A throwaway service account whose tokens carry exactly one service's audience (removed after the test). */
async function clientFor(audience: string): Promise<{ clientId: string; secret: string; remove(): Promise<void> }> {
  const clientId = `test-aud-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const mapper = {
    name: `audience-${audience}`,
    protocol: 'openid-connect',
    protocolMapper: 'oidc-audience-mapper',
    config: { 'included.custom.audience': audience, 'access.token.claim': 'true' },
  };
  const created = await adminCall('POST', '/clients', {
    clientId,
    secret,
    publicClient: false,
    serviceAccountsEnabled: true,
    standardFlowEnabled: false,
    protocolMappers: [mapper],
  });
  const id = created.headers.get('location')!.split('/').pop()!;
  return { clientId, secret, remove: async () => void (await adminCall('DELETE', `/clients/${id}`)) };
}

const refusal = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ status: 401 });

describe('audiences per service', () => {
  it('an end-user token (uhr-cli) is accepted by every service', async () => {
    const token = await tokenFor('patient-alice');
    for (const service of SERVICES) {
      await expect(verifierFor(service).verify(token)).resolves.toMatchObject({ username: 'patient-alice' });
    }
  });

  it('a token meant for one service is refused by every other', async () => {
    const client = await clientFor('uhr-consent');
    try {
      const token = await serviceToken(client.clientId, client.secret);
      await expect(verifierFor('consent').verify(token)).resolves.toMatchObject({ clientId: client.clientId });
      for (const service of SERVICES.filter((s) => s !== 'consent')) await refusal(verifierFor(service).verify(token));
    } finally {
      await client.remove();
    }
  });

  it("a service account that calls no UHR API gets no service's audience", async () => {
    const token = await serviceToken('uhr-notifications');
    for (const service of SERVICES) await refusal(verifierFor(service).verify(token));
  });
});

describe('verified tokens are remembered by their exact text', () => {
  it('a token verified once is accepted again, and a tampered copy of it is still refused', async () => {
    const verifier = verifierFor('records');
    const token = await tokenFor('patient-alice');
    const first = await verifier.verify(token);
    await expect(verifier.verify(token)).resolves.toEqual(first);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    await refusal(verifier.verify(`${header}.${payload}.${flipped}`));
    // Claims swapped under the remembered signature: another text, verified in full, refused.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
    await refusal(verifier.verify(`${header}.${forged}.${signature}`));
  });

  it('a remembered token is refused once it expires', async () => {
    let clock = Date.now();
    const verifier = new JwtVerifier(env.UHR_KEYCLOAK_URL!, realm, 'uhr-records', undefined, () => clock);
    const token = await tokenFor('patient-alice');
    await verifier.verify(token);
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    clock = exp * 1000 + 1;
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, message: 'token expired' });
  });
});
