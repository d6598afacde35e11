// Helpers for the stress tests (crash.mjs, faults.mjs): a tongxin server
// started and killed at will on a database of our own, the CLI, sqlite3,
// the demo fixtures, a webhook receiver, and a tally of checks that ends
// with the line "N passed, N failed".
//
// Waits are polls with generous caps (hang guards, not speed limits): the
// tests must pass on a loaded two-core machine and under ASan.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds since an arbitrary start, monotonic. */
export const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;

/** Median and maximum of a list of numbers, as "median X ms, max Y ms (n N)". */
export function spread(xs) {
  if (xs.length === 0) return 'none';
  const s = [...xs].sort((a, b) => a - b);
  const med = s[Math.floor((s.length - 1) / 2)];
  return `median ${med.toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (n ${s.length})`;
}

// ---- the tally ----

export class Tally {
  constructor() {
    this.passed = 0;
    this.failed = 0;
  }

  /** One check: prints "ok - name" or "not ok - name: detail". */
  check(name, ok, detail = '') {
    if (ok) {
      this.passed++;
      console.log(`ok - ${name}`);
    } else {
      this.failed++;
      console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
    }
    return ok;
  }

  /** The last line, and the exit status. */
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exitCode = this.failed === 0 && this.passed > 0 ? 0 : 1;
  }
}

// ---- the CLI and sqlite3 ----

