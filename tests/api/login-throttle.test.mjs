// Failed sign-ins are throttled per login: after 5 failures, even the right
// password is refused for a while (429 with Retry-After).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, request, setCookies, user } from './lib.mjs';

test('after 5 wrong passwords for one login, the 6th attempt is 429 with Retry-After, even with the right password', async () => {
  const u = user('throttled');
  for (let i = 1; i <= 5; i++) {
    const r = await request('/api/v1/auth/login', { json: { login: u.login, password: `wrong-password-${i}` } });
    assertError(r, 401, 'login_failed');
  }
  const r = await request('/api/v1/auth/login', { json: { login: u.login, password: u.password } });
  assertError(r, 429);
  const retry = r.headers.get('retry-after');
  assert.match(retry || '', /^[1-9]\d*$/, `Retry-After is a positive number of seconds: ${retry}`);
  assert.equal(setCookies(r).length, 0, 'no session');
  // Still locked out, and the lock-out does not spill over to other logins.
  assertError(await request('/api/v1/auth/login', { json: { login: u.login, password: u.password } }), 429);
  const alice = user('alice');
  const ok = await request('/api/v1/auth/login', { json: { login: alice.login, password: alice.password } });
  assert.equal(ok.status, 200, ok.text);
});
