// Security headers on every response, and the request id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from './lib.mjs';

function assertSecurityHeaders(r, what) {
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp, `${what}: content-security-policy is set`);
  assert.ok(!csp.includes("'unsafe-inline'"), `${what}: CSP allows no inline script or style: ${csp}`);
  assert.ok(!csp.includes("'unsafe-eval'"), `${what}: CSP allows no eval: ${csp}`);
  assert.match(csp, /(^|;)\s*frame-ancestors 'none'\s*(;|$)/, `${what}: CSP frame-ancestors 'none': ${csp}`);
  assert.match(csp, /(^|;)\s*default-src /, `${what}: CSP has a default-src`);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `${what}: x-content-type-options`);
  assert.ok(r.headers.get('referrer-policy'), `${what}: referrer-policy is set`);
}

const cases = [
  ['GET /healthz (200)', '/healthz', {}],
  ['GET /metrics (200, text)', '/metrics', {}],
  ['GET /api/v1/about (200, pre-rendered)', '/api/v1/about', {}],
  ['GET /readyz (200, from a store thread)', '/readyz', {}],
  ['GET /api/v1/auth/me (401)', '/api/v1/auth/me', {}],
  ['GET an unknown API route (404)', '/api/v1/no-such-route', {}],
  ['DELETE /healthz (405)', '/healthz', { method: 'DELETE' }],
  ['POST /api/v1/auth/login as text (415)', '/api/v1/auth/login', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }],
  ['GET / (the web app; 404 when no web root is served)', '/', {}],
  ['GET a missing file outside the API (404)', '/no-such-page.html', {}],
];

for (const [name, path, opts] of cases) {
  test(`security headers on ${name}`, async () => {
    assertSecurityHeaders(await request(path, opts), name);
  });
}

test('API answers are not cached (cache-control: no-store)', async () => {
  for (const path of ['/healthz', '/api/v1/about', '/api/v1/auth/me']) {
    const r = await request(path);
    assert.match(r.headers.get('cache-control') || '', /no-store/, path);
  }
});

test('every API answer carries a generated x-request-id, different each time', async () => {
  const ids = new Set();
  for (const path of ['/healthz', '/readyz', '/api/v1/about', '/api/v1/auth/me', '/api/v1/no-such-route']) {
    const r = await request(path);
    const id = r.headers.get('x-request-id');
    assert.ok(id && id.length > 0, `${path}: x-request-id`);
    assert.match(id, /^[A-Za-z0-9._-]+$/, `${path}: x-request-id is a plain token`);
    ids.add(id);
  }
  assert.equal(ids.size, 5, 'request ids are unique');
});

test('a sane X-Request-Id from the client is echoed', async () => {
  for (const path of ['/healthz', '/readyz', '/api/v1/auth/me']) {
    const id = `test-${path.length}_abc.DEF-${Date.now()}`;
    const r = await request(path, { headers: { 'x-request-id': id } });
    assert.equal(r.headers.get('x-request-id'), id, path);
  }
});

test('an X-Request-Id with odd characters or too long is replaced by a generated one', async () => {
  for (const bad of ['has space', 'semi;colon', '<script>', 'x'.repeat(200), 'quote"s']) {
    const r = await request('/healthz', { headers: { 'x-request-id': bad } });
    const id = r.headers.get('x-request-id');
    assert.ok(id && id !== bad, `not echoed: ${JSON.stringify(bad)}`);
    assert.match(id, /^[A-Za-z0-9._-]+$/);
  }
});
