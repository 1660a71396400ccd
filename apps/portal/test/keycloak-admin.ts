import { env } from './browser-harness';

/** The local stack's Keycloak admin (UHR_STACK=local only), to reset a test user's authenticator. */
async function admin(method: string, path: string, body?: unknown) {
  const e = env();
  const base = e.UHR_KEYCLOAK_URL!;
  const login = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: process.env.UHR_KEYCLOAK_ADMIN ?? 'admin',
      password: process.env.UHR_KEYCLOAK_ADMIN_PASSWORD ?? 'admin-dev-password',
    }),
  });
  if (!login.ok) throw new Error(`Keycloak admin login refused: ${login.status}`);
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${base}/admin/realms/${e.UHR_KEYCLOAK_REALM ?? 'uhr'}${path}`, {
    method,
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 200 ? res.json() : undefined;
}

export async function subjectOfUser(username: string): Promise<string> {
  const [user] = (await admin('GET', `/users?exact=true&username=${encodeURIComponent(username)}`)) as Array<{
    id: string;
  }>;
  if (!user) throw new Error(`no user ${username} in the realm (run scripts/stack.sh up to sync it)`);
  return user.id;
}

/** Removes the user's authenticator so the next sign-in enrols a new one (Keycloak's CONFIGURE_TOTP). */
export async function resetAuthenticator(username: string): Promise<void> {
  const id = await subjectOfUser(username);
  const creds = (await admin('GET', `/users/${id}/credentials`)) as Array<{ id: string; type: string }>;
  for (const c of creds.filter((x) => x.type === 'otp')) await admin('DELETE', `/users/${id}/credentials/${c.id}`);
  const user = (await admin('GET', `/users/${id}`)) as Record<string, unknown>;
  await admin('PUT', `/users/${id}`, { ...user, requiredActions: ['CONFIGURE_TOTP'] });
}

export { freshCode, totp } from './totp';
