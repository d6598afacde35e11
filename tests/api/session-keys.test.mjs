// Sessions and API keys, across every route of src/api/routes.c:
//
// - a session lasts 12 hours from sign-in (SESSION_TTL_MS in src/api/auth.c,
//   the cookie's Max-Age=43200), is not extended by use, and once expired is
//   no credential at all: every route answers it as it answers anonymous
//   callers, and the routes that need a credential say 401 session_expired.
//   The test makes a session expire by moving its expires_at into the past in
//   the server's database (sqlite3 on TONGXIN_DB) while the server runs.
// - disabling an account or changing its password (tongxin user) ends its
//   sessions, for good.
// - a revoked API key (tongxin apikey revoke, and DELETE /api/v1/api-keys/{id})
//   is 401 bad_api_key on every store-backed route; the store-free ones
//   (/healthz, /metrics, /api/v1/about, /api/v1/locate) do not read
//   credentials at all.
// - every cookie-authenticated write (every route whose method is not GET,
//   but the sign-in) without the session's X-CSRF-Token, with a wrong one or
//   with another session's, is 403 csrf and changes nothing; with the right
//   one the same request gets past that check.
// - sign-in throttling per client address (30 failures in 15 minutes) and a
//   success clearing a login's count (the per-login lock-out itself is
//   login-throttle.test.mjs); each from a loopback address of its own, so the
//   suite's shared 127.0.0.1 keeps its allowance.
// - no answer about accounts carries a password hash (the personal-data scan
//   after the suite checks every answer for one).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { test } from 'node:test';
import { apiKey, assertError, BASE, cli, DB, fixtures, login, request, setCookies, signIn, user } from './lib.mjs';

const ROOT = new URL('../../', import.meta.url);
const ME = '/api/v1/auth/me';
const DEMO = !fixtures().demo && 'needs the demo street (tongxin demo)';

// ---- the route table ----

/** The routes of src/api/routes.c: {method, path, action, kind (ROUTE_*), body (BODY_*), keyParam}. */
function routeTable() {
  const src = readFileSync(new URL('src/api/routes.c', ROOT), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"\s*,\s*"[^"]+"\s*,\s*TX_ACT_([A-Z_]+)\s*,\s*ROUTE_([A-Z]+)\s*,\s*BODY_([A-Z]+)\s*,([^}]*)\}/g;
  const out = [];
  for (let m; (m = re.exec(src));) {
    const rest = m[6].split(',').map((x) => x.trim()).filter(Boolean);
    out.push({ method: m[1], path: m[2], action: m[3].toLowerCase(), kind: m[4], body: m[5], keyParam: rest.length >= 3 && rest[2] === '1' });
  }
  return out;
}
const ROUTES = routeTable();

/** A concrete path for a route: every parameter names nothing that exists. */
function dummyPath(path) {
  return path
    .replace('{fmt}', 'json')
    .replace('{file}', 'no-such.json')
    .replace('{hash}', 'a'.repeat(64))
    .replace('{date}', '2099-01-06')
    .replace(/\{(area|community|code)\}/g, 'no_such_thing')
    .replace(/\{[a-z_]+\}/g, '999999999');
}

