// API keys: "Authorization: Bearer KEY" for programs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiKey, assertError, cli, request, signIn } from './lib.mjs';

const ME = '/api/v1/auth/me';

test('GET /auth/me with a valid API key is 200 as role api_client', async () => {
  const k = apiKey('client');
  const r = await request(ME, { bearer: k.key });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.role, 'api_client');
  assert.equal(r.json.user.login, 'client');
  assert.equal(r.json.csrf_token, undefined, 'no CSRF token for an API key');
});

test('the Bearer scheme name is case-insensitive', async () => {
  const r = await request(ME, { headers: { authorization: `bearer ${apiKey('client').key}` } });
  assert.equal(r.status, 200, r.text);
});

test('a bogus API key is 401 bad_api_key', async () => {
  assertError(await request(ME, { bearer: 'tx_bogus-key-that-was-never-issued' }), 401, 'bad_api_key');
  assertError(await request(ME, { bearer: `${apiKey('client').key}x` }), 401, 'bad_api_key');
});

test('a bogus API key is refused even on a public route that needs no credential', async () => {
  const r = await request('/readyz', { bearer: 'tx_bogus-key-that-was-never-issued' });
  assertError(r, 401, 'bad_api_key');
});

test('an API key needs no CSRF token for writes', async () => {
  const r = await request('/api/v1/auth/logout', { method: 'POST', bearer: apiKey('client').key });
  assert.equal(r.status, 204, r.text);
  // ... and signing out does not revoke the key.
  assert.equal((await request(ME, { bearer: apiKey('client').key })).status, 200);
});

test('a key revoked with the CLI while the server runs is refused (401)', async () => {
  const made = cli(['apikey', 'create', '--name', 'revoke-me']);
  assert.equal(made.status, 0, made.stderr);
  const key = made.stdout.trim().split('\n').pop();
  assert.match(key, /^\S{20,}$/, `the key is the last line of stdout: ${made.stdout}`);
  assert.equal((await request(ME, { bearer: key })).status, 200, 'the new key works at once');

  const list = cli(['apikey', 'list', '--json']);
  assert.equal(list.status, 0, list.stderr);
  const entry = JSON.parse(list.stdout).find((k) => k.name === 'revoke-me');
  assert.ok(entry, `apikey list shows the key: ${list.stdout}`);
  assert.ok(!list.stdout.includes(key), 'apikey list never shows the key itself');

  const revoked = cli(['apikey', 'revoke', '--id', String(entry.id)]);
  assert.equal(revoked.status, 0, revoked.stderr);
  assertError(await request(ME, { bearer: key }), 401, 'bad_api_key');
  // Other keys are unaffected.
  assert.equal((await request(ME, { bearer: apiKey('client').key })).status, 200);
});

test('writes still work after the CLI wrote to the database while the server runs', async () => {
  // A write route resolving an API key on the writer, then a CLI write: the
  // server's writer must not be stuck on a stale snapshot afterwards.
  assert.equal((await request('/api/v1/auth/logout', { method: 'POST', bearer: apiKey('client').key })).status, 204);
  const made = cli(['apikey', 'create', '--name', 'cli-write-while-serving']);
  assert.equal(made.status, 0, made.stderr);
  const s = await signIn('alice'); // a sign-in stores a session: a write
  assert.equal((await request('/api/v1/auth/logout', { method: 'POST', cookie: s.cookie, csrf: s.csrf })).status, 204);
});
