// HTTP abuse on loopback, for tests/api/http-abuse.test.mjs (quick, in make
// check) and tests/stress/http-abuse.test.mjs (long, in make stress): a
// server of our own, abusive clients (idle connections, slow headers, slow
// bodies, oversized headers and bodies, garbage, pipelined garbage), and a
// well-behaved client in a worker thread of its own (so the abusers' work in
// this process does not delay it) that measures its latency throughout.
//
// Nothing here asserts a time: the figures are printed; the tests assert
// that the well-behaved client always got its answers, that the abusers got
// the answers they deserve, and that the server gives back what they held.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BIN } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

/**
 * Send bytes on a fresh connection and read until the server closes it (or
 * timeoutMs): {status (null: no answer), closed (by the server), head, body}.
 * A server that refuses a request may close while the client still sends,
 * and the kernel's reset can then drop the answer: callers that send much
 * accept {status: null, closed: true} as a refusal.
 */
export function once(port, bytes, timeoutMs = 30000) {
  return new Promise((resolve) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    let closed = false;
    const done = () => {
      clearTimeout(t);
      s.destroy();
      const text = got.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const end = text.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : null, closed, head: text.slice(0, end), body: text.slice(end + 4) });
    };
    const t = setTimeout(done, timeoutMs);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
    });
    s.on('error', () => {});
    s.on('close', () => {
      closed = true;
      done();
    });
    s.on('connect', () => s.write(bytes));
  });
}

const get = (path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;

/**
 * Start `tongxin serve` on a database of its own. opts: maxConnections,
 * threads (default 2), args. Returns {port, pid, child, log(), stop()}.
 */
export async function startServer(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-abuse-'));
  const port = await freePort();
  const args = ['serve', '--db', `sqlite:${join(dir, 'a.db')}`, '--listen', `127.0.0.1:${port}`, '--threads', String(opts.threads || 2),
    '--max-connections', String(opts.maxConnections || 10000), '--quiet', ...(opts.args || [])];
  const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => {
    log += d.toString();
  });
  for (let i = 0; ; i++) {
    const r = await once(port, get('/readyz'), 2000);
    if (r.status === 200) break;
    assert.ok(i < 300 && child.exitCode === null, `the abuse server did not start: ${log}`);
    await sleep(100);
  }
  return {
    port,
    pid: child.pid,
    child,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
        child.kill('SIGTERM');
        const e = await exited;
        rmSync(dir, { recursive: true, force: true });
        return e;
      }
      rmSync(dir, { recursive: true, force: true });
      return { code: child.exitCode, signal: child.signalCode };
    },
  };
}

/** The server's open-connection gauge (tongxin_http_connections at /metrics), on a connection of its own. */
export async function connectionsGauge(port) {
  const r = await once(port, get('/metrics'));
  assert.equal(r.status, 200, 'GET /metrics answers');
  const m = /^tongxin_http_connections (\d+)$/m.exec(r.body);
  assert.ok(m, 'the connection gauge is in /metrics');
  return Number(m[1]);
}

/** Open file descriptors and resident memory (MiB) of a process. */
export function processFigures(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
  return { fds: readdirSync(`/proc/${pid}/fd`).length, rssMiB: Math.round(rss * 10) / 10 };
}

