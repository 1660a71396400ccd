// Brings a realm that Keycloak imported earlier up to date with infra/keycloak/uhr-realm.json. Keycloak's
// --import-realm skips a realm that already exists, so a change to the file (a new client, a new audience
// mapper) would otherwise reach only fresh stacks. Additive and idempotent: it creates missing clients and
// missing protocol mappers (matched by name), redirect URIs and web origins an existing client lacks (added to
// the ones it has), missing realm roles and missing users (with their password and realm roles; an existing user
// is left as it is), and changes or removes nothing, so code that still relies on an older mapper keeps working
// until the realm is recreated.
//
//   node scripts/keycloak-sync.mjs    (KEYCLOAK_URL, KEYCLOAK_REALM, KEYCLOAK_ADMIN, KEYCLOAK_ADMIN_PASSWORD)
import { readFileSync } from 'node:fs';

const env = process.env;
const base = env.KEYCLOAK_URL ?? 'http://127.0.0.1:58080';
const realmFile = env.KEYCLOAK_REALM_FILE ?? new URL('../infra/keycloak/uhr-realm.json', import.meta.url);
const wanted = JSON.parse(readFileSync(realmFile, 'utf8'));
const realm = env.KEYCLOAK_REALM ?? wanted.realm;

async function adminToken() {
  const res = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: env.KEYCLOAK_ADMIN ?? 'admin',
      password: env.KEYCLOAK_ADMIN_PASSWORD ?? '',
    }),
  });
  if (!res.ok) throw new Error(`admin login refused: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

const token = await adminToken();
async function admin(method, path, body) {
  const res = await fetch(`${base}/admin/realms/${realm}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 200 ? res.json() : undefined;
}

async function syncRealmRoles(roles) {
  const have = new Set((await admin('GET', '/roles?briefRepresentation=true&max=1000')).map((r) => r.name));
  const missing = roles.filter((r) => !have.has(r.name));
  for (const r of missing) await admin('POST', '/roles', { name: r.name, description: r.description });
  return missing.map((r) => `created realm role ${r.name}`);
}

/** A missing user is created with its credentials and realm roles; an existing one is never touched. */
async function syncUser(user) {
  if (user.serviceAccountClientId) return [];
  const found = await admin('GET', `/users?exact=true&username=${encodeURIComponent(user.username)}`);
  if (found.length > 0) return [];
  const { realmRoles = [], clientRoles: _clientRoles, ...rest } = user;
  await admin('POST', '/users', rest);
  const [created] = await admin('GET', `/users?exact=true&username=${encodeURIComponent(user.username)}`);
  const roles = await Promise.all(realmRoles.map((name) => admin('GET', `/roles/${encodeURIComponent(name)}`)));
  if (roles.length > 0) await admin('POST', `/users/${created.id}/role-mappings/realm`, roles);
  return [`created user ${user.username}${realmRoles.length ? ` (${realmRoles.join(', ')})` : ''}`];
}

async function syncClient(client) {
  const [live] = await admin('GET', `/clients?clientId=${encodeURIComponent(client.clientId)}`);
  if (!live) {
    await admin('POST', '/clients', client);
    return [`created client ${client.clientId}`];
  }
  const have = new Set((live.protocolMappers ?? []).map((m) => m.name));
  const missing = (client.protocolMappers ?? []).filter((m) => !have.has(m.name));
  for (const m of missing) await admin('POST', `/clients/${live.id}/protocol-mappers/models`, m);
  return [...missing.map((m) => `${client.clientId}: added mapper ${m.name}`), ...(await syncUris(client, live))];
}

/** Redirect URIs and web origins the file names that the live client lacks are added; none is removed. */
async function syncUris(client, live) {
  const added = [];
  const merged = { ...live };
  for (const key of ['redirectUris', 'webOrigins']) {
    const have = new Set(live[key] ?? []);
    const lacking = (client[key] ?? []).filter((u) => !have.has(u));
    if (lacking.length === 0) continue;
    merged[key] = [...(live[key] ?? []), ...lacking];
    added.push(`${client.clientId}: added ${key} ${lacking.join(' ')}`);
  }
  if (added.length > 0) await admin('PUT', `/clients/${live.id}`, merged);
  return added;
}

const changes = [];
changes.push(...(await syncRealmRoles(wanted.roles?.realm ?? [])));
for (const client of wanted.clients ?? []) changes.push(...(await syncClient(client)));
for (const user of wanted.users ?? []) changes.push(...(await syncUser(user)));
console.log(changes.length ? changes.join('\n') : `realm ${realm} is up to date`);
