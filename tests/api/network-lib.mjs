// Helpers for the API tests of the big-committee network (areas, locate,
// organisations, people, memberships, the network): demo-account sessions,
// calls that watch for personal data, unique codes, and the plane geometry
// the area tests need to place test compounds where nothing else is.
//
// The demo street ('tongxin demo', src/demo/danshui.h) must be loaded: the
// tests take the demo accounts (README.md) and their codes (DS, DS-BY, …).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, fixtures, login, request } from './lib.mjs';

export const DEMO_PASSWORD = 'tongxin-demo-2026';

/** node:test options: skipped when the demo street is not loaded. */
export const DEMO = { skip: !fixtures().demo && 'needs the demo street (tongxin demo)' };

/** test() that needs the demo street. */
export function dtest(name, fn) {
  return test(name, DEMO, fn);
}

/** A demo phone number (all demo numbers are 1390000xxxx). */
export const PHONE = /1390000\d{4}/;

/** Anonymous (no credential). */
export const ANON = null;

const sessions = new Map();

/**
 * A signed-in demo account (cached per test file): {login, role, cookie, csrf}.
 * Each file signs in at most once per account, and only successfully.
 */
export async function session(loginName) {
  if (!sessions.has(loginName)) {
    const s = await login(loginName, DEMO_PASSWORD);
    assert.equal(s.res.status, 200, `sign-in as demo account ${loginName}: ${s.res.text}`);
    assert.ok(s.cookie, 'sign-in sets the session cookie');
    sessions.set(loginName, { login: loginName, role: s.res.json.user.role, scope: s.res.json.user.scope, cookie: s.cookie, csrf: s.csrf });
  }
  return sessions.get(loginName);
}

/**
 * A new API key made with the CLI (lib.mjs cli()) while the server runs:
 * {login, role, scope, bearer}, usable as `who` in call().
 */
export function apiKeySession(role, scopeCode) {
  const name = uniqueCode('key').toLowerCase();
  const r = cli(['apikey', 'create', '--name', name, '--role', role, '--scope', scopeCode]);
  assert.equal(r.status, 0, `tongxin apikey create: ${r.stderr}`);
  const key = r.stdout.trim().split('\n').pop();
  assert.match(key, /^tx_/);
  return { login: name, role, scope: scopeCode, bearer: key };
}

/** Import areas (a FeatureCollection) with the CLI, as an operator would. */
export function cliImportAreas(fc) {
  const r = cli(['import', 'areas', '-'], JSON.stringify(fc));
  assert.equal(r.status, 0, `tongxin import areas: ${r.stderr}${r.stdout}`);
}

/** Fail when text shows a demo phone number. */
export function assertNoPhone(text, what) {
  const m = PHONE.exec(text);
  assert.ok(!m, `${what} shows a phone number (${m && m[0]}) to a caller who may not see personal data`);
}

/**
 * One call as `who` (a session, or ANON). opts: json (body), csrf (default
 * true: send the session's X-CSRF-Token), headers.
 * Every GET made anonymously or as a resident is checked for phone numbers.
 */
export async function call(who, method, path, opts = {}) {
  const o = { method, headers: opts.headers };
  if (opts.json !== undefined) o.json = opts.json;
  if (who && who.bearer) {
    o.bearer = who.bearer;
  } else if (who) {
    o.cookie = who.cookie;
    if (opts.csrf !== false && method !== 'GET' && method !== 'HEAD') o.csrf = who.csrf;
  }
  const res = await request(path, o);
  if (method === 'GET' && (!who || who.role === 'resident')) assertNoPhone(res.text, `GET ${path} as ${who ? who.login : 'anonymous'}`);
  return res;
}

export const get = (who, path) => call(who, 'GET', path);
export const post = (who, path, json, opts = {}) => call(who, 'POST', path, { ...opts, json });
export const patch = (who, path, json, opts = {}) => call(who, 'PATCH', path, { ...opts, json });
export const del = (who, path, opts = {}) => call(who, 'DELETE', path, opts);

/** Assert a status, with the body in the message. */
export function assertStatus(res, status, what = '') {
  assert.equal(res.status, status, `${what ? `${what}: ` : ''}expected ${status}, got ${res.status}: ${res.text.slice(0, 400)}`);
}

let seq = 0;
/** A code nobody else uses: PREFIX-<time><pid><n> (letters, digits, -). */
export function uniqueCode(prefix) {
  seq += 1;
  return `${prefix}-${Date.now().toString(36)}${process.pid.toString(36)}${seq}`.toUpperCase();
}

// ---- areas by code ----

let areaIndex;
/** The id of a demo area by code (from one anonymous GET /api/v1/areas?geometry=0 per file). */
export async function areaId(code) {
  if (!areaIndex) {
    const r = await get(ANON, '/api/v1/areas?geometry=0');
    assertStatus(r, 200, 'GET /api/v1/areas?geometry=0');
    areaIndex = new Map(r.json.features.map((f) => [f.properties.code, f.properties.id]));
  }
  const id = areaIndex.get(code);
  assert.ok(id, `demo area ${code} exists`);
  return id;
}

/** A demo area as a Feature (with its boundary), by code. */
export async function areaFeature(code) {
  const r = await get(ANON, `/api/v1/areas/${await areaId(code)}`);
  assertStatus(r, 200, `GET area ${code}`);
  return r.json;
}

