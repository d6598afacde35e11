// Helpers for the API tests (black-box, against a live server started by
// scripts/run-api). The harness passes, through the environment:
//   TONGXIN_URL        base URL of the server, e.g. http://127.0.0.1:41234
//   TONGXIN_DB         path of the server's SQLite database
//   TONGXIN_BIN        the tongxin binary (for CLI calls while the server runs)
//   TONGXIN_FIXTURES   JSON file: {demo, users: {login: {login, role, scope, password}},
//                      api_keys: {name: {name, role, scope, id, key}}}
//                      (made by tests/api/fixtures.sh)
//   TONGXIN_SERVER_LOG the server's log file
//
// Failed sign-ins are throttled per login (5) and per client address (30 in
// 15 minutes). Every test file talks to the same server from 127.0.0.1, so
// the whole suite must stay well under 30 failed sign-ins in all; a test that
// needs failures uses its own fixture user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import net from 'node:net';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the API tests through scripts/run-api BUILD_DIR`);
  return v;
}

export const BASE = need('TONGXIN_URL');
export const DB = process.env.TONGXIN_DB;
export const BIN = process.env.TONGXIN_BIN;
const url = new URL(BASE);
export const HOST = url.hostname;
export const PORT = Number(url.port);

let fx;
export function fixtures() {
  if (!fx) fx = JSON.parse(readFileSync(need('TONGXIN_FIXTURES'), 'utf8'));
  return fx;
}

/** A fixture user by login: {login, role, scope, password}. */
export function user(login) {
  const u = fixtures().users[login];
  if (!u) throw new Error(`fixture user '${login}' is missing: add it in tests/api/fixtures.sh`);
  return u;
}

/** A fixture API key by name: {name, role, scope, id, key}. */
export function apiKey(name) {
  const k = fixtures().api_keys[name];
  if (!k) throw new Error(`fixture API key '${name}' is missing: add it in tests/api/fixtures.sh`);
  return k;
}

/**
 * One request. opts: method, headers, json (sent as application/json),
 * body (string or Buffer, sent as is), cookie, csrf, bearer.
 * Returns {status, headers, text, json} (json is null when the body is not JSON).
 */
export async function request(path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const method = opts.method || (body !== undefined ? 'POST' : 'GET');
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body, redirect: 'manual' });
  } catch (e) {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED: the server is gone).
    throw new Error(`${method} ${path}: ${e.cause ? e.cause.message || e.cause.code : e.message}`);
  }
  const text = await res.text();
  let json = null;
  if ((res.headers.get('content-type') || '').startsWith('application/json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (RECORD) record(method, path, headers, res, text, json);
  return { status: res.status, headers: res.headers, text, json };
}

// ---- the personal-data scan (scripts/run-api, tests/api/personal-data-scan.mjs) ----
// With TONGXIN_RECORD set (a folder), every answer received through request()
// is appended to TONGXIN_RECORD/<pid>.jsonl with who asked (the credential
// sent), so that after the suite every body can be searched for the
// reporters' phone numbers and checked against the cases' scopes.
const RECORD = process.env.TONGXIN_RECORD;

function record(method, path, headers, res, text, json) {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const bearer = /^bearer\s+(\S+)/i.exec(h.authorization || '');
  const cookie = /(?:^|;\s*)tx_session=([^;\s]+)/.exec(h.cookie || '');
  const rec = { m: method, p: path, s: res.status, bearer: bearer ? bearer[1] : null, cookie: cookie ? cookie[1] : null, b: text };
  // A sign-in: the session it made and whose it is.
  if (path.startsWith('/api/v1/auth/login') && res.status === 200 && json && json.user) {
    const made = setCookies(res).map((c) => /^tx_session=([^;]+)/.exec(c)).find(Boolean);
    if (made) rec.session = { cookie: made[1], user: json.user };
  }
  appendFileSync(`${RECORD}/${process.pid}.jsonl`, `${JSON.stringify(rec)}\n`);
}

/** Assert an error answer: status, JSON {"error":{"code","message","field"?}}. */
export function assertError(res, status, code, field) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') || '', /^application\/json/, 'error bodies are JSON');
  assert.ok(res.json && typeof res.json.error === 'object', `error body must be {"error":{...}}: ${res.text.slice(0, 300)}`);
  const e = res.json.error;
  assert.equal(typeof e.code, 'string');
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, 'the error message is not empty');
  if (code !== undefined) assert.equal(e.code, code, `error code: ${res.text.slice(0, 300)}`);
  if (field !== undefined) assert.equal(e.field, field, `error field: ${res.text.slice(0, 300)}`);
  return e;
}

