// Brings a realm that Keycloak imported earlier up to date with infra/keycloak/uhr-realm.json. Keycloak's
// --import-realm skips a realm that already exists, so a change to the file (a new client, a new audience
// mapper) would otherwise reach only fresh stacks. Additive and idempotent: it creates missing clients and
// missing protocol mappers (matched by name) and changes or removes nothing, so code that still relies on an
// older mapper keeps working until the realm is recreated.
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

async function syncClient(client) {
  const [live] = await admin('GET', `/clients?clientId=${encodeURIComponent(client.clientId)}`);
  if (!live) {
    await admin('POST', '/clients', client);
    return [`created client ${client.clientId}`];
  }
  const have = new Set((live.protocolMappers ?? []).map((m) => m.name));
  const missing = (client.protocolMappers ?? []).filter((m) => !have.has(m.name));
  for (const m of missing) await admin('POST', `/clients/${live.id}/protocol-mappers/models`, m);
  return missing.map((m) => `${client.clientId}: added mapper ${m.name}`);
}

const changes = [];
for (const client of wanted.clients ?? []) changes.push(...(await syncClient(client)));
console.log(changes.length ? changes.join('\n') : `realm ${realm} is up to date`);
