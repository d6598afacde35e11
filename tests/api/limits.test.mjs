// Connection and request-size limits, on a second server of our own started
// with small limits (the shared test server keeps the defaults).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BIN } from './lib.mjs';

let server, port, dir;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/* Raw sockets only, closed after each use: fetch would keep pooled
 * connections open and use up the very slots under test. */
async function waitHealthy() {
  for (let i = 0; i < 100; i++) {
    try {
      const s = await open();
      const answer = await ask(s);
      s.destroy();
      if (/^HTTP\/1.1 200/.test(answer)) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the second server did not answer /healthz');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongxin-limits-'));
  port = await freePort();
  server = spawn(BIN, ['serve', '--db', `sqlite:${join(dir, 'l.db')}`, '--listen', `127.0.0.1:${port}`,
    '--threads', '1', '--max-connections', '2', '--max-body', '2048', '--quiet'], { stdio: 'ignore' });
  await waitHealthy();
});

after(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Open a connection; resolves with the socket once connected. */
function open() {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Send a request (default GET /healthz) and resolve with what is answered
 * up to the end of the body, or '' if the server closes without answering. */
function ask(sock, request) {
  return new Promise((resolve) => {
    let got = '';
    const done = () => resolve(got);
    sock.on('data', (d) => {
      got += d.toString('utf8');
      const head = got.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(got);
      if (head >= 0 && (!len || Buffer.byteLength(got.slice(head + 4)) >= Number(len[1]))) done();
    });
    sock.on('close', done);
    sock.on('error', done);
    sock.write(request || `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  });
}

test('beyond --max-connections a new connection is closed at once; freed slots are reused', async () => {
  // The server frees a slot when its loop sees the close, which may come a
  // moment after the client's: the connection waitHealthy() just closed can
  // still hold one. Take the two slots once both answer.
  let a;
  let b;
  let answers = [];
  for (let i = 0; i < 50; i++) {
    a = await open();
    b = await open();
    answers = [await ask(a), await ask(b)];
    if (answers.every((x) => /^HTTP\/1.1 200/.test(x))) break;
    a.destroy();
    b.destroy();
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(answers[0], /^HTTP\/1.1 200/);
  assert.match(answers[1], /^HTTP\/1.1 200/);
  const c = await open();
  assert.equal(await ask(c), '', 'the third connection is closed without an answer');
  a.destroy();
  b.destroy();
  // The slots come back once the server has seen the closes.
  let answer = '';
  for (let i = 0; i < 50 && !/^HTTP/.test(answer); i++) {
    await new Promise((r) => setTimeout(r, 50));
    const d = await open();
    answer = await ask(d);
    d.destroy();
  }
  assert.match(answer, /^HTTP\/1.1 200/);
});

test('--max-body sets the size at which a body gets the JSON 413', async () => {
  const body = JSON.stringify({ login: 'x'.repeat(3000) });
  const s = await open();
  const answer = await ask(s, `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  s.destroy();
  assert.match(answer, /^HTTP\/1.1 413/);
  const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  assert.equal(json.error.code, 'body_too_large');
  assert.equal(json.error.field, 'body');
});
