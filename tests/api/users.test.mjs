// Accounts and API keys through the API (docs/API.md "Users and API keys"):
// street admins make, list and change accounts and keys within their own
// scope and never beyond it; a generated password and a new key are shown
// once; no answer ever carries a hash; a revoked key is 401 at once; bad
// input names the field; everyone else is 403 (anonymous 401).
//
// The test makes its own accounts and keys (and a second street for the
// out-of-scope admin) and never changes the demo's or the fixtures'.
import assert from 'node:assert/strict';
import { apiKey, assertError, cli, login, request } from './lib.mjs';
import {
  ANON, apiKeySession, assertStatus, cliImportAreas, del, dtest, get, patch, post, session, uniqueCode,
} from './network-lib.mjs';

/** No answer may show a hash: an argon2id string, a 64-hex BLAKE2b key hash, or a field that would hold one. */
function assertNoSecret(res, what) {
  assert.doesNotMatch(res.text, /\$argon2|\b[0-9a-f]{64}\b|"(pwhash|key_hash|password_hash|hash)":/i, `${what} shows a hash`);
}

/** A call that must never show a hash, whatever its status. */
async function checked(p, what) {
  const res = await p;
  assertNoSecret(res, what);
  return res;
}

const name = (prefix) => uniqueCode(prefix).toLowerCase();
const GENERATED = /^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/;

/** Make an account as who; asserts 201 and returns it (with `password` when generated). */
async function makeUser(who, body) {
  const res = await checked(post(who, '/api/v1/users', body), 'POST /api/v1/users');
  assertStatus(res, 201, `POST /api/v1/users ${JSON.stringify(body)}`);
  return res.json;
}

/** Sign in and return the session for call() (asserting the status). */
async function signInAs(loginName, password, status = 200) {
  const s = await login(loginName, password);
  assertNoSecret(s.res, 'POST /api/v1/auth/login');
  assert.equal(s.res.status, status, `sign-in as ${loginName}: ${s.res.text}`);
  return status === 200 ? { login: loginName, role: s.res.json.user.role, cookie: s.cookie, csrf: s.csrf } : null;
}

/** The account of login as the admin sees it in the list. */
async function listed(admin, loginName) {
  const res = await checked(get(admin, `/api/v1/users?q=${encodeURIComponent(loginName)}`), 'GET /api/v1/users');
  assertStatus(res, 200);
  return res.json.items.find((u) => u.login === loginName);
}

/** A second street under 惠阳区 with its own street admin (made with the CLI, as an operator would). */
let other;
async function otherStreetAdmin() {
  if (other) return other;
  const code = uniqueCode('UT-ST');
  cliImportAreas({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { kind: 'street', code, name: '测试街道', parent_code: 'HY' }, geometry: null }],
  });
  const loginName = name('st-admin');
  const password = `pw-${uniqueCode('x')}`;
  const r = cli(['user', 'add', '--login', loginName, '--role', 'street_admin', '--scope', code, '--password-stdin'], `${password}\n`);
  assert.equal(r.status, 0, `tongxin user add: ${r.stderr}`);
  other = { code, ...(await signInAs(loginName, password)) };
  return other;
}

dtest('a street admin makes an account: the generated password is shown once and signs in', async () => {
  const admin = await session('admin');
  const loginName = name('xh-staff');
  const u = await makeUser(admin, { login: loginName, role: 'community_staff', scope: 'DS-XH' });
  assert.equal(u.login, loginName);
  assert.equal(u.role, 'community_staff');
  assert.deepEqual({ kind: u.scope.kind, code: u.scope.code, name: u.scope.name }, { kind: 'area', code: 'DS-XH', name: '星河社区' });
  assert.equal(u.disabled, false);
  assert.equal(u.created_by, 'user:admin');
  assert.equal(u.last_sign_in_at, null);
  assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  assert.match(u.password, GENERATED);

  const s = await signInAs(loginName, u.password);
  assert.equal(s.role, 'community_staff');
  const me = await get(s, '/api/v1/auth/me');
  assertStatus(me, 200);
  assert.equal(me.json.user.scope.code, 'DS-XH');

  // listed, without the password, with the sign-in
  const item = await listed(admin, loginName);
  assert.ok(item, 'the new account is listed');
  assert.equal(item.password, undefined);
  assert.ok(item.last_sign_in_at, 'the sign-in is shown');
  const { password, last_sign_in_at: seen, ...rest } = u;
  const { last_sign_in_at: seen2, ...restItem } = item;
  assert.deepEqual(restItem, rest);
  const all = await checked(get(admin, '/api/v1/users?limit=1000'), 'GET /api/v1/users');
  assert.ok(!all.text.includes(password), 'the password is never shown again');
  assert.ok(!all.text.includes('"password"'));
});