/** Run the tongxin CLI on db; returns {status, stdout, stderr}. */
export function cli(bin, db, args, opts = {}) {
  const r = spawnSync(bin, [...args, '--db', `sqlite:${db}`], { encoding: 'utf8', cwd: opts.cwd, input: opts.input });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Rows of a query by the sqlite3 tool, each an array of strings (tab-separated
 * output; the queries here return numbers and plain words). Read-only queries
 * are safe while the server runs: WAL readers see the last commit. */
export function sql(db, query) {
  const r = spawnSync('sqlite3', ['-batch', '-noheader', '-separator', '\t', '-cmd', '.timeout 10000', db, query], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`sqlite3 ${query}: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** PRAGMA integrity_check and foreign_key_check: "ok", or what they found. */
export function integrity(db) {
  const ic = sql(db, 'PRAGMA integrity_check').map((r) => r.join(' '));
  const fk = sql(db, 'PRAGMA foreign_key_check').map((r) => r.join(' '));
  if (ic.length === 1 && ic[0] === 'ok' && fk.length === 0) return 'ok';
  return [...ic, ...fk.map((l) => `foreign key: ${l}`)].slice(0, 5).join('; ');
}

/** tongxin stats cases --recompute: "match", or what differs. */
export function countersMatch(bin, db) {
  const r = cli(bin, db, ['stats', 'cases', '--recompute', '--json']);
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    return `exit ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`;
  }
  const differ = out.differences_total ?? -1;
  const odd = (out.cases_without_report || []).length;
  if (r.status === 0 && differ === 0 && odd === 0) return 'match';
  return `exit ${r.status}, ${differ} counter row(s) differ, ${odd} case(s) without a report event`;
}

/** A fresh demo database and two API keys: an Open311 client and a street
 * admin (for staff actions and webhooks). */
export function fixtures(bin, db, cwd) {
  const demo = cli(bin, db, ['demo'], { cwd });
  if (demo.status !== 0) throw new Error(`tongxin demo: ${demo.stderr.trim()}`);
  const key = (args) => {
    const r = cli(bin, db, ['apikey', 'create', ...args], { cwd });
    if (r.status !== 0) throw new Error(`tongxin apikey create: ${r.stderr.trim()}`);
    return r.stdout.trim().split('\n').pop();
  };
  return {
    intake: key(['--name', 'stress-intake']),
    ops: key(['--name', 'stress-ops', '--role', 'street_admin', '--scope', 'DS']),
  };
}

// ---- the server ----

/** A free loopback port (the kernel's choice). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Start 'tongxin serve' on db and wait until /healthz answers.
 * opts: log (file, appended), env (added to ours), cwd, waitMs.
 * Returns {proc, url, exited (a promise of {code, signal})}.
 */
export async function startServer(bin, db, opts = {}) {
  const waitMs = opts.waitMs ?? 60000;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const fd = openSync(opts.log, 'a');
    const proc = spawn(bin, ['serve', '--db', `sqlite:${db}`, '--listen', `127.0.0.1:${port}`, '--threads', '2', '--quiet'], {
      cwd: opts.cwd,
      env: { ...process.env, ...(opts.env || {}) },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    let gone = false;
    exited.then(() => {
      gone = true;
    });
    const url = `http://127.0.0.1:${port}`;
    const end = now() + waitMs;
    while (!gone && now() < end) {
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
        if (r.status === 200) return { proc, url, exited };
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    if (!gone) {
      proc.kill('SIGKILL');
      await exited;
      throw new Error(`the server did not answer /healthz within ${waitMs / 1000} s (log: ${opts.log})`);
    }
    // It exited at start: perhaps the port was taken meanwhile; try another.
  }
  throw new Error(`the server exited at start three times (log: ${opts.log})`);
}

/** SIGTERM and wait: the exit status (a number, or the signal's name). */
export async function stopServer(server, waitMs = 60000) {
  server.proc.kill('SIGTERM');
  let timer;
  const r = await Promise.race([server.exited, new Promise((resolve) => (timer = setTimeout(resolve, waitMs, null)))]);
  clearTimeout(timer);
  if (r === null) {
    server.proc.kill('SIGKILL');
    await server.exited;
    return 'still running after SIGTERM';
  }
  return r.signal ?? r.code;
}

// ---- requests ----

/** One request; never throws for an HTTP status. Returns {status, headers,
 * text, json, ms}; throws when the connection fails. */
export async function request(url, opts = {}) {
  const t0 = now();
  const res = await fetch(url, {
    method: opts.method || (opts.body !== undefined ? 'POST' : 'GET'),
    headers: opts.headers,
    body: opts.body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 120000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json, ms: now() - t0 };
}

const POINT = { lat: 22.78, long: 114.47 }; // 东湖社区第1网格 in the demo street
const CODES = ['sanitation', 'streetlight', 'road', 'greenery', 'facilities']; // no required attributes

/** An Open311 report (form post with the intake key), in English. */
export function report(base, key, description) {
  const form = new URLSearchParams({
    api_key: key,
    service_code: CODES[Math.floor(Math.random() * CODES.length)],
    lat: String(POINT.lat + (Math.random() - 0.5) * 0.001),
    long: String(POINT.long + (Math.random() - 0.5) * 0.001),
    description,
  });
  return request(`${base}/open311/v2/requests.json`, {
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
  });
}

/** The case id of a successful Open311 answer. */
export const reportedId = (r) => Number(r.json?.[0]?.service_request_id);

/** A staff action on a case with the street admin's key, in English. */
export function act(base, key, caseId, body) {
  return request(`${base}/api/v1/cases/${caseId}/actions`, {
    body: JSON.stringify(body),
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'accept-language': 'en' },
  });
}

/** The error text of an answer: Open311's [{"code","description"}] or ours. */
export const errorText = (r) => r.json?.[0]?.description ?? r.json?.error?.message ?? r.text.slice(0, 200);

// ---- a webhook receiver ----

/** A receiver on a free loopback port that answers 204 and keeps what came:
 * {url, secret, byEvent: Map(event_id → deliveries), badSignatures, close()}. */
export async function receiver() {
  const secret = 'stress-receiver-secret-0123456789';
  const rx = { secret, byEvent: new Map(), deliveries: 0, badSignatures: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const sig = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      if (req.headers['x-tongxin-signature'] !== sig) rx.badSignatures++;
      try {
        const id = JSON.parse(raw.toString('utf8')).event_id;
        rx.byEvent.set(id, (rx.byEvent.get(id) || 0) + 1);
        rx.deliveries++;
      } catch {
        rx.badSignatures++;
      }
      res.writeHead(204);
      res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  rx.url = `http://127.0.0.1:${server.address().port}/stress`;
  rx.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return rx;
}
