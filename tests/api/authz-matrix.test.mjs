// The authorization matrix: every route of src/api/routes.c × every principal
// (anonymous, a resident, a volunteer, an API client, each staff role in scope
// and out of scope, staff API keys in and out of scope), against the answers
// written down once in tests/api/authz-matrix.tsv (its header says who is who).
//
// The routes are read from src/api/routes.c: a route without a row, a row
// that names no route, or a row whose action is not the route's fails. Path
// parameters are filled with real ids: objects of 白云社区 made here (an
// organisation, a person with a membership, cases with a reporter, the three
// lists' items, a webhook, a category, an account, an API key; compounds in
// 梅岗社区's grid DS-MG-G02, deleted again), for department staff one of their
// department's people and a case referred to it, for member units their own
// resource and claim. Each ".out" principal asks for the same object as its
// in-scope counterpart. Writes that are expected to succeed get an object of
// their own when they would use it up (a delete, a claim decided, a
// membership ended).
//
// Every answer is also searched for the personal data made here (reporters'
// names and phones, the person's, resources' contacts): it must be there when
// the cell says "+pii", and absent otherwise; and no answer may carry a
// password hash.
//
// A row's 16 calls go at once, and four rows at a time. The demo street must
// be loaded.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { apiKey, fixtures, login, request, user } from './lib.mjs';
import {
  ANON, areaFeature, areaId, assertStatus, DEMO_PASSWORD, dtest, freeSpot, get, orgByCode, session, square, uniqueCode,
} from './network-lib.mjs';

const ROOT = new URL('../../', import.meta.url);
const DEMO = fixtures().demo;

// ---- the route table and the expectations ----