/** An organisation by exact code (the q filter, then an exact match). */
export async function orgByCode(code) {
  const r = await get(ANON, `/api/v1/organisations?q=${encodeURIComponent(code)}&limit=1000`);
  assertStatus(r, 200, `GET organisations q=${code}`);
  const o = r.json.items.find((it) => it.code === code);
  assert.ok(o, `organisation ${code} exists`);
  return o;
}

/** Poll GET /api/v1/locate until pred(answer) holds (the boundary index is
 * rebuilt in the background after a commit); returns the last answer. A
 * hang guard, not a performance limit. */
export async function locateUntil(lat, long, pred, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await get(ANON, `/api/v1/locate?lat=${lat}&long=${long}`);
    assertStatus(r, 200, 'locate');
    if (pred(r.json) || Date.now() > until) return r.json;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

// ---- plane geometry on [longitude, latitude] ----

/** The polygons (arrays of rings) of a Polygon or MultiPolygon. */
export function polygons(g) {
  if (!g) return [];
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  return [];
}

function ringContains(ring, [x, y]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Is the point [long, lat] inside the geometry (holes excluded)? */
export function contains(g, p) {
  return polygons(g).some((poly) => ringContains(poly[0], p) && !poly.slice(1).some((h) => ringContains(h, p)));
}

const M_PER_DEG_LAT = 110540;
function metres([x1, y1], [x2, y2]) {
  const k = 111320 * Math.cos((((y1 + y2) / 2) * Math.PI) / 180);
  return Math.hypot((x2 - x1) * k, (y2 - y1) * M_PER_DEG_LAT);
}

function segmentDistance(p, a, b) {
  const k = 111320 * Math.cos((p[1] * Math.PI) / 180);
  const px = p[0] * k, py = p[1] * M_PER_DEG_LAT;
  const ax = a[0] * k, ay = a[1] * M_PER_DEG_LAT;
  const bx = b[0] * k, by = b[1] * M_PER_DEG_LAT;
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Distance in metres (about) from the point to the nearest edge of the geometry. */
export function edgeDistance(g, p) {
  let best = Infinity;
  for (const poly of polygons(g))
    for (const ring of poly)
      for (let i = 1; i < ring.length; i++) best = Math.min(best, segmentDistance(p, ring[i - 1], ring[i]));
  return best;
}

function bbox(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygons(g))
    for (const [x, y] of poly[0]) {
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    }
  return b;
}

/** The area-weighted centroid of a ring. */
export function ringCentroid(ring) {
  let a = 0, cx = 0, cy = 0;
  const [ox, oy] = ring[0]; // relative to the first vertex, for precision
  for (let i = 0; i + 1 < ring.length; i++) {
    const x0 = ring[i][0] - ox, y0 = ring[i][1] - oy, x1 = ring[i + 1][0] - ox, y1 = ring[i + 1][1] - oy;
    const c = x0 * y1 - x1 * y0;
    a += c;
    cx += (x0 + x1) * c;
    cy += (y0 + y1) * c;
  }
  a /= 2;
  return [ox + cx / (6 * a), oy + cy / (6 * a)];
}

/** The centroid of the geometry's largest outer ring when it lies well inside
 * the geometry; otherwise the sampled point farthest from every edge. */
export function interiorPoint(g, clearanceM = 5) {
  const polys = polygons(g);
  assert.ok(polys.length > 0, 'the area has a boundary');
  const ringArea = (r) => Math.abs(r.reduce((s, p, i) => (i ? s + (r[i - 1][0] * p[1] - p[0] * r[i - 1][1]) : s), 0));
  const biggest = polys.reduce((m, p) => (ringArea(p[0]) > ringArea(m[0]) ? p : m))[0];
  const c = ringCentroid(biggest);
  if (contains(g, c) && edgeDistance(g, c) >= clearanceM) return c;
  return freeSpot(g, [], clearanceM).point;
}

/**
 * The sampled point of `outer` farthest from every edge of `outer` and of
 * the `avoid` geometries (and outside all of them). Returns {point, clearance}
 * (clearance in metres); fails when no point has at least minClearanceM.
 */
export function freeSpot(outer, avoid, minClearanceM) {
  const [x0, y0, x1, y1] = bbox(outer);
  const N = 80;
  let best = null;
  for (let i = 1; i < N; i++)
    for (let j = 1; j < N; j++) {
      const p = [x0 + ((x1 - x0) * i) / N, y0 + ((y1 - y0) * j) / N];
      if (!contains(outer, p) || avoid.some((g) => contains(g, p))) continue;
      let d = edgeDistance(outer, p);
      for (const g of avoid) d = Math.min(d, edgeDistance(g, p));
      if (!best || d > best.clearance) best = { point: p, clearance: d };
    }
  assert.ok(best && best.clearance >= minClearanceM, `a spot ${minClearanceM} m clear of every edge (best: ${best && best.clearance.toFixed(1)} m)`);
  return best;
}

const round7 = (v) => Math.round(v * 1e7) / 1e7;

/** A closed counter-clockwise square Polygon of side 2·halfM metres centred on p. */
export function square([x, y], halfM) {
  const dx = halfM / (111320 * Math.cos((y * Math.PI) / 180));
  const dy = halfM / M_PER_DEG_LAT;
  const c = [
    [x - dx, y - dy],
    [x + dx, y - dy],
    [x + dx, y + dy],
    [x - dx, y + dy],
    [x - dx, y - dy],
  ].map(([a, b]) => [round7(a), round7(b)]);
  return { type: 'Polygon', coordinates: [c] };
}

export { metres };