dtest('a chosen password is not echoed; a reset ends the sessions; a disabled account cannot sign in', async () => {
  const admin = await session('admin');
  const loginName = name('resident');
  const chosen = `Chosen-${uniqueCode('pw')}`;
  const u = await makeUser(admin, { login: loginName, role: 'resident', password: chosen });
  assert.equal(u.password, undefined, 'a chosen password is not sent back');
  assert.equal(u.scope, null);
  const s = await signInAs(loginName, chosen);

  const reset = await checked(patch(admin, `/api/v1/users/${u.id}`, { reset_password: true }), 'PATCH reset');
  assertStatus(reset, 200);
  assert.match(reset.json.password, GENERATED);
  assertError(await get(s, '/api/v1/auth/me'), 401, 'session_expired');
  await signInAs(loginName, chosen, 401);
  const s2 = await signInAs(loginName, reset.json.password);

  const off = await checked(patch(admin, `/api/v1/users/${u.id}`, { disabled: true }), 'PATCH disabled');
  assertStatus(off, 200);
  assert.equal(off.json.disabled, true);
  assert.equal(off.json.password, undefined);
  assertError(await get(s2, '/api/v1/auth/me'), 401, 'session_expired');
  await signInAs(loginName, reset.json.password, 401);

  const on = await patch(admin, `/api/v1/users/${u.id}`, { disabled: false, password: 'another-password-1' });
  assertStatus(on, 200);
  assert.equal(on.json.disabled, false);
  assert.equal(on.json.password, undefined);
  await signInAs(loginName, 'another-password-1');
});

dtest('role and scope change; the scope is kept when the new role takes the same kind', async () => {
  const admin = await session('admin');
  const u = await makeUser(admin, { login: name('grid'), role: 'grid_worker', scope: 'DS-XH-G01', password: 'grid-worker-1' });
  let r = await patch(admin, `/api/v1/users/${u.id}`, { role: 'community_staff', scope: 'DS-XH' });
  assertStatus(r, 200);
  assert.equal(r.json.role, 'community_staff');
  assert.equal(r.json.scope.code, 'DS-XH');
  r = await patch(admin, `/api/v1/users/${u.id}`, { scope: 'DS-BY' });
  assertStatus(r, 200);
  assert.equal(r.json.scope.code, 'DS-BY');
  // a member unit's scope is an organisation: a new scope is needed
  assertError(await patch(admin, `/api/v1/users/${u.id}`, { role: 'member_unit' }), 400, 'missing_field', 'scope');
  r = await patch(admin, `/api/v1/users/${u.id}`, { role: 'member_unit', scope: 'DS-XH-MU01' });
  assertStatus(r, 200);
  assert.deepEqual([r.json.scope.kind, r.json.scope.code], ['org', 'DS-XH-MU01']);
  // a role without a scope drops it
  r = await patch(admin, `/api/v1/users/${u.id}`, { role: 'volunteer' });
  assertStatus(r, 200);
  assert.equal(r.json.scope, null);
  const s = await signInAs(u.login, 'grid-worker-1');
  assert.equal(s.role, 'volunteer');
});