/** The routes of src/api/routes.c: [{method, path, name, action}]. */
function routeTable() {
  const src = readFileSync(new URL('src/api/routes.c', ROOT), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const re = /\{\s*"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)"\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*,\s*TX_ACT_([A-Z_]+)\s*,/g;
  const out = [];
  for (let m; (m = re.exec(src));) out.push({ method: m[1], path: m[2], name: m[3], action: m[4].toLowerCase() });
  return out;
}

const COLUMNS = [
  'anon', 'resident', 'volunteer', 'api_client', 'street_admin', 'street_admin.out', 'community_staff',
  'community_staff.out', 'grid_worker', 'grid_worker.out', 'department_staff', 'department_staff.out',
  'member_unit', 'member_unit.out', 'key.community_staff', 'key.community_staff.out',
];
const CELL = /^(\d{3}|[1-5]xx)(\+pii)?$/;

/** tests/api/authz-matrix.tsv: {columns, rows: [{method, path, base, variant, action, cells: {col: {status, pii}}, line}]}. */
function matrixTable() {
  const lines = readFileSync(new URL('tests/api/authz-matrix.tsv', ROOT), 'utf8').split('\n');
  let columns = null;
  const rows = [];
  lines.forEach((text, i) => {
    if (!text.trim() || text.startsWith('#')) return;
    const f = text.split('\t');
    if (!columns) {
      assert.deepEqual(f.slice(0, 3), ['method', 'path', 'action'], 'the header row: method, path, action, principals…');
      columns = f.slice(3);
      return;
    }
    assert.equal(f.length, columns.length + 3, `authz-matrix.tsv line ${i + 1}: ${columns.length + 3} fields separated by tabs`);
    const [method, path, action] = f;
    const q = path.indexOf('?');
    const cells = {};
    columns.forEach((c, k) => {
      const m = CELL.exec(f[k + 3]);
      assert.ok(m, `authz-matrix.tsv line ${i + 1}, ${c}: '${f[k + 3]}' is not a status, a class (2xx) or either with +pii`);
      cells[c] = { status: m[1], pii: !!m[2] };
    });
    rows.push({ method, path, base: q < 0 ? path : path.slice(0, q), variant: q < 0 ? '' : path.slice(q + 1), action, cells, line: i + 1 });
  });
  return { columns, rows };
}

const ROUTES = routeTable();
const TABLE = matrixTable();
const key = (m, p) => `${m} ${p}`;

test('the route table is read from src/api/routes.c', () => {
  assert.ok(ROUTES.length >= 50, `routes found in src/api/routes.c: ${ROUTES.length}`);
  const seen = new Set();
  for (const r of ROUTES) {
    assert.ok(!seen.has(key(r.method, r.path)), `${r.method} ${r.path} appears once`);
    seen.add(key(r.method, r.path));
  }
});

test('authz-matrix.tsv has a column for every principal the test knows, and no other', () => {
  assert.deepEqual(TABLE.columns, COLUMNS);
});

test('every route has a row in authz-matrix.tsv, with the route\'s action', () => {
  const rows = new Map(TABLE.rows.filter((r) => !r.variant).map((r) => [key(r.method, r.base), r]));
  const missing = ROUTES.filter((r) => !rows.has(key(r.method, r.path))).map((r) => `${r.method} ${r.path} (${r.action})`);
  assert.deepEqual(missing, [], 'routes without a row in tests/api/authz-matrix.tsv: write down who may call them');
  const wrong = ROUTES.filter((r) => rows.has(key(r.method, r.path)) && rows.get(key(r.method, r.path)).action !== r.action)
    .map((r) => `${r.method} ${r.path}: the route's action is ${r.action}, the row says ${rows.get(key(r.method, r.path)).action}`);
  assert.deepEqual(wrong, [], 'a route whose action changed needs its row looked at again');
});

test('every row of authz-matrix.tsv names a route, once', () => {
  const routes = new Map(ROUTES.map((r) => [key(r.method, r.path), r]));
  const stray = TABLE.rows.filter((r) => !routes.has(key(r.method, r.base))).map((r) => `line ${r.line}: ${r.method} ${r.path}`);
  assert.deepEqual(stray, [], 'rows that name no route of src/api/routes.c');
  const seen = new Set();
  for (const r of TABLE.rows) {
    assert.ok(!seen.has(key(r.method, r.path)), `line ${r.line}: ${r.method} ${r.path} has one row`);
    seen.add(key(r.method, r.path));
    if (r.variant) assert.equal(r.action, routes.get(key(r.method, r.base)).action, `line ${r.line}: a variant has its route's action`);
  }
});

// ---- the principals ----

/**
 * Each column: how to sign in, and which objects it asks for: 'A' (白云社区's,
 * made here), 'D' (a person and a case of department HY-SZDJ), 'U' (a resource
 * and a claim of the member unit DS-XH-MU01; no case can be a member unit's).
 */
const PRINCIPALS = {
  anon: { set: 'A' },
  resident: { demo: 'resident', set: 'A' },
  volunteer: { demo: 'volunteer', set: 'A' },
  api_client: { key: 'client', set: 'A' },
  street_admin: { demo: 'admin', set: 'A' },
  'street_admin.out': { fixture: 'az.street.out', set: 'A' },
  community_staff: { demo: 'baiyun', set: 'A' },
  'community_staff.out': { demo: 'xinghe', set: 'A' },
  grid_worker: { demo: 'grid.baiyun', set: 'A' },
  'grid_worker.out': { demo: 'grid.xinghe', set: 'A' },
  department_staff: { demo: 'shizheng', set: 'D' },
  'department_staff.out': { demo: 'chengguan', set: 'D' },
  member_unit: { demo: 'huashi', set: 'U' },
  'member_unit.out': { demo: 'nongshang', set: 'U' },
  'key.community_staff': { key: 'az.key.cs', set: 'A' },
  'key.community_staff.out': { key: 'az.key.cs.out', set: 'A' },
};

const who = {}; // column -> {login, cookie, csrf} | {bearer} | null

/** Sign a column's principal in (a new session when fresh; else the file's one for demo accounts). */
async function signInColumn(col, fresh = false) {
  const p = PRINCIPALS[col];
  if (p.demo && !fresh) return session(p.demo);
  if (p.demo || p.fixture) {
    const u = p.demo ? { login: p.demo, password: DEMO_PASSWORD } : user(p.fixture);
    const s = await login(u.login, u.password);
    assert.equal(s.res.status, 200, `sign-in as ${p.fixture}: ${s.res.text}`);
    return { login: u.login, role: u.role, cookie: s.cookie, csrf: s.csrf };
  }
  if (p.key) return { login: p.key, bearer: apiKey(p.key).key };
  return null;
}

/** A request as a column's principal (cookie + CSRF token, or the API key). */
function as(w, method, path, opts = {}) {
  const o = { method, headers: { ...(opts.headers || {}) } };
  if (opts.json !== undefined) o.json = opts.json;
  if (opts.body !== undefined) o.body = opts.body;
  if (w && w.bearer) o.bearer = w.bearer;
  else if (w) {
    o.cookie = w.cookie;
    if (method !== 'GET') o.csrf = w.csrf;
  }
  return request(path, o);
}

// ---- the objects ----

const RUN = uniqueCode('AZ');
const T = { A: {}, D: {}, U: {} }; // the objects each set of principals asks for
const PII = []; // every personal datum made here
let admin; // the street admin's session, who makes the objects

const phone = () => `137${String(randomInt(0, 1e8)).padStart(8, '0')}`;

async function made(r, what) {
  assert.ok(r.status >= 200 && r.status < 300, `setup: ${what}: ${r.status} ${r.text.slice(0, 400)}`);
  return r.json;
}
const mk = async (path, json, w = admin) => made(await as(w, 'POST', path, { json }), `POST ${path}`);

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
function multipart() {
  const b = `----az${randomInt(1e9)}`;
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    PNG,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

// Small compounds of our own in grid DS-MG-G02 (梅岗社区, which no other test
// counts; they are deleted again after the test): 3 m squares on a 5 m
// lattice around a spot 40 m clear of everything.
const GRID = 'DS-MG-G02';
const madeAreas = [];
let spots;
let spotNext = 0;
async function newCompound() {
  if (!spots) {
    const grid = await areaFeature(GRID);
    const kids = (await get(ANON, `/api/v1/areas?parent=${grid.properties.id}`)).json.features;
    const s = freeSpot(grid.geometry, kids.map((f) => f.geometry).filter(Boolean), 40);
    spots = { p: s.point, dx: 5 / (111320 * Math.cos((s.point[1] * Math.PI) / 180)), dy: 5 / 110540 };
  }
  const k = spotNext++;
  assert.ok(k < 81, 'room for the compounds of this test');
  const p = [spots.p[0] + ((k % 9) - 4) * spots.dx, spots.p[1] + (Math.floor(k / 9) - 4) * spots.dy];
  const code = uniqueCode(`${GRID}-AZ`);
  madeAreas.push(code);
  return { type: 'Feature', properties: { code, name: `矩阵测试小区${k}`, kind: 'compound', parent_code: GRID }, geometry: square(p, 1.5) };
}

// Demonstration sites are marked on compounds of 白云社区 (community staff of
// 白云 must cover them) that are not sites already, and unmarked again after.
let siteCodes;
const marked = new Set();
async function siteCompound() {
  if (!siteCodes) {
    const grid = await areaFeature('DS-BY-G06');
    const kids = (await get(ANON, `/api/v1/areas?parent=${grid.properties.id}&geometry=0`)).json.features.map((f) => f.properties.code);
    const board = (await get(ANON, '/api/v1/boards/DS-BY')).json;
    const sites = new Set(board.demonstration_sites.map((d) => d.area.code));
    siteCodes = kids.filter((c) => !sites.has(c));
  }
  assert.ok(siteCodes.length > 0, 'a compound of DS-BY-G06 that is not a demonstration site');
  const code = siteCodes.shift();
  marked.add(code);
  return code;
}

/** A unique name of a made-up person ("矩阵…" and 6 digits), counted as personal data. */
function personName(what) {
  const n = `矩阵${what}${randomInt(100000, 999999)}`;
  PII.push(n);
  return n;
}

async function newReport(service, extra = {}) {
  const ph = phone();
  PII.push(ph);
  const name = personName('报告人');
  const c = await mk('/api/v1/cases', { service_code: service, description: `权限矩阵 ${RUN}`, compound: 'DS-BY-G01-C01', name, phone: ph, ...extra });
  return { ...c, phone: ph, reporter: name };
}

async function photoOf(caseId) {
  const m = multipart();
  const r = await made(await as(admin, 'POST', `/api/v1/cases/${caseId}/photos`, m), 'photo upload');
  return r.items[0].hash;
}

const UNIT = 'DS-XH-MU01'; // huashi's unit
const needBody = () => ({ community_code: 'DS-BY', title: `矩阵需求 ${RUN}`, kind: 'volunteers', quantity: 3, quantity_unit: '人' });
const newNeed = () => mk('/api/v1/needs', needBody());
async function newClaim() {
  const n = await newNeed();
  return mk(`/api/v1/needs/${n.id}/claims`, { org_code: UNIT });
}
let membershipDay = 0;
function newMembership() {
  membershipDay += 1;
  const d = new Date(Date.UTC(2020, 0, 1) + membershipDay * 86400000).toISOString().slice(0, 10);
  return mk('/api/v1/memberships', { person_id: T.A.person.id, org_id: T.A.org.id, role: 'volunteer', start_date: d });
}
let planYear = 2090;

after(async () => {
  if (!admin) return;
  // Leave the demo street as it was for the tests that count its compounds
  // and sites (as a new session: the last row signed the others out).
  const admin2 = await signInColumn('street_admin', true);
  for (const code of marked) await as(admin2, 'DELETE', `/api/v1/demonstration-sites/${code}`);
  await deleteAreas(admin2);
});

/** Delete the compounds this test made (those that exist). */
async function deleteAreas(w) {
  const kids = (await get(ANON, `/api/v1/areas?parent=${await areaId(GRID)}&geometry=0`)).json.features;
  for (const code of madeAreas.splice(0)) {
    const f = kids.find((x) => x.properties.code === code);
    if (f) assertStatus(await as(w, 'DELETE', `/api/v1/areas/${f.properties.id}`), 204, `delete ${code}`);
  }
  T.A.area = undefined;
  areaMade = null;
}

/**
 * The compound the area rows read and change: made when the first of them
 * runs and deleted after the last (areas.test.mjs counts every area of the
 * street, so they exist for as short a time as may be).
 */
let areaMade = null;
async function areaA() {
  if (!areaMade) areaMade = newCompound().then((f) => mk('/api/v1/areas', f)); // once, though 16 cells ask at once
  T.A.area = await areaMade;
  return T.A.area;
}
const LAST_AREA_ROW = 'DELETE /api/v1/areas/{id}';

before(async () => {
  if (!DEMO) return;
  await Promise.all(COLUMNS.map(async (c) => {
    who[c] = await signInColumn(c);
  }));
  admin = who.street_admin;

  // 白云社区 (set A)
  const A = T.A;
  A.grid = await areaId('DS-BY-G01');
  A.site = await siteCompound();
  A.communityId = await areaId('DS-BY');
  A.org = await mk('/api/v1/organisations', { code: uniqueCode('DS-BY-G01-AZ'), kind: 'association', name: `矩阵测试协会 ${RUN}`, area_code: 'DS-BY-G01' });
  A.personPhone = phone();
  PII.push(A.personPhone);
  A.personName = personName('人员');
  A.person = await mk('/api/v1/people', { name: A.personName, phone: A.personPhone });
  A.membership = await mk('/api/v1/memberships', { person_id: A.person.id, org_id: A.org.id, role: 'member', start_date: '2020-01-01' });
  A.case = await newReport('dispute'); // grid worker, grid tier
  A.photo = await photoOf(A.case.id);
  A.need = await newNeed();
  A.resPhone = phone();
  PII.push(A.resPhone);
  A.resContact = personName('联系人');
  A.resource = await mk('/api/v1/resources', { community_code: 'DS-BY', title: `矩阵资源 ${RUN}`, kind: 'venue', quantity: 1000, quantity_unit: '场', contact_name: A.resContact, contact_phone: A.resPhone });
  A.project = await mk('/api/v1/projects', { community_code: 'DS-BY', title: `矩阵项目 ${RUN}` });
  A.milestone = (await mk(`/api/v1/projects/${A.project.id}/milestones`, { title: '矩阵里程碑' })).milestones.at(-1);
  A.plan = await mk('/api/v1/plans', { community_code: 'DS-BY', year: planYear++, title: `矩阵方案 ${RUN}` });
  A.claim = await newClaim();
  A.webhook = await mk('/api/v1/webhooks', { name: `矩阵 ${RUN}`, url: 'http://127.0.0.1:9/az', active: false });
  A.category = await mk('/api/v1/categories', { code: uniqueCode('az').toLowerCase().replace(/-/g, '_'), name: '矩阵测试类别', name_en: 'Matrix test', group: '测试', group_en: 'Tests', active: false });
  A.user = await mk('/api/v1/users', { login: uniqueCode('az-user').toLowerCase(), role: 'grid_worker', scope: 'DS-BY-G01', password: 'matrix-password-2026' });
  A.key = await mk('/api/v1/api-keys', { name: uniqueCode('az-key').toLowerCase(), role: 'community_staff', scope: 'DS-BY' });

  // department HY-SZDJ (set D): one of its people, and a case referred to it
  const D = T.D;
  const sz = who.department_staff;
  const ppl = await made(await as(sz, 'GET', '/api/v1/people?limit=1'), 'HY-SZDJ people');
  assert.ok(ppl.items.length === 1 && ppl.items[0].phone, 'HY-SZDJ has a person with a phone');
  D.person = ppl.items[0];
  D.personPhone = D.person.phone;
  D.personName = D.person.name;
  D.org = (await orgByCode('HY-SZDJ')).id;
  D.case = await newReport('road'); // department HY-SZDJ, referred by 白云社区
  await made(await as(who.community_staff, 'POST', `/api/v1/cases/${D.case.id}/actions`, { json: { action: 'accept' } }), 'accept');
  const referred = await made(await as(who.community_staff, 'POST', `/api/v1/cases/${D.case.id}/actions`, { json: { action: 'dispatch' } }), 'dispatch');
  assert.equal(referred.department && referred.department.code, 'HY-SZDJ', 'the road case is referred to HY-SZDJ');
  D.photo = await photoOf(D.case.id);

  // the member unit DS-XH-MU01 (set U): its resource (offered to 白云社区) and its claim
  const U = T.U;
  U.resPhone = phone();
  PII.push(U.resPhone);
  U.resContact = personName('单位联系人');
  U.resource = await mk('/api/v1/resources', { community_code: 'DS-BY', org_code: UNIT, title: `矩阵单位资源 ${RUN}`, kind: 'service', quantity: 10, contact_name: U.resContact, contact_phone: U.resPhone });
  U.claim = await newClaim();
});

// ---- how each route is called ----

/** The set's object, falling back to 白云社区's. */
const pick = (set, k) => (T[set][k] !== undefined ? T[set][k] : T.A[k]);
/** A weekday of 2099 (a workday there is refused: 400) and a day of 2099 that is not stored (DELETE: 404). */
const WEEKDAY_2099 = '2099-01-05';
const UNSTORED_2099 = '2099-01-06';

/*
 * Per route (METHOD path, or with the row's ?variant): path(set, fresh) and
 * body(set), async allowed. `fresh` is true when the cell expects success and
 * the call would use its object up: path() then makes a new one. pii(set):
 * the personal data the answer shows to those the row marks "+pii".
 */
const caseId = (s) => pick(s, 'case').id;
const casePii = (s) => [pick(s, 'case').phone, pick(s, 'case').reporter];
const personPii = (s) => [pick(s, 'personPhone'), pick(s, 'personName')];
const resPii = (s) => [pick(s, 'resPhone'), pick(s, 'resContact')];
const SPECS = {
  'GET /healthz': {},
  'GET /readyz': {},
  'GET /metrics': {},
  'GET /api/v1/about': {},
  // A body with a field too many: 400 from the handler, so past the gate,
  // without the cost of a password check (signing in works: the setup did).
  'POST /api/v1/auth/login': { body: () => ({ login: 'alice', password: 'not-checked', remember: true }) },
  'POST /api/v1/auth/logout': {}, // the last row: it ends the sessions the others used
  'GET /api/v1/auth/me': {},

  'GET /api/v1/areas': { path: () => `/api/v1/areas?parent=${T.A.grid}&geometry=0` },
  'POST /api/v1/areas': { body: () => newCompound() },
  'GET /api/v1/areas/{id}': { path: async () => `/api/v1/areas/${(await areaA()).properties.id}` },
  'PATCH /api/v1/areas/{id}': { path: async () => `/api/v1/areas/${(await areaA()).properties.id}`, body: () => ({ properties: { name: `矩阵测试小区 ${randomInt(1e6)}` } }) },
  'DELETE /api/v1/areas/{id}': { path: async (s, fresh) => `/api/v1/areas/${fresh ? (await mk('/api/v1/areas', await newCompound())).properties.id : (await areaA()).properties.id}` },
  'GET /api/v1/locate': { path: () => '/api/v1/locate?lat=22.7845&long=114.4415' },

  'GET /api/v1/organisations': { path: () => `/api/v1/organisations?q=${encodeURIComponent(T.A.org.code)}` },
  'GET /api/v1/organisations.csv': {},
  'POST /api/v1/organisations': { body: () => ({ code: uniqueCode('DS-BY-G01-AZ'), kind: 'association', name: '矩阵新协会', area_code: 'DS-BY-G01' }) },
  'GET /api/v1/organisations/{id}': { path: () => `/api/v1/organisations/${T.A.org.id}` },
  'PATCH /api/v1/organisations/{id}': { path: () => `/api/v1/organisations/${T.A.org.id}`, body: () => ({ notes: `矩阵 ${randomInt(1e6)}` }) },
  'DELETE /api/v1/organisations/{id}': {
    path: async (s, fresh) => `/api/v1/organisations/${fresh ? (await mk('/api/v1/organisations', { code: uniqueCode('DS-BY-G01-AZ'), kind: 'association', name: '矩阵待删协会', area_code: 'DS-BY-G01' })).id : T.A.org.id}`,
  },

  'GET /api/v1/people': { path: (s) => `/api/v1/people?q=${encodeURIComponent(pick(s, 'person').code)}`, pii: personPii },
  'GET /api/v1/people?filter': {
    path: (s) => (s === 'D' ? `/api/v1/people?org=${T.D.org}&limit=1000` : `/api/v1/people?area=${T.A.grid}&limit=1000`),
    pii: personPii,
  },
  'GET /api/v1/people.csv': { pii: () => personPii('A') },
  'POST /api/v1/people': { body: () => ({ name: '矩阵新人员' }) },
  'GET /api/v1/people/{id}': { path: (s) => `/api/v1/people/${pick(s, 'person').id}`, pii: personPii },
  'PATCH /api/v1/people/{id}': { path: (s) => `/api/v1/people/${pick(s, 'person').id}`, body: () => ({ notes: `矩阵 ${randomInt(1e6)}` }), pii: personPii },

  'GET /api/v1/memberships': { path: () => `/api/v1/memberships?org=${T.A.org.id}`, pii: () => [T.A.personName] },
  'GET /api/v1/memberships?person': { path: (s) => `/api/v1/memberships?person=${pick(s, 'person').id}`, pii: (s) => [pick(s, 'personName')] },
  'GET /api/v1/memberships.csv': {},
  'POST /api/v1/memberships': {
    body: () => {
      membershipDay += 1;
      return { person_id: T.A.person.id, org_id: T.A.org.id, role: 'volunteer', start_date: new Date(Date.UTC(2020, 0, 1) + membershipDay * 86400000).toISOString().slice(0, 10) };
    },
  },
  'PATCH /api/v1/memberships/{id}': { path: async (s, fresh) => `/api/v1/memberships/${fresh ? (await newMembership()).id : T.A.membership.id}`, body: () => ({ end_date: '2099-12-31' }) },
  'GET /api/v1/network': { path: () => `/api/v1/network?community=${T.A.communityId}` },

  'GET /api/v1/calendar': {},
  'GET /api/v1/calendar.csv': {},
  'GET /api/v1/calendar/deadline': { path: () => '/api/v1/calendar/deadline?working_days=3' },
  'PUT /api/v1/calendar/{date}': { path: () => `/api/v1/calendar/${WEEKDAY_2099}`, body: () => ({ kind: 'workday', occasion: '矩阵' }) },
  'DELETE /api/v1/calendar/{date}': { path: () => `/api/v1/calendar/${UNSTORED_2099}` },

  'GET /api/v1/categories': {},
  'POST /api/v1/categories': { body: () => ({ code: uniqueCode('az').toLowerCase().replace(/-/g, '_'), name: '矩阵测试类别', name_en: 'Matrix test', group: '测试', group_en: 'Tests', active: false }) },
  'GET /api/v1/categories/{code}': { path: () => `/api/v1/categories/${T.A.category.code}` },
  'PATCH /api/v1/categories/{code}': { path: () => `/api/v1/categories/${T.A.category.code}`, body: () => ({ description: `矩阵 ${randomInt(1e6)}` }) },
  'GET /api/v1/routing-rules': {},
  'POST /api/v1/routing-rules': { body: () => ({ service_code: T.A.category.code, place: 'any', handler: 'mayor', tier: 'grid' }) },
  'DELETE /api/v1/routing-rules/{id}': { path: () => '/api/v1/routing-rules/999999999' },
  'GET /api/v1/route': { path: () => '/api/v1/route?service_code=dispute&compound=DS-BY-G01-C01' },

  'POST /api/v1/cases': { body: () => ({ service_code: 'dispute', description: `权限矩阵：谁都可以上报 ${RUN}`, compound: 'DS-BY-G01-C01' }) },
  'GET /api/v1/cases': { path: () => `/api/v1/cases?q=${encodeURIComponent(RUN)}`, pii: () => PII },
  'GET /api/v1/cases?scope=grid': { path: () => `/api/v1/cases?scope=grid&area=${T.A.grid}&q=${encodeURIComponent(RUN)}`, pii: () => PII },
  'GET /api/v1/cases?scope=mine': { path: () => `/api/v1/cases?scope=mine&q=${encodeURIComponent(RUN)}`, pii: () => PII },
  'GET /api/v1/cases?scope=referred': { path: () => `/api/v1/cases?scope=referred&q=${encodeURIComponent(RUN)}`, pii: () => PII },
  'GET /api/v1/cases/nearby': { path: () => '/api/v1/cases/nearby?lat=22.7845&long=114.4415&service_code=dispute' },
  'GET /api/v1/cases/{id}': { path: (s) => `/api/v1/cases/${caseId(s)}`, pii: casePii },
  'POST /api/v1/cases/{id}/actions': { path: (s) => `/api/v1/cases/${caseId(s)}/actions`, body: () => ({ action: 'note', text: '权限矩阵的内部备注', public: false }), pii: casePii },
  'POST /api/v1/cases/{id}/photos': { path: (s) => `/api/v1/cases/${caseId(s)}/photos`, multipart: true },
  'GET /api/v1/cases/{id}/photos/{hash}': { path: (s) => `/api/v1/cases/${caseId(s)}/photos/${pick(s, 'photo')}` },
  'GET /api/v1/cases/{id}/duplicates': { path: (s) => `/api/v1/cases/${caseId(s)}/duplicates` },
  'GET /api/v1/stats/cases': {},

  'GET /api/v1/webhooks': {},
  'POST /api/v1/webhooks': { body: () => ({ name: `矩阵 ${RUN}`, url: 'http://127.0.0.1:9/az', active: false }) },
  'GET /api/v1/webhooks/{id}': { path: () => `/api/v1/webhooks/${T.A.webhook.id}` },
  'PATCH /api/v1/webhooks/{id}': { path: () => `/api/v1/webhooks/${T.A.webhook.id}`, body: () => ({ active: false }) },
  'DELETE /api/v1/webhooks/{id}': {
    path: async (s, fresh) => `/api/v1/webhooks/${fresh ? (await mk('/api/v1/webhooks', { name: `矩阵待删 ${RUN}`, url: 'http://127.0.0.1:9/az', active: false })).id : T.A.webhook.id}`,
  },
  'GET /api/v1/webhooks/{id}/deliveries': { path: () => `/api/v1/webhooks/${T.A.webhook.id}/deliveries` },

  'GET /api/v1/needs': { path: () => '/api/v1/needs?community=DS-BY' },
  'GET /api/v1/needs.csv': {},
  'POST /api/v1/needs': { body: needBody },
  'GET /api/v1/needs/hotspots': {},
  'GET /api/v1/needs/{id}': { path: () => `/api/v1/needs/${T.A.need.id}` },
  'PATCH /api/v1/needs/{id}': { path: () => `/api/v1/needs/${T.A.need.id}`, body: () => ({ description: `矩阵 ${randomInt(1e6)}` }) },
  'GET /api/v1/needs/{id}/matches': { path: () => `/api/v1/needs/${T.A.need.id}/matches` },
  'POST /api/v1/needs/{id}/claims': { path: async (s, fresh) => `/api/v1/needs/${fresh ? (await newNeed()).id : T.A.need.id}/claims`, body: () => ({ org_code: UNIT }) },
  'GET /api/v1/claims': { path: () => '/api/v1/claims?community=DS-BY' },
  'POST /api/v1/claims/{id}/withdraw': { path: async (s, fresh) => `/api/v1/claims/${fresh ? (await newClaim()).id : pick(s, 'claim').id}/withdraw`, body: () => ({}) },
  'POST /api/v1/claims/{id}/confirm': { path: async (s, fresh) => `/api/v1/claims/${fresh ? (await newClaim()).id : pick(s, 'claim').id}/confirm`, body: () => ({}) },
  'POST /api/v1/claims/{id}/decline': { path: async (s, fresh) => `/api/v1/claims/${fresh ? (await newClaim()).id : pick(s, 'claim').id}/decline`, body: () => ({}) },
  'GET /api/v1/resources': {
    path: () => `/api/v1/resources?q=${encodeURIComponent(RUN)}`,
    pii: (s) => (s === 'U' ? resPii('U') : [...resPii('A'), ...resPii('U')]),
  },
  'GET /api/v1/resources.csv': { pii: () => [...resPii('A'), ...resPii('U')] },
  'POST /api/v1/resources': { body: () => ({ community_code: 'DS-BY', org_code: UNIT, title: `矩阵新资源 ${RUN}`, kind: 'service', quantity: 1 }) },
  'GET /api/v1/resources/{id}': { path: (s) => `/api/v1/resources/${pick(s, 'resource').id}`, pii: resPii },
  'PATCH /api/v1/resources/{id}': { path: (s) => `/api/v1/resources/${pick(s, 'resource').id}`, body: () => ({ description: `矩阵 ${randomInt(1e6)}` }), pii: resPii },
  'GET /api/v1/projects': { path: () => '/api/v1/projects?community=DS-BY' },
  'GET /api/v1/projects.csv': {},
  'POST /api/v1/projects': { body: () => ({ community_code: 'DS-BY', title: `矩阵新项目 ${RUN}` }) },
  'GET /api/v1/projects/{id}': { path: () => `/api/v1/projects/${T.A.project.id}` },
  'PATCH /api/v1/projects/{id}': { path: () => `/api/v1/projects/${T.A.project.id}`, body: () => ({ description: `矩阵 ${randomInt(1e6)}` }) },
  'POST /api/v1/projects/{id}/commitments': { path: () => `/api/v1/projects/${T.A.project.id}/commitments`, body: () => ({ resource_id: T.A.resource.id, quantity: 1 }) },
  'POST /api/v1/projects/{id}/milestones': { path: () => `/api/v1/projects/${T.A.project.id}/milestones`, body: () => ({ title: '矩阵新里程碑' }) },
  'POST /api/v1/projects/{id}/outcomes': { path: () => `/api/v1/projects/${T.A.project.id}/outcomes`, body: () => ({ date: '2026-01-01', summary: '矩阵成效' }) },
  'POST /api/v1/projects/{id}/copy': { path: () => `/api/v1/projects/${T.A.project.id}/copy`, body: () => ({ community_code: 'DS-BY' }) },
  'POST /api/v1/commitments/{id}/deliver': {
    path: async () => {
      if (!T.A.commitment) {
        const p = await mk(`/api/v1/projects/${T.A.project.id}/commitments`, { resource_id: T.A.resource.id, quantity: 5 });
        T.A.commitment = p.commitments.at(-1);
      }
      return `/api/v1/commitments/${T.A.commitment.id}/deliver`;
    },
    body: () => ({ delivered: 1 }),
  },
  'PATCH /api/v1/milestones/{id}': { path: () => `/api/v1/milestones/${T.A.milestone.id}`, body: () => ({ progress: randomInt(0, 100) }) },
  'GET /api/v1/plans': { path: () => '/api/v1/plans?community=DS-BY' },
  'GET /api/v1/plans.csv': {},
  // a year of its own for each plan expected to be made (one plan per community and year)
  'POST /api/v1/plans': { body: (s, ok) => ({ community_code: 'DS-BY', year: ok ? planYear++ : 2100, title: `矩阵新方案 ${RUN}` }) },
  'GET /api/v1/plans/{id}': { path: () => `/api/v1/plans/${T.A.plan.id}` },
  'PATCH /api/v1/plans/{id}': { path: () => `/api/v1/plans/${T.A.plan.id}`, body: () => ({ summary: `矩阵 ${randomInt(1e6)}` }) },
  'PUT /api/v1/demonstration-sites/{area}': { path: () => `/api/v1/demonstration-sites/${T.A.site}`, body: () => ({ note: '矩阵示范点' }) },
  'DELETE /api/v1/demonstration-sites/{area}': {
    path: async (s, fresh) => {
      if (!fresh) return `/api/v1/demonstration-sites/${T.A.site}`;
      const code = await siteCompound();
      await made(await as(admin, 'PUT', `/api/v1/demonstration-sites/${code}`, { json: {} }), 'mark a site');
      return `/api/v1/demonstration-sites/${code}`;
    },
  },
  'GET /api/v1/boards/{community}': { path: () => '/api/v1/boards/DS-BY' },
  'GET /api/v1/stats/lists': { path: () => '/api/v1/stats/lists?area=DS-BY' },

  'GET /api/v1/users': { path: () => '/api/v1/users?limit=1000' },
  'POST /api/v1/users': { body: () => ({ login: uniqueCode('az-user').toLowerCase(), role: 'grid_worker', scope: 'DS-BY-G01', password: 'matrix-password-2026' }) },
  'PATCH /api/v1/users/{id}': { path: () => `/api/v1/users/${T.A.user.id}`, body: () => ({ disabled: false }) },
  'GET /api/v1/api-keys': { path: () => '/api/v1/api-keys?limit=1000' },
  'POST /api/v1/api-keys': { body: () => ({ name: uniqueCode('az-key').toLowerCase(), role: 'community_staff', scope: 'DS-BY' }) },
  'DELETE /api/v1/api-keys/{id}': {
    path: async (s, fresh) => `/api/v1/api-keys/${fresh ? (await mk('/api/v1/api-keys', { name: uniqueCode('az-key').toLowerCase(), role: 'community_staff', scope: 'DS-BY' })).id : T.A.key.id}`,
  },

  'GET /open311/v2/discovery.{fmt}': { path: () => '/open311/v2/discovery.json' },
  'GET /open311/v2/services.{fmt}': { path: () => '/open311/v2/services.json' },
  'GET /open311/v2/services/{file}': { path: () => '/open311/v2/services/dispute.json' },
  'POST /open311/v2/requests.{fmt}': { path: () => '/open311/v2/requests.json', form: () => `service_code=dispute&address_id=DS-BY-G01-C01&description=${encodeURIComponent(`权限矩阵 Open311 ${RUN}`)}` },
  'GET /open311/v2/requests.{fmt}': { path: () => '/open311/v2/requests.json', pii: () => PII },
  'GET /open311/v2/requests/{file}': { path: () => `/open311/v2/requests/${T.A.case.id}.json`, pii: () => PII },
  'GET /open311/v2/tokens/{file}': { path: () => `/open311/v2/tokens/${T.A.case.token}.json` },
  'GET /open311/v2/servicerequestupdates.{fmt}': { path: () => '/open311/v2/servicerequestupdates.json', pii: () => PII },
};

function statusMatches(want, got) {
  return /xx$/.test(want) ? Math.floor(got / 100) === Number(want[0]) : got === Number(want);
}

/** One cell: the call, and what is wrong with its answer ('' when nothing). */
async function cell(row, col) {
  const want = row.cells[col];
  const spec = SPECS[row.variant ? key(row.method, `${row.base}?${row.variant}`) : key(row.method, row.base)];
  const set = PRINCIPALS[col].set;
  const ok = want.status.startsWith('2');
  const w = who[col];
  const path = spec.path ? await spec.path(set, ok) : row.base;
  const opts = {};
  if (spec.multipart) Object.assign(opts, multipart());
  else if (spec.form) {
    opts.body = spec.form(set);
    opts.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  } else if (spec.body) opts.json = await spec.body(set, ok);
  else if (row.method !== 'GET' && row.method !== 'DELETE') opts.json = {};
  const r = await as(w, row.method, path, opts);
  const problems = [];
  if (!statusMatches(want.status, r.status)) problems.push(`status ${r.status}, expected ${want.status}: ${r.text.slice(0, 200)}`);
  // Personal data: the row's own shown only with +pii; everything else made here never.
  const own = spec.pii ? spec.pii(set).filter(Boolean) : [];
  const shown = want.pii ? own : [];
  const leaked = [...new Set([...PII, ...own])].filter((x) => !shown.includes(x) && r.text.includes(x));
  if (leaked.length) problems.push(`the answer shows personal data it must not: ${leaked.join(', ')}`);
  if (/\$argon2/.test(r.text)) problems.push('the answer carries a password hash');
  if (want.pii && statusMatches(want.status, r.status) && !own.some((x) => r.text.includes(x)))
    problems.push(`the answer does not show the personal data it should (${own.join(', ')})`);
  return problems.length ? `${col}: ${row.method} ${path}: ${problems.join('; ')}` : '';
}

function rowTest(row) {
  const name = `${row.method} ${row.path} (${row.action}) as ${COLUMNS.length} principals`;
  test(name, { skip: !DEMO && 'needs the demo street (tongxin demo)' }, async () => {
    const spec = SPECS[row.variant ? key(row.method, `${row.base}?${row.variant}`) : key(row.method, row.base)];
    assert.ok(spec, `authz-matrix.test.mjs has no SPECS entry saying how to call ${row.method} ${row.path}`);
    const problems = (await Promise.all(TABLE.columns.map((col) => cell(row, col)))).filter(Boolean);
    if (key(row.method, row.path) === LAST_AREA_ROW) await deleteAreas(admin);
    assert.deepEqual(problems, [], `authz-matrix.tsv line ${row.line}`);
  });
}

// The rows run four at a time, but for the area rows, which share one
// compound (made by the first, deleted after the last), and signing out,
// which ends the sessions every other row uses: it goes last.
const LOGOUT = key('POST', '/api/v1/auth/logout');
const isArea = (r) => r.base.startsWith('/api/v1/areas/');
describe('the rows', { concurrency: 4 }, () => {
  for (const row of TABLE.rows.filter((r) => !isArea(r) && key(r.method, r.path) !== LOGOUT)) rowTest(row);
});
describe('the rows on one compound, in turn', () => {
  for (const row of TABLE.rows.filter(isArea)) rowTest(row);
});

dtest('the reporter\'s tracking link shows the case, never the reporter\'s phone', async () => {
  const c = T.A.case;
  const r = await request(`/api/v1/cases/${c.id}?token=${c.token}`);
  assertStatus(r, 200);
  assert.equal(r.json.view, 'reporter');
  for (const x of PII) assert.ok(!r.text.includes(x), `the reporter view shows ${x}`);
});

describe('signing out, last', () => {
  for (const row of TABLE.rows.filter((r) => key(r.method, r.path) === LOGOUT)) rowTest(row);
});
