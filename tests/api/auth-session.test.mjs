// Signing in with a password: the session cookie, the CSRF token, signing out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, fixtures, login, request, setCookies, signIn, user } from './lib.mjs';

const ME = '/api/v1/auth/me';
const LOGOUT = '/api/v1/auth/logout';

test('sign-in with the right password: 200, an HttpOnly SameSite=Lax session cookie, the user and a CSRF token', async () => {
  const alice = user('alice');
  const s = await login(alice.login, alice.password);
  assert.equal(s.res.status, 200, s.res.text);
  assert.ok(s.setCookie, 'Set-Cookie tx_session=...');
  const attrs = s.setCookie.split(';').map((a) => a.trim().toLowerCase());
  assert.ok(s.cookie.length > 'tx_session='.length + 20, 'the session token is long');
  assert.ok(attrs.includes('httponly'), `HttpOnly: ${s.setCookie}`);
  assert.ok(attrs.includes('samesite=lax'), `SameSite=Lax: ${s.setCookie}`);
  assert.ok(attrs.includes('path=/'), `Path=/: ${s.setCookie}`);
  assert.ok(!attrs.includes('secure'), `no Secure on plain HTTP: ${s.setCookie}`);
  assert.deepEqual(s.res.json.user, { login: 'alice', role: 'resident', scope: null });
  assert.equal(typeof s.res.json.csrf_token, 'string');
  assert.ok(s.res.json.csrf_token.length >= 20);
  assert.ok(!s.cookie.includes(s.res.json.csrf_token), 'the CSRF token is not the session token');
});

test('GET /auth/me with the session cookie: 200, the user and the same CSRF token', async () => {
  const s = await signIn('alice');
  const r = await request(ME, { cookie: s.cookie });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.login, 'alice');
  assert.equal(r.json.user.role, 'resident');
  assert.equal(r.json.csrf_token, s.csrf);
});

test('each sign-in makes a new session', async () => {
  const a = await signIn('alice');
  const b = await signIn('alice');
  assert.notEqual(a.cookie, b.cookie);
  assert.notEqual(a.csrf, b.csrf);
  assert.equal((await request(ME, { cookie: a.cookie })).status, 200);
  assert.equal((await request(ME, { cookie: b.cookie })).status, 200);
});

test('a wrong password is 401 login_failed, with no cookie', async () => {
  const bob = user('bob');
  const r = await request('/api/v1/auth/login', { json: { login: 'bob', password: `${bob.password}x` } });
  assertError(r, 401, 'login_failed');
  assert.equal(setCookies(r).length, 0);
});

test('an unknown login is 401 with the same message as a wrong password', async () => {
  const wrong = await request('/api/v1/auth/login', { json: { login: 'bob', password: 'not-his-password' } });
  const unknown = await request('/api/v1/auth/login', { json: { login: 'nobody-at-all', password: 'not-his-password' } });
  assertError(wrong, 401, 'login_failed');
  assertError(unknown, 401, 'login_failed');
  assert.deepEqual(unknown.json, wrong.json);
  // bob is not locked out by two failures.
  await signIn('bob');
});

test('GET /auth/me without credentials is 401', async () => {
  assertError(await request(ME), 401);
});

test('GET /auth/me with an unknown session cookie is 401', async () => {
  assertError(await request(ME, { cookie: 'tx_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), 401);
  assertError(await request(ME, { cookie: 'tx_session=' }), 401);
});

test('sign-out without the X-CSRF-Token header is 403 csrf, and the session goes on', async () => {
  const s = await signIn('alice');
  assertError(await request(LOGOUT, { method: 'POST', cookie: s.cookie }), 403, 'csrf', 'X-CSRF-Token');
  assertError(await request(LOGOUT, { method: 'POST', cookie: s.cookie, csrf: 'wrong-token' }), 403, 'csrf');
  const other = await signIn('alice');
  assertError(await request(LOGOUT, { method: 'POST', cookie: s.cookie, csrf: other.csrf }), 403, 'csrf', undefined);
  const r = await request(ME, { cookie: s.cookie });
  assert.equal(r.status, 200, 'the session still works');
});

test('sign-out with the CSRF token: 204, the cookie cleared, and the session ends', async () => {
  const s = await signIn('alice');
  const r = await request(LOGOUT, { method: 'POST', cookie: s.cookie, csrf: s.csrf });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  const cleared = setCookies(r).find((c) => c.startsWith('tx_session='));
  assert.ok(cleared, 'Set-Cookie clears tx_session');
  assert.match(cleared, /^tx_session=;/);
  assert.match(cleared, /Max-Age=0/i);
  assertError(await request(ME, { cookie: s.cookie }), 401);
  // The old CSRF token does not revive it.
  assertError(await request(ME, { cookie: s.cookie, csrf: s.csrf }), 401);
});

test('signing out ends only that session', async () => {
  const a = await signIn('alice');
  const b = await signIn('alice');
  assert.equal((await request(LOGOUT, { method: 'POST', cookie: a.cookie, csrf: a.csrf })).status, 204);
  assertError(await request(ME, { cookie: a.cookie }), 401);
  assert.equal((await request(ME, { cookie: b.cookie })).status, 200);
});

test('the session cookie is found among other cookies', async () => {
  const s = await signIn('carol');
  const r = await request(ME, { headers: { cookie: `theme=dark; ${s.cookie}; lang=zh` } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.login, 'carol');
  assert.equal(r.json.user.role, 'volunteer');
});

test('a staff account signs in with its scope (an area)', { skip: !fixtures().demo && 'needs the demo street (tongxin demo)' }, async () => {
  for (const [loginName, role, code] of [
    ['t.street', 'street_admin', 'DS'],
    ['t.community', 'community_staff', 'DS-XH'],
    ['t.grid', 'grid_worker', 'DS-XH-G01'],
  ]) {
    const s = await signIn(loginName);
    assert.equal(s.res.json.user.role, role);
    assert.equal(s.res.json.user.scope.kind, 'area', JSON.stringify(s.res.json.user));
    assert.equal(s.res.json.user.scope.code, code);
    assert.equal(typeof s.res.json.user.scope.id, 'number');
    const me = await request('/api/v1/auth/me', { cookie: s.cookie });
    assert.deepEqual(me.json.user, s.res.json.user);
  }
});