dtest('bad input is 400 naming the field, and nothing is made', async () => {
  const admin = await session('admin');
  const loginName = name('bad');
  const bad = async (body, code, field, status = 400) =>
    assertError(await checked(post(admin, '/api/v1/users', { login: loginName, role: 'resident', ...body }), 'POST'), status, code, field);
  await bad({ login: 'has space' }, 'invalid_field', 'login');
  await bad({ login: 'x' }, 'invalid_field', 'login');
  await bad({ login: '星河' }, 'invalid_field', 'login');
  await bad({ login: undefined }, 'missing_field', 'login');
  await bad({ role: undefined }, 'missing_field', 'role');
  await bad({ role: 'boss' }, 'invalid_field', 'role');
  await bad({ role: 'api_client' }, 'invalid_field', 'role');
  await bad({ role: 'grid_worker' }, 'missing_field', 'scope');
  await bad({ role: 'grid_worker', scope: 'DS-XH' }, 'invalid_field', 'scope');
  await bad({ role: 'grid_worker', scope: 'NO-SUCH-AREA' }, 'invalid_field', 'scope');
  await bad({ scope: 'DS' }, 'invalid_field', 'scope');
  await bad({ password: 'short' }, 'invalid_field', 'password');
  await bad({ password: 'two\nlines-password' }, 'invalid_field', 'password');
  await bad({ password: 12345678 }, 'invalid_field', 'password');
  await bad({ pwhash: '$argon2id$v=19$x' }, 'unknown_field', 'pwhash');
  await bad({ login: 'admin' }, 'duplicate', 'login', 409);
  const e = await post(admin, '/api/v1/users?lang=en', { login: loginName, role: 'resident', password: 'short' });
  assert.match(assertError(e, 400, 'invalid_field', 'password').message, /at least 8 characters/);
  assert.equal(await listed(admin, loginName), undefined, 'nothing was made');

  const u = await makeUser(admin, { login: loginName, role: 'resident' });
  const badPatch = async (body, code, field) =>
    assertError(await checked(patch(admin, `/api/v1/users/${u.id}`, body), 'PATCH'), 400, code, field);
  await badPatch({ password: 'x', reset_password: true }, 'invalid_field', 'password');
  await badPatch({ password: 'long-enough-1', reset_password: true }, 'invalid_field', 'reset_password');
  await badPatch({ disabled: 'yes' }, 'invalid_field', 'disabled');
  await badPatch({ login: 'renamed' }, 'unknown_field', 'login');
  await badPatch({ role: 'grid_worker' }, 'missing_field', 'scope');
  assertError(await patch(admin, '/api/v1/users/99999999', { disabled: true }), 404, 'not_found', 'id');
  assertError(await patch(admin, '/api/v1/users/abc', { disabled: true }), 404, 'not_found', 'id');
});

