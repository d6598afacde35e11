// Liveness, readiness, metrics and the deployment description.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from './lib.mjs';

test('GET /healthz answers 200 {"status":"ok"}', async () => {
  const r = await request('/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.json, { status: 'ok' });
});

test('GET /readyz answers 200 with the store and the writer ok', async () => {
  const r = await request('/readyz');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.store, 'ok');
  assert.equal(r.json.writer, 'ok');
});

test('HEAD /healthz is answered like GET, without a body', async () => {
  const r = await request('/healthz', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

test('GET /metrics is Prometheus text with the HTTP and writer metrics', async () => {
  await request('/healthz'); // at least one request counted
  const r = await request('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  for (const name of [
    'tongxin_http_requests_total',
    'tongxin_writer_queue_depth',
    'tongxin_writer_batch_size',
    'tongxin_writer_commit_seconds',
  ]) {
    assert.match(r.text, new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'), `# TYPE line for ${name}`);
  }
  // Every sample line is NAME{labels} VALUE or NAME VALUE.
  for (const line of r.text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eE]+(Inf)?$|^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? NaN$/, `sample line: ${line}`);
  }
  assert.match(r.text, /^tongxin_http_requests_total\{route="healthz",status="200"\} [1-9]\d*$/m);
});

test('the request counter grows with the requests', async () => {
  const count = async () => {
    const t = (await request('/metrics')).text;
    const m = /^tongxin_http_requests_total\{route="about",status="200"\} (\d+)$/m.exec(t);
    return m ? Number(m[1]) : 0;
  };
  const before = await count();
  for (let i = 0; i < 3; i++) assert.equal((await request('/api/v1/about')).status, 200);
  assert.ok((await count()) >= before + 3);
});

test('GET /api/v1/about describes the deployment as JSON', async () => {
  const r = await request('/api/v1/about');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.json.name, 'tongxin');
  assert.equal(r.json.name_zh, '同心');
  assert.equal(typeof r.json.version, 'string');
  assert.ok(Array.isArray(r.json.languages) && r.json.languages.includes('zh-CN') && r.json.languages.includes('en'));
  assert.equal(typeof r.json.schema_version, 'number');
  assert.ok(r.json.schema_version >= 1);
});