/** The options of a request that reaches the handler: a body of the route's type. */
function bodyOf(route) {
  if (route.method === 'GET') return {};
  if (route.body === 'JSON') return { json: {} };
  if (route.body === 'FORM') return { body: 'service_code=none', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  if (route.body === 'MULTIPART') {
    const b = 'sk-boundary';
    return { body: `--${b}\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--${b}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
  }
  return {};
}

/** fn over items, n at a time; the results in order. */
async function inBatches(items, n, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(fn))));
  return out;
}

function send(route, cred) {
  const o = { method: route.method, ...bodyOf(route), ...cred };
  o.headers = { ...(bodyOf(route).headers || {}), ...(cred.headers || {}) };
  return request(dummyPath(route.path), o);
}

test('the route table is read from src/api/routes.c', () => {
  assert.ok(ROUTES.length >= 50, `routes found: ${ROUTES.length}`);
  assert.ok(ROUTES.some((r) => r.kind === 'SYNC') && ROUTES.some((r) => r.keyParam), 'with their kinds and key parameters');
});

// ---- expired sessions ----

function sqlite(q) {
  assert.ok(DB, 'TONGXIN_DB is set');
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', DB, q], { encoding: 'utf8' }).trim();
}

test('a session lasts 12 hours from sign-in, and using it does not extend it', async () => {
  const s = await signIn('sk.expire');
  assert.match(s.setCookie, /Max-Age=43200(;|$)/, `the cookie says 12 hours: ${s.setCookie}`);
  const q = "SELECT s.expires_at - s.created_at, s.expires_at FROM session s JOIN user_account u ON u.id = s.user_id WHERE u.login = 'sk.expire' ORDER BY s.created_at DESC LIMIT 1";
  const [ttl, exp] = sqlite(q).split('|').map(Number);
  assert.equal(ttl, 12 * 3600 * 1000, 'stored: expires 12 hours after it was made');
  assert.equal((await request(ME, { cookie: s.cookie })).status, 200);
  assert.equal(Number(sqlite(q).split('|')[1]), exp, 'using the session does not move its end');
});

test('an expired session is no credential: every route answers it as it answers anonymous callers', { skip: DEMO }, async () => {
  const s = await signIn('sk.expire');
  assert.equal((await request(ME, { cookie: s.cookie })).status, 200, 'the session works');
  sqlite(`UPDATE session SET expires_at = ${Date.now() - 1000} WHERE user_id = (SELECT id FROM user_account WHERE login = 'sk.expire')`);
  assertError(await request(ME, { cookie: s.cookie }), 401, 'session_expired');

  const wrong = (await inBatches(ROUTES, 8, async (route) => {
    // The session's own CSRF token goes along: what refuses must be the expiry, not the token.
    const expired = await send(route, { cookie: s.cookie, csrf: s.csrf });
    const anon = await send(route, {});
    const what = `${route.method} ${dummyPath(route.path)} (${route.action})`;
    if (expired.status !== anon.status) return `${what}: ${expired.status} with the expired cookie, ${anon.status} anonymously`;
    if (!['public', 'sign_in'].includes(route.action) && !route.keyParam && (expired.status !== 401 || !expired.json || expired.json.error.code !== 'session_expired'))
      return `${what}: expected 401 session_expired, got ${expired.status} ${expired.text.slice(0, 120)}`;
    return '';
  })).filter(Boolean);
  assert.deepEqual(wrong, []);
  // A new sign-in works as before.
  assert.equal((await request(ME, { cookie: (await signIn('sk.expire')).cookie })).status, 200);
});

test('disabling an account ends its sessions for good; a new password ends them too', async () => {
  const u = user('sk.disable');
  const s = await signIn('sk.disable');
  const off = cli(['user', 'disable', '--login', u.login]);
  assert.equal(off.status, 0, off.stderr);
  assertError(await request(ME, { cookie: s.cookie }), 401, 'session_expired');
  assertError((await login(u.login, u.password)).res, 401, 'login_failed');
  const on = cli(['user', 'disable', '--login', u.login, '--enable']);
  assert.equal(on.status, 0, on.stderr);
  assertError(await request(ME, { cookie: s.cookie }), 401, 'session_expired', undefined);

  const s2 = await signIn('sk.disable');
  const pw = `${u.password}-new`;
  const r = cli(['user', 'passwd', '--login', u.login, '--password-stdin'], `${pw}\n`);
  assert.equal(r.status, 0, r.stderr);
  assertError(await request(ME, { cookie: s2.cookie }), 401, 'session_expired');
  const s3 = await login(u.login, pw);
  assert.equal(s3.res.status, 200, 'the new password signs in');
  // (The old password is refused: that failure counts towards the lock-out, so it is not tried here.)
});

// ---- revoked API keys ----

async function revokedEverywhere(key) {
  return (await inBatches(ROUTES, 8, async (route) => {
    const r = await send(route, { bearer: key });
    const what = `${route.method} ${dummyPath(route.path)}`;
    if (route.kind === 'SYNC') return r.status === 401 ? `${what}: a store-free route does not read the key, got 401` : '';
    // Open311 answers a key it does not know with its own 403.
    if (route.keyParam) return r.status !== 403 ? `${what}: expected Open311's 403, got ${r.status} ${r.text.slice(0, 120)}` : '';
    return r.status !== 401 || !r.json || r.json.error.code !== 'bad_api_key' ? `${what}: expected 401 bad_api_key, got ${r.status} ${r.text.slice(0, 120)}` : '';
  })).filter(Boolean);
}

test('a key revoked with tongxin apikey revoke is 401 bad_api_key on every store-backed route', { skip: DEMO }, async () => {
  const made = cli(['apikey', 'create', '--name', 'sk-revoked', '--role', 'street_admin', '--scope', 'DS']);
  assert.equal(made.status, 0, made.stderr);
  const key = made.stdout.trim().split('\n').pop();
  const id = /^API key (\d+) /m.exec(made.stdout)[1];
  assert.equal((await request(ME, { bearer: key })).status, 200, 'the key works');
  assert.equal((await request('/api/v1/people.csv', { bearer: key })).status, 200, 'as a street admin');
  assert.equal(cli(['apikey', 'revoke', '--id', id]).status, 0);
  assert.deepEqual(await revokedEverywhere(key), []);
  assert.equal((await request(ME, { bearer: apiKey('client').key })).status, 200, 'other keys still work');
});

