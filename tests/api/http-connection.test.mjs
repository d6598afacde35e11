// HTTP/1.1 connection handling: keep-alive and pipelining, on raw sockets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseReader, connect, rawGet } from './lib.mjs';

test('many requests in turn on one keep-alive connection', async () => {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    const paths = ['/healthz', '/readyz', '/api/v1/about', '/api/v1/auth/me', '/api/v1/nope', '/metrics'];
    const want = [200, 200, 200, 401, 404, 200];
    for (let i = 0; i < 60; i++) {
      const k = i % paths.length;
      sock.write(rawGet(paths[k], { 'X-Request-Id': `ka-${i}` }));
      const r = await reader.next();
      assert.equal(r.status, want[k], `request ${i} ${paths[k]}`);
      assert.equal(r.headers['x-request-id'], `ka-${i}`);
      assert.notEqual((r.headers.connection || '').toLowerCase(), 'close', `request ${i} keeps the connection`);
    }
  } finally {
    sock.destroy();
  }
});

test('pipelined requests are answered in order', async () => {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    // A mix of answers made on the loop thread and on store threads, so a
    // slow one in front must hold back the quick ones behind it.
    const paths = ['/readyz', '/healthz', '/api/v1/auth/me', '/api/v1/about', '/readyz', '/api/v1/nope', '/healthz', '/metrics'];
    const want = [200, 200, 401, 200, 200, 404, 200, 200];
    const n = 24;
    let bytes = '';
    for (let i = 0; i < n; i++) bytes += rawGet(paths[i % paths.length], { 'X-Request-Id': `pipe-${i}` });
    sock.write(bytes); // all at once, before reading anything
    for (let i = 0; i < n; i++) {
      const r = await reader.next();
      assert.equal(r.headers['x-request-id'], `pipe-${i}`, `answer ${i} comes in order`);
      assert.equal(r.status, want[i % paths.length], `answer ${i} (${paths[i % paths.length]})`);
    }
  } finally {
    sock.destroy();
  }
});

test('pipelined POSTs with bodies are answered in order', async () => {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    const bodies = ['[1]', '{"login":"nobody-pipelined","password":"x","extra":1}', '{bad', '{}'];
    const want = [400, 400, 400, 400];
    let bytes = '';
    bodies.forEach((b, i) => {
      bytes += `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Request-Id: post-${i}\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    });
    bytes += rawGet('/healthz', { 'X-Request-Id': 'post-last' });
    sock.write(bytes);
    for (let i = 0; i < bodies.length; i++) {
      const r = await reader.next();
      assert.equal(r.headers['x-request-id'], `post-${i}`);
      assert.equal(r.status, want[i], `body ${bodies[i]}: ${r.body}`);
    }
    const last = await reader.next();
    assert.equal(last.headers['x-request-id'], 'post-last');
    assert.equal(last.status, 200);
  } finally {
    sock.destroy();
  }
});

test('Connection: close is honoured', async () => {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    const closed = new Promise((resolve) => sock.once('close', resolve));
    sock.write(rawGet('/healthz', { Connection: 'close' }));
    const r = await reader.next();
    assert.equal(r.status, 200);
    await closed; // the server closes its side
  } finally {
    sock.destroy();
  }
});

test('HTTP/1.0 requests are answered', async () => {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    sock.write('GET /healthz HTTP/1.0\r\n\r\n');
    const r = await reader.next();
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body.toString()), { status: 'ok' });
  } finally {
    sock.destroy();
  }
});

test('a garbage request line gets 400, and the server goes on', async () => {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    sock.write('THIS IS NOT HTTP\r\n\r\n');
    const r = await reader.next();
    assert.equal(r.status, 400);
  } finally {
    sock.destroy();
  }
  const sock2 = await connect();
  try {
    const reader = new ResponseReader(sock2);
    sock2.write(rawGet('/healthz'));
    assert.equal((await reader.next()).status, 200);
  } finally {
    sock2.destroy();
  }
});
