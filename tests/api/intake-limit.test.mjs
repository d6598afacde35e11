// The anonymous intake limit: 20 reports per client address per 10 minutes
// (docs/API.md, POST /api/v1/cases); the 21st is 429 rate_limited with
// Retry-After.
//
// All test files share one server (scripts/run-api) and run in parallel, and
// the others report anonymously from 127.0.0.1. Exhausting 127.0.0.1's
// allowance would make their reports fail for ten minutes, so this test
// reports from an address of its own: Linux routes all of 127.0.0.0/8 to the
// loopback interface, and the server keys the limit by the peer address.
// Where that address cannot be bound, the test is skipped rather than
// exhausting the shared one.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { test } from 'node:test';
import { assertError, BASE, fixtures } from './lib.mjs';
import { session } from './network-lib.mjs';

const CASES = '/api/v1/cases';
const DEMO = !fixtures().demo && 'needs the demo street (tongxin demo)';

/** One request from localAddress: {status, headers (get), text, json}. */
function requestFrom(localAddress, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const u = new URL(BASE + path);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: body !== undefined ? 'POST' : 'GET', headers, localAddress },
      (res) => {
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
          resolve({ status: res.statusCode, headers: { get: (n) => res.headers[n.toLowerCase()] ?? null }, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A loopback address of this test's own (127.2.x.y), or null when none can be bound. */
async function ownAddress() {
  const a = `127.2.${randomInt(0, 250)}.${randomInt(1, 250)}`;
  try {
    await requestFrom(a, '/healthz');
    return a;
  } catch (e) {
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'EINVAL') return null;
    throw e;
  }
}

const ticket = (n) => ({ service_code: 'sanitation', description: `限流测试 ${n} / intake limit test ${n}`, address: `淡水街道测试路 ${n} 号` });

test('the 21st anonymous report from one address within 10 minutes is 429 with Retry-After; other addresses and signed-in residents are not held back', { skip: DEMO }, async (t) => {
  const me = await ownAddress();
  if (!me) {
    t.skip('cannot bind a loopback address of its own (not Linux?); the shared 127.0.0.1 is not exhausted');
    return;
  }
  for (let n = 1; n <= 20; n++) {
    const r = await requestFrom(me, CASES, { json: ticket(n) });
    assert.equal(r.status, 201, `report ${n} of 20 is accepted: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.headers.get('retry-after'), null);
  }
  const over = await requestFrom(me, CASES, { json: ticket(21) });
  assertError(over, 429, 'rate_limited');
  const wait = Number(over.headers.get('retry-after'));
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 600, `Retry-After in seconds, within the 10-minute window: ${over.headers.get('retry-after')}`);
  assert.match(over.json.error.message, new RegExp(String(wait)), 'the message says how long to wait');
  const en = await requestFrom(me, `${CASES}?lang=en`, { json: ticket(22) });
  assertError(en, 429, 'rate_limited');
  assert.match(en.json.error.message, /[a-z]/);
  assert.ok(en.headers.get('retry-after'), 'still limited, still says when');

  // Others are not held back: another address, and a signed-in resident from this one.
  let other = `127.2.${randomInt(0, 250)}.${randomInt(1, 250)}`;
  if (other === me) other = '127.2.250.250';
  const r = await requestFrom(other, CASES, { json: ticket(23) });
  assert.equal(r.status, 201, `another address: ${r.text.slice(0, 200)}`);
  const resident = await session('resident');
  const signed = await requestFrom(me, CASES, { json: ticket(24), headers: { cookie: resident.cookie, 'x-csrf-token': resident.csrf } });
  assert.equal(signed.status, 201, `a signed-in resident is not an anonymous reporter: ${signed.text.slice(0, 200)}`);
});