const apiRevoke = ROUTES.some((r) => r.method === 'DELETE' && r.path === '/api/v1/api-keys/{id}');
test('a key revoked through DELETE /api/v1/api-keys/{id} is refused at once, and cannot be revoked twice', { skip: DEMO || (!apiRevoke && 'no DELETE /api/v1/api-keys/{id} route') }, async () => {
  const admin = await signIn('sk.csrf');
  const made = await request('/api/v1/api-keys', { json: { name: 'sk-api-revoked', role: 'community_staff', scope: 'DS-BY' }, cookie: admin.cookie, csrf: admin.csrf });
  assert.equal(made.status, 201, made.text);
  assert.ok(!/\$argon2|key_hash|token_hash/.test(made.text), 'the answer has the key, never its hash');
  const key = made.json.key;
  assert.equal((await request(ME, { bearer: key })).status, 200);
  const del = await request(`/api/v1/api-keys/${made.json.id}`, { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf });
  assert.equal(del.status, 204, del.text);
  assertError(await request(ME, { bearer: key }), 401, 'bad_api_key');
  assertError(await request('/api/v1/needs', { bearer: key }), 401, 'bad_api_key');
  assertError(await request(`/api/v1/api-keys/${made.json.id}`, { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf }), 409);
});

// ---- CSRF ----

const writes = ROUTES.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.action !== 'sign_in');

test('every cookie-authenticated write without the right X-CSRF-Token is 403 csrf', { skip: DEMO }, async () => {
  assert.ok(writes.length >= 40, `write routes: ${writes.length}`);
  // A street admin: the role passes every write route's gate, so the CSRF
  // check is what answers. Ids name nothing: with the right token the
  // request is refused further on (400, 404…), and nothing changes.
  const s = await signIn('sk.csrf');
  const other = await signIn('sk.csrf');
  const wrong = (await inBatches(writes, 4, async (route) => {
    const what = `${route.method} ${dummyPath(route.path)}`;
    if (route.keyParam) {
      // Open311 reads no cookie at all: a cookie is not a credential there.
      const r = await send(route, { cookie: s.cookie });
      return r.status >= 200 && r.status < 300 ? [`${what}: a cookie was taken as a credential (${r.status})`] : [];
    }
    const found = [];
    for (const [how, csrf] of [['no token', undefined], ['a wrong token', 'x'.repeat(43)], ["another session's token", other.csrf], ['an empty token', '']]) {
      const cred = { cookie: s.cookie, headers: csrf !== undefined ? { 'x-csrf-token': csrf } : {} };
      const r = await send(route, cred);
      if (r.status !== 403 || !r.json || r.json.error.code !== 'csrf') found.push(`${what} with ${how}: ${r.status} ${r.text.slice(0, 120)}`);
    }
    if (route.path === '/api/v1/auth/logout') return found; // with the token it would end the session
    const ok = await send(route, { cookie: s.cookie, csrf: s.csrf });
    if (ok.status === 403 && ok.json && ok.json.error.code === 'csrf') found.push(`${what}: refused even with the right token`);
    return found;
  })).flat();
  assert.deepEqual(wrong, []);
  // Signing out needs the token too, and with it works.
  assertError(await request('/api/v1/auth/logout', { method: 'POST', cookie: other.cookie }), 403, 'csrf');
  assert.equal((await request('/api/v1/auth/logout', { method: 'POST', cookie: other.cookie, csrf: other.csrf })).status, 204);
});

test('a write refused for its CSRF token changes nothing', { skip: DEMO }, async () => {
  const s = await signIn('sk.csrf');
  const code = `SK-CSRF-${Date.now().toString(36)}`.toUpperCase();
  const org = await request('/api/v1/organisations', { json: { code, kind: 'association', name: 'CSRF 测试协会', area_code: 'DS-JH' }, cookie: s.cookie, csrf: s.csrf });
  assert.equal(org.status, 201, org.text);
  const path = `/api/v1/organisations/${org.json.id}`;
  assertError(await request(path, { method: 'DELETE', cookie: s.cookie }), 403, 'csrf');
  assertError(await request(path, { method: 'PATCH', json: { name: '被改了' }, cookie: s.cookie, csrf: 'nope' }), 403, 'csrf');
  const after = await request(path);
  assert.equal(after.status, 200);
  assert.equal(after.json.name, 'CSRF 测试协会');
  assert.equal((await request(path, { method: 'DELETE', cookie: s.cookie, csrf: s.csrf })).status, 204);
});

