// Webhook delivery end to end: a receiver in this process registers as a
// webhook, a resident reports a case, and the receiver gets the "report"
// event, signed with its secret, and the delivery shows as delivered.
//
// Skipped while POST /api/v1/cases does not exist (answers 404): cases are
// being written, and the server has no test-only way to queue an event.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { request } from './lib.mjs';
import { dtest, session } from './network-lib.mjs';

const SECRET = 'receiver-test-secret-0123456789';

/** A receiver on a free loopback port: {url, deliveries: [{headers, raw}], close()}. */
async function receiver() {
  const deliveries = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ method: req.method, path: req.url, headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(204);
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/tongxin`,
    deliveries,
    /** Wait (up to ms) until pred matches a delivery; returns it. */
    async waitFor(pred, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const d = deliveries.find(pred);
        if (d) return d;
        const left = end - Date.now();
        if (left <= 0) return null;
        await new Promise((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const sign = (raw) => `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;

dtest('a reported case reaches a webhook receiver, signed, and is marked delivered', async (t) => {
  const admin = await session('admin');
  const rx = await receiver();
  let hookId;
  try {
    const hook = await request('/api/v1/webhooks', {
      json: { name: 'test receiver', url: rx.url, secret: SECRET, event_types: ['report'] },
      cookie: admin.cookie, csrf: admin.csrf,
    });
    assert.equal(hook.status, 201, hook.text);
    hookId = hook.json.id;

    // A signed-in resident: anonymous reports are throttled per address,
    // which other test files share.
    const resident = await session('resident');
    const report = await request('/api/v1/cases', {
      json: { service_code: 'sanitation', description: 'webhook 测试：垃圾桶满了 / bins full (test)', lat: 22.78, long: 114.47 },
      cookie: resident.cookie, csrf: resident.csrf,
    });
    // No such route yet: 404 (or 405 while only other methods exist).
    const noRoute = (report.status === 404 && report.json?.error?.code === 'not_found' && !report.json?.error?.field) ||
      report.status === 405;
    if (noRoute) {
      t.skip('POST /api/v1/cases does not exist yet');
      return;
    }
    assert.ok(report.status === 200 || report.status === 201, `POST /api/v1/cases: ${report.status} ${report.text}`);
    const caseId = report.json.id ?? report.json.case?.id ?? Number(report.json.service_request_id);

    // Other tests may report cases meanwhile: wait for this one's event.
    const d = await rx.waitFor((x) => {
      try {
        const b = JSON.parse(x.raw.toString('utf8'));
        return b.event === 'report' && (!Number.isInteger(caseId) || b.data?.case_id === caseId);
      } catch {
        return false;
      }
    }, 15000);
    assert.ok(d, `no "report" delivery within 15 s (received ${rx.deliveries.length})`);
    assert.equal(d.method, 'POST');
    assert.equal(d.path, '/tongxin');
    assert.equal(d.headers['content-type'], 'application/json');
    assert.equal(d.headers['x-tongxin-event'], 'report');
    assert.match(d.headers['x-tongxin-delivery'], /^[1-9]\d*$/);
    const sig = d.headers['x-tongxin-signature'];
    assert.match(sig, /^sha256=[0-9a-f]{64}$/);
    assert.ok(timingSafeEqual(Buffer.from(sig), Buffer.from(sign(d.raw))), 'the signature is the HMAC-SHA256 of the body');
    const body = JSON.parse(d.raw.toString('utf8'));
    assert.equal(body.event, 'report');
    assert.equal(typeof body.event_id, 'number');
    assert.match(body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.ok('data' in body);

    // The outcome is recorded right after the answer.
    const deliveryId = Number(d.headers['x-tongxin-delivery']);
    let row;
    for (let i = 0; i < 50 && row?.status !== 'delivered'; i++) {
      const list = await request(`/api/v1/webhooks/${hookId}/deliveries`, { cookie: admin.cookie });
      row = list.json.items.find((x) => x.id === deliveryId);
      if (row?.status !== 'delivered') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(row?.status, 'delivered', JSON.stringify(row));
    assert.equal(row.attempts, 1);
    assert.equal(row.last_status, 204);
    assert.deepEqual(row.body, body, 'the deliveries list shows the body as sent');
  } finally {
    if (hookId) await request(`/api/v1/webhooks/${hookId}`, { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf });
    await rx.close();
  }
});