dtest('street admins manage accounts within their scope only, and never give more than they have', async () => {
  const admin = await session('admin');
  const xinghe = await listed(admin, 'xinghe');
  assert.ok(xinghe, 'the admin of 淡水街道 sees 星河 staff');
  // District departments lie in 惠阳区, above the street
  assert.equal(await listed(admin, 'shizheng'), undefined, 'department staff of the district are not listed');
  const list = await get(admin, '/api/v1/users?limit=1000');
  for (const u of list.json.items) {
    if (u.scope) assert.notEqual(u.scope.code, 'HY-SZDJ');
  }
  const forbidden = async (res, field) => assertError(res, 403, 'forbidden', field);
  await forbidden(await post(admin, '/api/v1/users', { login: name('d'), role: 'department_staff', scope: 'HY-SZDJ' }), 'scope');
  await forbidden(await post(admin, '/api/v1/users', { login: name('d'), role: 'street_admin', scope: 'HY' }), 'scope');
  const st = await otherStreetAdmin();
  await forbidden(await post(admin, '/api/v1/users', { login: name('d'), role: 'street_admin', scope: st.code }), 'scope');
  const e = await post(admin, '/api/v1/users?lang=en', { login: name('d'), role: 'street_admin', scope: 'HY' });
  assert.match(e.json.error.message, /within DS only/);

  // another admin of the same street is no more than the admin has
  const peer = await makeUser(admin, { login: name('peer'), role: 'street_admin', scope: 'DS', password: 'peer-admin-pw' });
  const ps = await signInAs(peer.login, 'peer-admin-pw');
  // nobody locks themselves out
  assertError(await patch(ps, `/api/v1/users/${peer.id}`, { disabled: true }), 400, 'invalid_field', 'disabled');
  assertError(await patch(ps, `/api/v1/users/${peer.id}`, { role: 'community_staff', scope: 'DS-XH' }), 400, 'invalid_field', 'role');
  assertError(await patch(ps, `/api/v1/users/${peer.id}`, { scope: 'HY' }), 403, 'forbidden', 'scope');
  // … but another admin may
  assertStatus(await patch(admin, `/api/v1/users/${peer.id}`, { disabled: true }), 200);

  // the other street's admin sees none of 淡水街道's staff, and changes nothing there
  const theirs = await get(st, '/api/v1/users?limit=1000');
  assertStatus(theirs, 200);
  assert.ok(theirs.json.items.every((u) => u.scope === null || u.scope.code === st.code),
    `only accounts without a scope or of ${st.code}: ${theirs.text.slice(0, 300)}`);
  assert.ok(theirs.json.items.some((u) => u.login === st.login));
  assert.ok(!theirs.json.items.some((u) => u.login === 'xinghe'));
  assertError(await patch(st, `/api/v1/users/${xinghe.id}`, { disabled: true }), 403, 'forbidden');
  await forbidden(await post(st, '/api/v1/users', { login: name('d'), role: 'community_staff', scope: 'DS-XH' }), 'scope');
  // accounts without a scope are every street admin's
  const res = await makeUser(st, { login: name('res'), role: 'resident' });
  assert.equal(res.created_by, `user:${st.login}`);
  assert.ok(await listed(admin, res.login));
  // xinghe is untouched
  assert.equal((await listed(admin, 'xinghe')).disabled, false);
});

dtest('API keys: the key is shown once, works, and is refused the moment it is revoked', async () => {
  const admin = await session('admin');
  const keyName = `12345 热线 ${uniqueCode('k')}`;
  const res = await checked(post(admin, '/api/v1/api-keys', { name: keyName }), 'POST /api/v1/api-keys');
  assertStatus(res, 201);
  const k = res.json;
  assert.match(k.key, /^tx_[A-Za-z0-9_-]{43}$/);
  assert.equal(k.prefix, k.key.slice(0, 10));
  assert.deepEqual([k.name, k.role, k.scope, k.revoked_at, k.created_by], [keyName, 'api_client', null, null, 'user:admin']);

  const me = await request('/api/v1/auth/me', { bearer: k.key });
  assertStatus(me, 200);
  assert.deepEqual(me.json.user, { login: keyName, role: 'api_client', scope: null });

  const list = await checked(get(admin, '/api/v1/api-keys?limit=1000'), 'GET /api/v1/api-keys');
  assertStatus(list, 200);
  const item = list.json.items.find((x) => x.id === k.id);
  const { key, ...rest } = k;
  assert.deepEqual(item, rest);
  assert.ok(!list.text.includes(key.slice(10)), 'the key is never shown again');

  const r = await del(admin, `/api/v1/api-keys/${k.id}`);
  assertStatus(r, 204);
  assertError(await request('/api/v1/auth/me', { bearer: k.key }), 401, 'bad_api_key', 'Authorization');
  assertError(await request('/api/v1/categories', { bearer: k.key }), 401, 'bad_api_key');
  const after = await get(admin, `/api/v1/api-keys?q=${encodeURIComponent(keyName)}`);
  assert.match(after.json.items[0].revoked_at, /\+08:00$/);
  assertError(await del(admin, `/api/v1/api-keys/${k.id}`), 409, 'already_ended', 'id');
  assertError(await del(admin, '/api/v1/api-keys/99999999'), 404, 'not_found', 'id');
});