test('with both an API key and a cookie the key is the credential, and needs no CSRF token', async () => {
  const s = await signIn('sk.csrf');
  const r = await request(ME, { bearer: apiKey('client').key, cookie: s.cookie });
  assert.equal(r.json.user.login, 'client');
  assert.equal(r.json.via, 'api_key');
  assert.equal((await request('/api/v1/auth/logout', { method: 'POST', bearer: apiKey('client').key, cookie: s.cookie })).status, 204);
  assert.equal((await request(ME, { cookie: s.cookie })).status, 200, 'the cookie\'s session was not the one signed out');
});

// ---- throttling, from loopback addresses of our own ----

/** A sign-in from localAddress (node:http): {status, headers, json}. */
function loginFrom(localAddress, loginName, password) {
  const body = JSON.stringify({ login: loginName, password });
  const u = new URL(`${BASE}/api/v1/auth/login`);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode, headers: res.headers, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function bindable(addr) {
  try {
    await loginFrom(addr, 'x', '');
    return true;
  } catch (e) {
    if (e.code === 'EADDRNOTAVAIL') return false;
    throw e;
  }
}

const base = 2 + (process.pid % 200);

test('30 failed sign-ins from one address lock that address out (429, Retry-After), and no other', async (t) => {
  const addr = `127.3.${base}.1`;
  if (!(await bindable(addr))) return t.skip('cannot bind 127.3.x.y here');
  // Distinct unknown logins, so that the per-login limit (5) is not what trips.
  const tag = Date.now().toString(36);
  for (let i = 0; i < 30; i += 2) {
    const rs = await Promise.all([0, 1].map((k) => loginFrom(addr, `sk-nobody-${tag}-${i + k}`, 'wrong-password')));
    for (const r of rs) assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
  }
  const u = user('sk.reset');
  const locked = await loginFrom(addr, u.login, u.password);
  assert.equal(locked.status, 429, `the 31st attempt, even right: ${locked.text}`);
  assert.equal(locked.json.error.code, 'too_many_attempts');
  assert.match(locked.headers['retry-after'] || '', /^[1-9]\d*$/);
  assert.ok(!setCookies({ headers: { getSetCookie: () => [locked.headers['set-cookie']].flat().filter(Boolean) } }).length, 'no session');
  const elsewhere = await loginFrom(`127.3.${base}.2`, u.login, u.password);
  assert.equal(elsewhere.status, 200, 'another address signs in');
});

test('a successful sign-in clears the login\'s count of failures', async (t) => {
  const addr = `127.3.${base}.3`;
  if (!(await bindable(addr))) return t.skip('cannot bind 127.3.x.y here');
  const u = user('sk.reset');
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 4; i++) assert.equal((await loginFrom(addr, u.login, `wrong-${i}`)).status, 401);
    assert.equal((await loginFrom(addr, u.login, u.password)).status, 200, `round ${round}: the right password after 4 failures`);
  }
  // 8 failures in all, but never 5 in a row: no lock-out.
});

// ---- password hashes ----

test('no answer about accounts carries a password hash or a key hash', { skip: DEMO }, async () => {
  const s = await signIn('sk.csrf');
  const paths = [ME, '/api/v1/users?limit=1000', '/api/v1/api-keys?limit=1000'].filter((p) => ROUTES.some((r) => r.method === 'GET' && p.startsWith(r.path)));
  const answers = [s.res, ...(await Promise.all(paths.map((p) => request(p, { cookie: s.cookie }))))];
  if (ROUTES.some((r) => r.method === 'POST' && r.path === '/api/v1/users')) {
    const made = await request('/api/v1/users', { json: { login: `sk-new-${Date.now().toString(36)}`, role: 'resident' }, cookie: s.cookie, csrf: s.csrf });
    assert.equal(made.status, 201, made.text);
    assert.match(made.json.password || '', /\S{8,}/, 'a generated password is shown, once');
    answers.push(made, await request(`/api/v1/users/${made.json.id}`, { method: 'PATCH', json: { reset_password: true }, cookie: s.cookie, csrf: s.csrf }));
  }
  for (const r of answers) {
    assert.ok(r.status < 400, `${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(!/\$argon2|pwhash|key_hash|token_hash/.test(r.text), `a hash in ${r.text.slice(0, 200)}`);
  }
});