export const HAN = /[\u4e00-\u9fff]/;

/** The Set-Cookie values of a fetch response (one per cookie). */
export function setCookies(res) {
  const h = res.headers;
  return h.getSetCookie ? h.getSetCookie() : [h.get('set-cookie')].filter(Boolean);
}

/** Sign in; returns {res, cookie ("tx_session=..."), csrf, setCookie}. */
export async function login(login, password) {
  const res = await request('/api/v1/auth/login', { json: { login, password } });
  const session = setCookies(res).find((c) => c.startsWith('tx_session='));
  const cookie = session ? session.split(';')[0] : undefined;
  return { res, cookie, csrf: res.json && res.json.csrf_token, setCookie: session };
}

/** Sign in as a fixture user and assert it worked. */
export async function signIn(loginName) {
  const u = user(loginName);
  const s = await login(u.login, u.password);
  assert.equal(s.res.status, 200, `sign-in as ${loginName}: ${s.res.text}`);
  assert.ok(s.cookie, 'sign-in sets the session cookie');
  return s;
}

/** Run the tongxin CLI on the test database; returns {status, stdout, stderr}. */
export function cli(args, input) {
  if (!BIN || !DB) throw new Error('TONGXIN_BIN and TONGXIN_DB are not set: run through scripts/run-api');
  const r = spawnSync(BIN, [...args, '--db', `sqlite:${DB}`], { input, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---- raw HTTP/1.1 over a socket, for keep-alive, pipelining and odd bytes ----

/** Open a TCP connection to the server. */
export function connect() {
  return new Promise((resolve, reject) => {
    const s = net.createConnection({ host: HOST, port: PORT });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/**
 * Reads HTTP/1.1 responses from a socket in order. next() resolves with
 * {status, reason, headers (lower-case names → value; repeated names joined
 * with ", "), body (Buffer)}; rejects if the connection ends first.
 */
export class ResponseReader {
  constructor(sock) {
    this.buf = Buffer.alloc(0);
    this.waiters = [];
    this.ended = false;
    this.error = null;
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.pump();
    });
    sock.on('end', () => {
      this.ended = true;
      this.pump();
    });
    sock.on('close', () => {
      this.ended = true;
      this.pump();
    });
    sock.on('error', (e) => {
      this.error = e;
      this.ended = true;
      this.pump();
    });
  }

  parseOne() {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const head = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(head[0]);
    if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(head[0])}`);
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    const status = Number(m[1]);
    let len = 0;
    if (headers['transfer-encoding']) throw new Error('chunked responses are not handled by this reader');
    if (status !== 204 && status !== 304 && headers['content-length'] !== undefined) len = Number(headers['content-length']);
    if (this.buf.length < end + 4 + len) return null;
    const body = this.buf.subarray(end + 4, end + 4 + len);
    this.buf = this.buf.subarray(end + 4 + len);
    return { status, reason: m[2], headers, body };
  }

  pump() {
    while (this.waiters.length) {
      let r;
      try {
        r = this.parseOne();
      } catch (e) {
        this.waiters.shift().reject(e);
        continue;
      }
      if (r) {
        this.waiters.shift().resolve(r);
      } else if (this.ended) {
        const why = this.error ? `: ${this.error.message}` : '';
        this.waiters.shift().reject(new Error(`connection closed before a complete response${why}`));
      } else {
        return;
      }
    }
  }

  next() {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }
}

/** The bytes of a GET request. */
export function rawGet(path, extraHeaders = {}) {
  let s = `GET ${path} HTTP/1.1\r\nHost: ${HOST}:${PORT}\r\n`;
  for (const [k, v] of Object.entries(extraHeaders)) s += `${k}: ${v}\r\n`;
  return s + '\r\n';
}

/**
 * Send bytes on a fresh connection and read one response. Write errors
 * (the server may answer and close before reading everything) are ignored.
 */
export async function rawExchange(bytes) {
  const sock = await connect();
  try {
    const reader = new ResponseReader(sock);
    sock.on('error', () => {});
    sock.write(bytes);
    return await reader.next();
  } finally {
    sock.destroy();
  }
}
