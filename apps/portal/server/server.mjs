// The portal's own server (ADR 0015): serves the built app (dist/) and proxies /api/<service>/… to the UHR
// services, so the browser talks to one origin and the services need no CORS. No privileges: any port ≥ 1024,
// reads only dist/, writes nothing.
//
//   node apps/portal/server/server.mjs   (UHR_PORTAL_PORT, UHR_<SERVICE>_URL, UHR_KEYCLOAK_URL, UHR_KEYCLOAK_REALM)
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const SERVICES = ['registrar', 'consent', 'records', 'notifications'];
const upstreams = Object.fromEntries(
  SERVICES.map((s, i) => [s, env[`UHR_${s.toUpperCase()}_URL`] ?? `http://127.0.0.1:${3001 + i}`]),
);
const keycloak = env.UHR_PORTAL_KEYCLOAK_PUBLIC_URL ?? env.UHR_KEYCLOAK_URL ?? 'http://127.0.0.1:58080';
const realm = env.UHR_KEYCLOAK_REALM ?? 'uhr';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const SECURITY = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': `default-src 'self'; connect-src 'self' ${keycloak}; frame-ancestors 'none'; form-action 'self' ${keycloak}; base-uri 'none'; object-src 'none'`,
};

/** The browser's configuration: where to sign in. Public by nature. */
const config = JSON.stringify({
  authority: `${keycloak}/realms/${realm}`,
  clientId: 'uhr-portal',
  // How recent a sign-in must be to share, stop sharing or download everything (otherwise: step-up).
  stepUpSeconds: Number(env.UHR_PORTAL_STEP_UP_SECONDS ?? 120),
});

function proxy(req, res, service, rest) {
  const target = new URL(rest || '/', upstreams[service]);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...req.headers, host: target.host };
  delete headers.cookie; // the services authenticate by bearer token only
  const up = send(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'cache-control': 'no-store' });
    answer.pipe(res); // streams Server-Sent Events as they come
  });
  up.on('error', (err) => {
    console.error(`proxy to ${service} failed: ${err.message}`);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'ServiceUnavailable', message: `${service} did not answer` }));
  });
  res.on('close', () => up.destroy()); // the browser went away (an SSE stream closed)
  req.pipe(up);
}

async function file(res, path) {
  const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
  let full = join(DIST, safe);
  let isApp = false;
  try {
    if (!(await stat(full)).isFile()) throw new Error('not a file');
  } catch {
    full = join(DIST, 'index.html'); // client-side routes
    isApp = true;
  }
  const body = await readFile(full);
  const ext = extname(full);
  res.writeHead(200, {
    ...SECURITY,
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    // The page itself is never kept (sign-out leaves nothing for Back to show); hashed assets are immutable.
    'cache-control': isApp || ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  res.end(body);
}

export function portalServer() {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    const api = /^\/api\/([a-z-]+)(\/.*)?$/.exec(url.pathname);
    if (api) {
      if (!upstreams[api[1]]) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'UnknownService', message: `no service named ${api[1]}` }));
      }
      return proxy(req, res, api[1], (api[2] ?? '/') + url.search);
    }
    if (url.pathname === '/config.json') {
      res.writeHead(200, { ...SECURITY, 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(config);
    }
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"status":"ok"}');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return res.end();
    }
    file(res, decodeURIComponent(url.pathname)).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(env.UHR_PORTAL_PORT ?? 3010);
  portalServer().listen(port, env.UHR_PORTAL_HOST ?? '127.0.0.1', () =>
    console.log(`portal on http://127.0.0.1:${port} (services: ${JSON.stringify(upstreams)})`),
  );
}
