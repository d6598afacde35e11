// A deployment with a map tile service (tongxin serve --tiles): the web app
// learns it from /api/v1/about, and the CSP lets images come from that
// origin and no other. Without --tiles (the suite's server) there is no
// "map" in about and images come from 'self' only. Bad templates are
// refused at start with a message.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, request } from './lib.mjs';

const TILES = 'https://{s}.tiles.example.org/{z}/{x}/{y}.png';
let dir, port, server;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function get(path) {
  for (let i = 0; ; i++) {
    try {
      return await fetch(`http://127.0.0.1:${port}${path}`);
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongxin-tiles-'));
  port = await freePort();
  server = spawn(BIN, ['serve', '--db', `sqlite:${join(dir, 't.db')}`, '--listen', `127.0.0.1:${port}`, '--threads', '1',
    '--quiet', '--tiles', TILES, '--tiles-attribution', '© 示例地图'], { stdio: 'ignore' });
});

after(async () => {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await done;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('about names the tile service and the CSP allows its origin for images only', async () => {
  const r = await get('/api/v1/about');
  assert.equal(r.status, 200);
  const about = await r.json();
  assert.deepEqual(about.map, { tiles: TILES, attribution: '© 示例地图' });
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /img-src 'self' data: blob: https:\/\/\*\.tiles\.example\.org;/);
  assert.match(csp, /connect-src 'self';/);
  assert.match(csp, /script-src 'self';/);
});

test('without --tiles, about has no map and images come from self', async () => {
  const r = await request('/api/v1/about');
  assert.equal(r.json.map, undefined);
  assert.match(r.headers.get('content-security-policy'), /img-src 'self' data: blob:;/);
});

test('a tile template that is not an http(s) URL with {z}/{x}/{y}, or could break the header, is refused', () => {
  for (const bad of ['ftp://t.example.org/{z}/{x}/{y}.png', 'https://t.example.org/tiles.png',
    "https://t.example.org/{z}/{x}/{y}.png; script-src 'unsafe-inline'", 'https:///{z}/{x}/{y}']) {
    const r = spawnSync(BIN, ['serve', '--db', `sqlite:${join(dir, 'x.db')}`, '--listen', '127.0.0.1:1', '--tiles', bad],
      { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 2, `${bad}: exit status`);
    assert.match(r.stderr, /--tiles must be an http\(s\) URL template/, bad);
  }
  const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:1', '--tiles-attribution', 'x'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--tiles-attribution goes with --tiles/);
});