/** Sample a process's figures every 200 ms until stop(): {stop() -> the highest fds and RSS seen}. */
export function peakSampler(pid) {
  let peak = processFigures(pid);
  const timer = setInterval(() => {
    try {
      const f = processFigures(pid);
      peak = { fds: Math.max(peak.fds, f.fds), rssMiB: Math.max(peak.rssMiB, f.rssMiB) };
    } catch {
      /* the process is gone */
    }
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** The soft limit on open files of this process (and of the servers it starts). */
export function openFileLimit() {
  return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || Infinity;
}

/** Poll until pred() holds (a hang guard, not a time limit); returns the last value. */
export async function until(fn, pred, guardMs = 60000) {
  const end = Date.now() + guardMs;
  for (;;) {
    const v = await fn();
    if (pred(v) || Date.now() > end) return v;
    await sleep(200);
  }
}

// ---- the well-behaved client ----

const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, paths } = workerData;
let phase = 'start', stop = false;
const samples = [];
parentPort.on('message', (m) => { if (m.phase) phase = m.phase; if (m.stop) stop = true; });
function connect() {
  return new Promise((res, rej) => { const s = net.createConnection({ host: '127.0.0.1', port }); s.setNoDelay(true); s.once('connect', () => res(s)); s.once('error', rej); });
}
(async () => {
  let sock = null, buf = '', waiter = null, closed = false;
  const onData = (d) => { buf += d.toString('latin1'); if (waiter) waiter(); };
  for (let i = 0; !stop; i++) {
    const path = paths[i % paths.length];
    const t0 = process.hrtime.bigint();
    let status = 0, error = null, fresh = false;
    try {
      if (!sock || closed) {
        sock = await connect(); fresh = true; closed = false; buf = '';
        sock.on('data', onData);
        sock.on('close', () => { closed = true; if (waiter) waiter(); });
        sock.on('error', () => {});
      }
      sock.write('GET ' + path + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n');
      const guard = Date.now() + 30000;
      for (;;) {
        const end = buf.indexOf('\\r\\n\\r\\n');
        if (end >= 0) {
          const len = /content-length: (\\d+)/i.exec(buf.slice(0, end));
          const total = end + 4 + (len ? Number(len[1]) : 0);
          if (buf.length >= total) { status = Number(buf.slice(9, 12)); buf = buf.slice(total); break; }
        }
        if (closed) { error = 'closed'; break; }
        if (Date.now() > guard) { error = 'no answer in 30 s'; sock.destroy(); closed = true; break; }
        await new Promise((r) => { waiter = r; setTimeout(r, 100); });
        waiter = null;
      }
    } catch (e) { error = e.code || e.message; closed = true; }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    samples.push({ phase, path, ms, status, error, fresh });
    await new Promise((r) => setTimeout(r, 5));
  }
  if (sock) sock.destroy();
  parentPort.postMessage({ samples });
})();
`;

/** Start the well-behaved client: GET /healthz and /readyz in turn on a keep-alive connection. */
export function startProber(port, paths = ['/readyz', '/healthz']) {
  const w = new Worker(PROBER, { eval: true, workerData: { port, paths } });
  return {
    phase(name) {
      w.postMessage({ phase: name });
    },
    stop() {
      return new Promise((resolve, reject) => {
        w.once('message', (m) => {
          w.terminate().then(() => resolve(m.samples));
        });
        w.once('error', reject);
        w.postMessage({ stop: true });
      });
    },
  };
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/** Per phase: n, failures, p50/p99/max latency in ms. */
export function latencyTable(samples) {
  const phases = [...new Set(samples.map((s) => s.phase))];
  return phases.map((phase) => {
    const ss = samples.filter((s) => s.phase === phase);
    const ms = ss.filter((s) => !s.error).map((s) => s.ms).sort((a, b) => a - b);
    const r = (x) => Math.round(x * 100) / 100;
    return { phase, requests: ss.length, failed: ss.filter((s) => s.error || s.status !== 200).length, p50_ms: r(pct(ms, 50)), p99_ms: r(pct(ms, 99)), max_ms: r(ms.at(-1) ?? NaN) };
  });
}

// ---- the abusers ----

/**
 * Open n connections (in batches) that send nothing; resolves with the
 * sockets. Each gets openedAt, and closedAt when the server closes it.
 */
export async function idle(port, n) {
  const socks = [];
  for (let i = 0; i < n; i += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, n - i) }, () => new Promise((resolve) => {
      const s = net.createConnection({ host: '127.0.0.1', port });
      s.openedAt = Date.now();
      s.on('error', () => {});
      s.once('close', () => {
        if (!s.byUs) s.closedAt = Date.now();
      });
      s.once('connect', () => resolve(s));
      s.once('close', () => resolve(s));
    })));
    socks.push(...batch);
  }
  return socks;
}

/**
 * n connections that trickle: a request head one header line every
 * everyMs ('headers'), or a head announcing a body of 100,000 bytes and then
 * 10 bytes every everyMs ('body'). Each records when the server closed it.
 * Returns {socks, closedByServer: () => count, closeTimes: [] (ms after open)}.
 */
export function trickle(port, n, kind, everyMs = 300) {
  const socks = [];
  const closeTimes = [];
  for (let i = 0; i < n; i++) {
    const s = net.createConnection({ host: '127.0.0.1', port });
    const t0 = Date.now();
    s.on('error', () => {});
    let timer = null;
    s.once('connect', () => {
      if (kind === 'headers') {
        s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        timer = setInterval(() => s.write(`X-Slow-${Math.floor(Math.random() * 1e9)}: yes\r\n`), everyMs);
      } else {
        s.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"login":"');
        timer = setInterval(() => s.write('aaaaaaaaaa'), everyMs);
      }
    });
    s.once('close', () => {
      clearInterval(timer);
      if (!s.byUs) closeTimes.push(Date.now() - t0);
    });
    socks.push(s);
  }
  return { socks, closeTimes };
}

/** Close sockets from our side. */
export function closeAll(socks) {
  for (const s of socks) {
    s.byUs = true;
    s.destroy();
  }
}

/** Requests that are refused whole; each resolves with the status answered (null: closed unanswered). */
export const refused = {
  /** One header of `bytes` bytes: 431 (our limit on the head). */
  bigHeader: (port, bytes = 64 * 1024) => once(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: ${'a'.repeat(bytes)}\r\n\r\n`),
  /** 200 headers: more than h2o keeps (400). */
  manyHeaders: (port) => once(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 200 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`),
  /** A Content-Length of 100 MB: h2o refuses it before reading (413). */
  bigContentLength: (port) => once(port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{'),
  /** A 2 MiB JSON body (over --max-body, under h2o's cap): our JSON 413. */
  bigBody: (port) => {
    const body = JSON.stringify({ login: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
    return once(port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  },
  /** A chunked body that never ends, until the server stops it (413 at h2o's cap): {status, closed}. */
  endlessChunked: (port, capMiB = 64) => new Promise((resolve) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    let got = '';
    let sent = 0;
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(65536, 97), Buffer.from('\r\n')]);
    const pump = () => {
      while (sent < capMiB * 1024 * 1024) {
        sent += 65536;
        if (!s.write(chunk)) return s.once('drain', pump);
      }
    };
    s.on('error', () => {});
    s.on('data', (d) => {
      got += d.toString('latin1');
    });
    s.once('connect', () => {
      s.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      pump();
    });
    s.once('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      resolve({ status: m ? Number(m[1]) : null, closed: true });
    });
  }),
  /** Random bytes: 400 and closed. */
  garbage: (port, bytes = 4096) => once(port, Buffer.from(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256)))),
  /** Two good requests, then garbage: both answered (200), then the connection is closed. */
  pipelinedGarbage: (port) => new Promise((resolve) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    let got = '';
    s.on('error', () => {});
    s.on('data', (d) => {
      got += d.toString('latin1');
    });
    s.once('connect', () => s.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02 NOT HTTP \xff\xfe\r\n\r\n${'junk '.repeat(500)}`));
    // (Answers follow one another without a line break: a JSON body does not end with one.)
    s.once('close', () => resolve((got.match(/HTTP\/1\.1 \d{3} /g) || []).map((x) => Number(x.slice(9, 12)))));
  }),
};