dtest('a scoped key acts as its role; keys too are given within the scope only', async () => {
  const admin = await session('admin');
  const res = await post(admin, '/api/v1/api-keys', { name: name('patrol'), role: 'grid_worker', scope: 'DS-XH-G01' });
  assertStatus(res, 201);
  const me = await request('/api/v1/auth/me', { bearer: res.json.key });
  assert.deepEqual([me.json.user.role, me.json.user.scope.code], ['grid_worker', 'DS-XH-G01']);
  assertError(await post(admin, '/api/v1/api-keys', { name: 'x', role: 'department_staff', scope: 'HY-SZDJ' }), 403, 'forbidden', 'scope');
  assertError(await post(admin, '/api/v1/api-keys', { name: 'x', scope: 'DS' }), 400, 'invalid_field', 'scope');
  assertError(await post(admin, '/api/v1/api-keys', { name: 'x', role: 'root' }), 400, 'invalid_field', 'role');
  assertError(await post(admin, '/api/v1/api-keys', { role: 'api_client' }), 400, 'missing_field', 'name');
  assertError(await post(admin, '/api/v1/api-keys', { name: 'a\tb' }), 400, 'invalid_field', 'name');
  assertError(await post(admin, '/api/v1/api-keys', { name: 'x', key: 'tx_mine' }), 400, 'unknown_field', 'key');
  // the other street's admin: cannot see or revoke 星河's key, cannot give 星河 a key
  const st = await otherStreetAdmin();
  const theirs = await get(st, '/api/v1/api-keys?limit=1000');
  assert.ok(!theirs.json.items.some((x) => x.id === res.json.id));
  assertError(await del(st, `/api/v1/api-keys/${res.json.id}`), 403, 'forbidden');
  assertError(await post(st, '/api/v1/api-keys', { name: 'x', role: 'grid_worker', scope: 'DS-XH-G01' }), 403, 'forbidden', 'scope');
  // a street admin's key manages like the admin
  const adminKey = apiKeySession('street_admin', 'DS');
  const viaKey = await post(adminKey, '/api/v1/users', { login: name('bykey'), role: 'resident' });
  assertStatus(viaKey, 201);
  assert.equal(viaKey.json.created_by, `apikey:${adminKey.login}`);
  assertStatus(await del(adminKey, `/api/v1/api-keys/${res.json.id}`), 204);
});

dtest('everyone but street admins is refused every route: 401 anonymous, 403 the rest', async () => {
  const admin = await session('admin');
  const target = await makeUser(admin, { login: name('target'), role: 'resident' });
  const key = await post(admin, '/api/v1/api-keys', { name: name('target-key') });
  assertStatus(key, 201);
  const routes = [
    ['GET', '/api/v1/users'],
    ['POST', '/api/v1/users', { login: name('x'), role: 'resident' }],
    ['PATCH', `/api/v1/users/${target.id}`, { disabled: true }],
    ['GET', '/api/v1/api-keys'],
    ['POST', '/api/v1/api-keys', { name: 'x' }],
    ['DELETE', `/api/v1/api-keys/${key.json.id}`],
  ];
  const client = { login: 'client', role: 'api_client', bearer: apiKey('client').key };
  const others = [ANON, client];
  for (const l of ['xinghe', 'grid.baiyun', 'shizheng', 'huashi', 'resident', 'volunteer']) others.push(await session(l));
  for (const who of others) {
    for (const [method, path, json] of routes) {
      const res = await checked(
        method === 'GET' ? get(who, path) : method === 'DELETE' ? del(who, path) : (method === 'POST' ? post : patch)(who, path, json),
        `${method} ${path}`);
      if (who === ANON) assertError(res, 401, 'unauthenticated');
      else assertError(res, 403, 'forbidden');
    }
  }
  // nothing changed
  assert.equal((await listed(admin, target.login)).disabled, false);
  const still = await request('/api/v1/auth/me', { bearer: key.json.key });
  assertStatus(still, 200);
  // a cookie write without the CSRF token
  assertError(await patch(admin, `/api/v1/users/${target.id}`, { disabled: true }, { csrf: false }), 403, 'csrf');
});
