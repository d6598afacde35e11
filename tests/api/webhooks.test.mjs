// Outgoing webhooks: street admins register receivers (a city's 12345
// system, an SMS gateway), which are checked strictly; the secret is shown
// once; nobody else may see or change them. Delivery itself is in
// webhooks-delivery.test.mjs.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { assertError, request } from './lib.mjs';
import { apiKeySession, dtest, session } from './network-lib.mjs';

// Port 9 (discard) on loopback: nothing listens, so a delivery the worker
// might attempt fails at once instead of waiting for a timeout.
const URL_OFF = 'http://127.0.0.1:9/tongxin-test';

const made = [];

/** A request as the demo street admin (cookie + CSRF). */
async function asAdmin(path, opts = {}) {
  const admin = await session('admin');
  return request(path, { ...opts, cookie: admin.cookie, csrf: admin.csrf });
}

/** Create a webhook (paused unless said otherwise); returns the answer. */
async function create(body) {
  const res = await asAdmin('/api/v1/webhooks', { json: { active: false, ...body } });
  if (res.status === 201) made.push(res.json.id);
  return res;
}

after(async () => {
  for (const id of made) await asAdmin(`/api/v1/webhooks/${id}`, { method: 'DELETE' });
});

dtest('a street admin registers a webhook; a generated secret is shown once, then only its first 4 characters', async () => {
  const res = await create({ name: '12345 热线 test', url: URL_OFF });
  assert.equal(res.status, 201, res.text);
  const w = res.json;
  assert.equal(typeof w.id, 'number');
  assert.equal(w.name, '12345 热线 test');
  assert.equal(w.url, URL_OFF);
  assert.deepEqual(w.event_types, ['*']);
  assert.equal(w.active, false);
  assert.match(w.secret, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(w.secret_prefix, w.secret.slice(0, 4));
  assert.equal(w.pending, 0);
  assert.equal(w.failed, 0);
  assert.match(w.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);

  const got = await asAdmin(`/api/v1/webhooks/${w.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.secret, undefined);
  assert.equal(got.json.secret_prefix, w.secret.slice(0, 4));
  assert.ok(!got.text.includes(w.secret.slice(4)), 'the secret never appears again');
  const list = await asAdmin('/api/v1/webhooks');
  assert.equal(list.status, 200);
  const item = list.json.items.find((x) => x.id === w.id);
  assert.deepEqual(item, got.json);
  assert.ok(!list.text.includes(w.secret.slice(4)));
});

dtest('a given secret and event types are kept; the answer returns that secret once', async () => {
  const secret = 'sms-gateway-shared-secret-2026';
  const res = await create({ name: 'SMS', url: 'https://sms.example.invalid/hook?x=1', secret,
    event_types: ['report', 'accept', 'resolve'], active: false });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.secret, secret);
  assert.equal(res.json.secret_prefix, 'sms-');
  assert.deepEqual(res.json.event_types, ['report', 'accept', 'resolve']);
  const got = await asAdmin(`/api/v1/webhooks/${res.json.id}`);
  assert.ok(!got.text.includes(secret));
});

dtest('bad webhooks are 400 naming the field, and nothing is created', async () => {
  // (Other test files may add webhooks meanwhile: look for this test's name, not at the count.)
  const name = `bad-${process.pid}-${Date.now()}`;
  const bad = async (body, code, field) => assertError(await create({ name, url: URL_OFF, ...body }), 400, code, field);
  await bad({ url: 'ftp://127.0.0.1/x' }, 'invalid_field', 'url');
  await bad({ url: 'http://' }, 'invalid_field', 'url');
  await bad({ url: 'https:///path' }, 'invalid_field', 'url');
  await bad({ url: 'http://127.0.0.1/a b' }, 'invalid_field', 'url');
  await bad({ url: 'http://例子.中国/hook' }, 'invalid_field', 'url');
  await bad({ url: `http://127.0.0.1/${'a'.repeat(2000)}` }, 'invalid_field', 'url');
  await bad({ url: 12 }, 'invalid_field', 'url');
  await bad({ url: undefined }, 'missing_field', 'url');
  await bad({ name: undefined }, 'missing_field', 'name');
  await bad({ name: 'n'.repeat(101) }, 'invalid_field', 'name');
  await bad({ event_types: ['explode'] }, 'invalid_field', 'event_types');
  await bad({ event_types: [] }, 'invalid_field', 'event_types');
  await bad({ event_types: ['*', 'report'] }, 'invalid_field', 'event_types');
  await bad({ event_types: ['report', 'report'] }, 'invalid_field', 'event_types');
  await bad({ event_types: 'report' }, 'invalid_field', 'event_types');
  await bad({ event_types: [7] }, 'invalid_field', 'event_types');
  await bad({ secret: 'too-short-15chr' }, 'invalid_field', 'secret');
  await bad({ secret: 's'.repeat(129) }, 'invalid_field', 'secret');
  await bad({ secret: '十六个字符的中文密钥不能用作签名密钥啊' }, 'invalid_field', 'secret');
  await bad({ secret: 'has a space in it, sixteen+' }, 'invalid_field', 'secret');
  await bad({ active: 'yes' }, 'invalid_field', 'active');
  await bad({ colour: 'red' }, 'unknown_field', 'colour');
  // Every action code of the case rules is accepted, and "report".
  const ok = await create({ name: 'all codes', url: URL_OFF, event_types: ['report', 'accept', 'dispatch', 'contact',
    'start', 'note', 'escalate', 'refer', 'report_back', 'return', 'resolve', 'rate', 'reopen', 'close', 'merge',
    'invalidate'] });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual((await asAdmin('/api/v1/webhooks')).json.items.filter((w) => w.name === name), []);
});

dtest('PATCH changes only what it names; a new secret changes the prefix; DELETE removes it', async () => {
  const res = await create({ name: 'before', url: URL_OFF, event_types: ['report'], secret: 'AAAA-first-secret-123' });
  const id = res.json.id;
  let p = await asAdmin(`/api/v1/webhooks/${id}`, { method: 'PATCH', json: { name: 'after', event_types: ['resolve', 'rate'] } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.name, 'after');
  assert.deepEqual(p.json.event_types, ['resolve', 'rate']);
  assert.equal(p.json.url, URL_OFF);
  assert.equal(p.json.active, false);
  assert.equal(p.json.secret_prefix, 'AAAA');
  p = await asAdmin(`/api/v1/webhooks/${id}`, { method: 'PATCH', json: { secret: 'BBBB-second-secret-456' } });
  assert.equal(p.status, 200);
  assert.equal(p.json.secret_prefix, 'BBBB');
  assert.equal(p.json.secret, undefined, 'a rotated secret is not echoed');
  assert.equal(p.json.name, 'after');
  assertError(await asAdmin(`/api/v1/webhooks/${id}`, { method: 'PATCH', json: { url: 'mailto:x@y' } }), 400,
    'invalid_field', 'url');
  assertError(await asAdmin(`/api/v1/webhooks/${id}`, { method: 'PATCH', json: { event_types: ['nope'] } }), 400,
    'invalid_field', 'event_types');
  assertError(await asAdmin('/api/v1/webhooks/999999', { method: 'PATCH', json: { name: 'x' } }), 404, 'not_found', 'id');

  const del = await asAdmin(`/api/v1/webhooks/${id}`, { method: 'DELETE' });
  assert.equal(del.status, 204);
  assertError(await asAdmin(`/api/v1/webhooks/${id}`), 404, 'not_found', 'id');
  assertError(await asAdmin(`/api/v1/webhooks/${id}`, { method: 'DELETE' }), 404, 'not_found', 'id');
  assertError(await asAdmin(`/api/v1/webhooks/${id}/deliveries`), 404, 'not_found', 'id');
  assertError(await asAdmin('/api/v1/webhooks/abc'), 404, 'not_found', 'id');
});

dtest('deliveries: a new webhook has none; status and limit are checked', async () => {
  const res = await create({ name: 'deliveries', url: URL_OFF });
  const id = res.json.id;
  const d = await asAdmin(`/api/v1/webhooks/${id}/deliveries`);
  assert.equal(d.status, 200, d.text);
  assert.deepEqual(d.json, { items: [] });
  for (const s of ['pending', 'delivered', 'failed']) {
    assert.equal((await asAdmin(`/api/v1/webhooks/${id}/deliveries?status=${s}&limit=200`)).status, 200);
  }
  assertError(await asAdmin(`/api/v1/webhooks/${id}/deliveries?status=lost`), 400, 'invalid_query', 'status');
  assertError(await asAdmin(`/api/v1/webhooks/${id}/deliveries?limit=0`), 400, 'invalid_query', 'limit');
  assertError(await asAdmin(`/api/v1/webhooks/${id}/deliveries?limit=201`), 400, 'invalid_query', 'limit');
  assertError(await asAdmin(`/api/v1/webhooks/${id}/deliveries?limit=2.5`), 400, 'invalid_query', 'limit');
});

dtest('only street admins see or change webhooks; an API key with that role needs no CSRF token', async () => {
  const res = await create({ name: 'guarded', url: URL_OFF });
  const id = res.json.id;
  assertError(await request('/api/v1/webhooks'), 401, 'unauthenticated');
  assertError(await request('/api/v1/webhooks', { json: { name: 'x', url: URL_OFF } }), 401, 'unauthenticated');
  for (const login of ['baiyun', 'grid.baiyun', 'shizheng', 'resident']) {
    const s = await session(login);
    assertError(await request('/api/v1/webhooks', { cookie: s.cookie }), 403, 'forbidden');
    assertError(await request(`/api/v1/webhooks/${id}/deliveries`, { cookie: s.cookie }), 403, 'forbidden');
    assertError(await request(`/api/v1/webhooks/${id}`, { method: 'DELETE', cookie: s.cookie, csrf: s.csrf }), 403,
      'forbidden');
  }
  const admin = await session('admin');
  assertError(await request('/api/v1/webhooks', { json: { name: 'x', url: URL_OFF }, cookie: admin.cookie }), 403, 'csrf');
  const key = apiKeySession('street_admin', 'DS');
  const viaKey = await request('/api/v1/webhooks', { json: { name: 'by key', url: URL_OFF, active: false }, bearer: key.bearer });
  assert.equal(viaKey.status, 201, viaKey.text);
  made.push(viaKey.json.id);
  assert.equal((await request(`/api/v1/webhooks/${id}`, { bearer: key.bearer })).status, 200);
});
