// Error answers: JSON {"error":{"code","message","field"?}}, the right
// status, no side effects, Chinese by default and English on request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, cli, connect, HAN, HOST, request, ResponseReader, setCookies, user } from './lib.mjs';

const LOGIN = '/api/v1/auth/login';
const JSON_CT = { 'content-type': 'application/json' };

test('an unknown API route is 404 not_found', async () => {
  const r = await request('/api/v1/no-such-route');
  assertError(r, 404, 'not_found');
  assertError(await request('/api/v1/auth/me/extra'), 404, 'not_found');
});

test('a wrong method is 405 with an Allow header', async () => {
  let r = await request('/healthz', { method: 'DELETE' });
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET');
  r = await request(LOGIN, { method: 'GET' });
  assertError(r, 405, 'method_not_allowed');
  assert.equal(r.headers.get('allow'), 'POST');
  r = await request('/api/v1/auth/me', { method: 'PUT', body: '{}', headers: JSON_CT });
  assertError(r, 405);
  assert.match(r.headers.get('allow') || '', /GET/);
});

test('a body that is not application/json is 415 naming Content-Type', async () => {
  const body = JSON.stringify({ login: 'x', password: 'y' });
  assertError(await request(LOGIN, { method: 'POST', body, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type', 'Content-Type');
  assertError(await request(LOGIN, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, undefined, 'Content-Type');
  assertError(await request(LOGIN, { method: 'POST', body, headers: { 'content-type': 'application/jsonx' } }), 415, undefined, 'Content-Type');
});

test('application/json with a charset parameter is accepted', async () => {
  const r = await request(LOGIN, { method: 'POST', body: '{"login":"nobody-here","password":"x"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
  assertError(r, 401, 'login_failed');
});

test('malformed JSON is 400', async () => {
  for (const body of ['{bad', '{"login":', '', '{"login":"a",}', '{"login":"a"} trailing']) {
    assertError(await request(LOGIN, { method: 'POST', body, headers: JSON_CT }), 400, undefined, undefined);
  }
});

test('JSON that is not an object is 400', async () => {
  for (const body of ['[1,2]', '"login"', '42', 'null', 'true']) {
    const r = await request(LOGIN, { method: 'POST', body, headers: JSON_CT });
    assertError(r, 400);
  }
});

test('duplicate keys in a JSON object are 400', async () => {
  const r = await request(LOGIN, { method: 'POST', body: '{"login":"a","login":"b","password":"x"}', headers: JSON_CT });
  assertError(r, 400);
});

test('a body over the limit (1 MiB by default) is 413 with a JSON error', async () => {
  // On a raw socket, with "Expect: 100-continue": the server may refuse on
  // the Content-Length alone and close the connection, and a client still
  // sending the body then sees a reset instead of the answer.
  const body = Buffer.alloc(2 * 1024 * 1024, 'a');
  const sock = await connect();
  let r;
  try {
    const reader = new ResponseReader(sock);
    sock.on('error', () => {});
    sock.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\n` +
        `Expect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    r = await reader.next();
    if (r.status === 100) {
      sock.write(body);
      r = await reader.next();
    }
  } finally {
    sock.destroy();
  }
  assert.equal(r.status, 413, `status: ${r.status} ${r.body}`);
  assert.match(r.headers['content-type'] || '', /^application\/json/, `413 body is a JSON error, not: ${r.headers['content-type']} ${r.body}`);
  const e = JSON.parse(r.body.toString()).error;
  assert.equal(typeof e.code, 'string');
  assert.equal(typeof e.message, 'string');
  assert.ok(r.headers['content-security-policy'], '413 carries the security headers too');
  // The server still works afterwards.
  assert.equal((await request('/healthz')).status, 200);
});

test('a body just under the limit is read and judged on its content', async () => {
  const pad = 'x'.repeat(1024 * 1024 - 200);
  const r = await request(LOGIN, { json: { login: 'alice', password: 'whatever1', pad } });
  assertError(r, 400, undefined, 'pad');
});

test('an unknown field in the login body is 400 naming the field', async () => {
  const r = await request(LOGIN, { json: { login: 'alice', password: 'whatever1', remember_me: true } });
  const e = assertError(r, 400, undefined, 'remember_me');
  assert.match(e.message, /remember_me/);
});

test('a missing or mistyped login field is 400 naming it', async () => {
  assertError(await request(LOGIN, { json: { password: 'whatever1' } }), 400, undefined, 'login');
  assertError(await request(LOGIN, { json: { login: 'alice' } }), 400, undefined, 'password');
  assertError(await request(LOGIN, { json: { login: 42, password: 'whatever1' } }), 400, undefined, 'login');
  assertError(await request(LOGIN, { json: { login: 'alice', password: ['x'] } }), 400, undefined, 'password');
});

test('SQL metacharacters in the login are just a wrong login (401) and change nothing', async () => {
  const before = cli(['user', 'list', '--json']);
  assert.equal(before.status, 0, before.stderr);
  const bob = user('bob');
  for (const [login, password] of [
    ["admin' OR '1'='1", "' OR '1'='1"],
    ["bob'--", 'x'],
    ['bob"; DROP TABLE user; --', bob.password],
  ]) {
    const r = await request(LOGIN, { json: { login, password } });
    assertError(r, 401, 'login_failed');
    assert.equal(setCookies(r).length, 0, 'no session cookie');
  }
  const r = await request(LOGIN, { json: { login: 'bob', password: "' OR '1'='1" } });
  assertError(r, 401, 'login_failed');
  const after = cli(['user', 'list', '--json']);
  assert.equal(after.status, 0, after.stderr);
  assert.deepEqual(JSON.parse(after.stdout), JSON.parse(before.stdout), 'the users are unchanged');
  const ok = await request(LOGIN, { json: { login: 'bob', password: bob.password } });
  assert.equal(ok.status, 200, `bob still signs in with his password: ${ok.text}`);
});

test('invalid UTF-8 inside a JSON string is 400', async () => {
  const bodies = [
    Buffer.concat([Buffer.from('{"login":"a'), Buffer.from([0xff]), Buffer.from('b","password":"whatever1"}')]),
    Buffer.concat([Buffer.from('{"login":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('","password":"whatever1"}')]),
    Buffer.concat([Buffer.from('{"login":"alice","password":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  ];
  for (const body of bodies) assertError(await request(LOGIN, { method: 'POST', body, headers: JSON_CT }), 400);
});

test('an escaped NUL or lone surrogate in a JSON string is 400', async () => {
  for (const body of [
    '{"login":"alice\\u0000x","password":"whatever1"}',
    '{"login":"alice","password":"what\\u0000ever"}',
    '{"login":"a\\ud800","password":"whatever1"}',
  ]) {
    assertError(await request(LOGIN, { method: 'POST', body, headers: JSON_CT }), 400);
  }
});

test('control characters in a JSON string are 400', async () => {
  assertError(await request(LOGIN, { json: { login: 'ali\u0001ce', password: 'whatever1' } }), 400, undefined, 'login');
});

test('error messages are Chinese by default', async () => {
  const e = assertError(await request('/api/v1/no-such-route'), 404);
  assert.match(e.message, HAN);
  const e2 = assertError(await request(LOGIN, { method: 'POST', body: '[]', headers: JSON_CT }), 400);
  assert.match(e2.message, HAN);
  const e3 = assertError(await request('/api/v1/no-such-route', { headers: { 'accept-language': 'zh-CN,en;q=0.8' } }), 404);
  assert.match(e3.message, HAN);
});

test('error messages are English with Accept-Language: en or ?lang=en', async () => {
  const checks = [
    await request('/api/v1/no-such-route', { headers: { 'accept-language': 'en' } }),
    await request('/api/v1/no-such-route', { headers: { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' } }),
    await request('/api/v1/no-such-route?lang=en'),
    await request(`${LOGIN}?lang=en`, { method: 'POST', body: '[]', headers: JSON_CT }),
    await request('/healthz?lang=en', { method: 'DELETE' }),
    await request(LOGIN, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain', 'accept-language': 'en' } }),
  ];
  for (const r of checks) {
    assert.ok(r.status >= 400, r.text);
    assert.doesNotMatch(r.json.error.message, HAN, r.json.error.message);
    assert.match(r.json.error.message, /[a-z]{3}/);
  }
  // ?lang=zh wins over Accept-Language.
  const r = await request('/api/v1/no-such-route?lang=zh', { headers: { 'accept-language': 'en' } });
  assert.match(r.json.error.message, HAN);
});

test('the error code is the same in both languages', async () => {
  const zh = await request('/api/v1/no-such-route');
  const en = await request('/api/v1/no-such-route?lang=en');
  assert.equal(zh.json.error.code, en.json.error.code);
  assert.notEqual(zh.json.error.message, en.json.error.message);
});

test('request headers over 32 KiB are 431 with a JSON error, for the API and static files alike', async () => {
  for (const path of ['/api/v1/about', '/index.html']) {
    const res = await request(path, { headers: { 'X-Big': 'a'.repeat(40 * 1024) } });
    assertError(res, 431, 'headers_too_large', 'headers');
  }
  const ok = await request('/api/v1/about', { headers: { 'X-Big': 'a'.repeat(16 * 1024) } });
  assert.equal(ok.status, 200);
});
