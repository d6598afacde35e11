// Cases (群众诉求), black-box: intake and routing (the 御珑名苑 story), the
// route preview, who sees what, the state machine end to end (accept,
// dispatch, contact, start, resolve, rate; escalation; referral to a
// department; merge; spam), the work queues, nearby reports, photos, and the
// CLI (tongxin import cases, tongxin sla sweep) on the test server's database.
//
// The demo street must be loaded (README.md: demo accounts and scopes).
//
// Anonymous reports are rate limited per client address (20 per 10 minutes,
// docs/API.md). Every test file talks to one shared server, in parallel, and
// the others report from 127.0.0.1 too, so this file never reports
// anonymously from 127.0.0.1: each anonymous report comes from its own
// loopback address (127.1.x.y; Linux routes all of 127/8 to lo). Reads and
// signed-in calls use 127.0.0.1 as usual.
//
// Every case made here carries this run's marker (RUN) in its description,
// so the queue tests count only their own cases (q=…).
//
// The SLA sweep test runs the CLI 30 days ahead on the shared database: it
// escalates or closes every open case there, so it is the last test of this
// file and nothing after it looks at deadlines.
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { assertError, BASE, cli, HAN, request } from './lib.mjs';
import {
  ANON, areaFeature, areaId, assertStatus, contains, dtest, edgeDistance, get, interiorPoint, orgByCode, post,
  session, uniqueCode,
} from './network-lib.mjs';

const CASES = '/api/v1/cases';
const RUN = uniqueCode('RUN');
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

// ---- anonymous calls from their own loopback address ----

let addrSeq = 0;
let bindable = true;
function nextAddress() {
  addrSeq += 1;
  return `127.1.${Math.floor(addrSeq / 250) % 250}.${(addrSeq % 250) + 1}`;
}

/** One anonymous request from localAddress (node:http); the shape of lib.mjs request(). */
function requestFrom(localAddress, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const u = new URL(BASE + path);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method || (body !== undefined ? 'POST' : 'GET'), headers, localAddress },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          if ((res.headers['content-type'] || '').startsWith('application/json')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = null;
            }
          }
          resolve({ status: res.statusCode, headers: { get: (n) => res.headers[n.toLowerCase()] ?? null }, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** An anonymous request from a fresh loopback address (so no address reaches the intake limit). */
async function anon(path, opts = {}) {
  if (bindable) {
    try {
      return await requestFrom(nextAddress(), path, opts);
    } catch (e) {
      if (e.code !== 'EADDRNOTAVAIL') throw e;
      bindable = false; // not Linux: report from 127.0.0.1 (and share its limit)
    }
  }
  return request(path, opts);
}

/** POST /api/v1/cases anonymously (or as `who`); the description gets the run marker. */
function submit(body, who = ANON) {
  const b = { ...body };
  if (typeof b.description === 'string') b.description = `${b.description} [${RUN}]`;
  return who ? post(who, CASES, b) : anon(CASES, { json: b });
}

/** Report and assert 201: the intake answer. */
async function report(body, who = ANON) {
  const r = await submit(body, who);
  assertStatus(r, 201, `POST ${CASES} ${JSON.stringify(body)}`);
  return r.json;
}

/** A case as `who` sees it (ANON: the public view; a string: the tracking token). */
async function view(id, who = ANON) {
  const r = typeof who === 'string' ? await request(`${CASES}/${id}?token=${encodeURIComponent(who)}`) : await get(who, `${CASES}/${id}`);
  assertStatus(r, 200, `GET case ${id}`);
  return r.json;
}

/** POST an action as `who` (a session), or as the reporter by token ({token}). */
function act(who, id, body, query = '') {
  const path = `${CASES}/${id}/actions${query}`;
  if (who && who.token) return request(path, { json: { ...body, token: who.token } });
  return who ? post(who, path, body) : request(path, { json: body });
}

async function step(who, id, body, what = body.action) {
  const r = await act(who, id, body);
  assertStatus(r, 200, `${what} by ${who ? who.login || 'the reporter' : 'anonymous'}`);
  return r.json;
}

/** A phone number nobody else posts (not a demo 1390000xxxx number). */
function uniquePhone() {
  return `1381${String(randomInt(0, 1e7)).padStart(7, '0')}`;
}

// ---- places of the demo street ----

let placesMemo;
/**
 * {yulong (the compound Feature), grid (its grid's Feature), outside: a point
 * just outside its red line inside its grid, inside: a point inside it,
 * nowhere: a point outside every area}; points are {lat, long}.
 */
async function places() {
  if (placesMemo) return placesMemo;
  const r = await get(ANON, `/api/v1/areas?kind=compound&name=${encodeURIComponent('御珑名苑')}`);
  assertStatus(r, 200, 'the compound 御珑名苑');
  const yulong = r.json.features.find((f) => f.properties.name === '御珑名苑');
  assert.ok(yulong, 'the demo street has 御珑名苑');
  const grid = await areaFeature(yulong.properties.parent_code);
  const locate = async ([long, lat]) => (await get(ANON, `/api/v1/locate?lat=${lat}&long=${long}`)).json;

  // Just outside the red line: 10 m beyond the middle of each side of its box.
  const xs = yulong.geometry.coordinates[0].map((p) => p[0]);
  const ys = yulong.geometry.coordinates[0].map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const dx = 10 / (111320 * Math.cos((y0 * Math.PI) / 180));
  const dy = 10 / 110540;
  const candidates = [[x0 - dx, (y0 + y1) / 2], [x1 + dx, (y0 + y1) / 2], [(x0 + x1) / 2, y1 + dy], [(x0 + x1) / 2, y0 - dy]];
  let outside;
  for (const p of candidates) {
    if (contains(yulong.geometry, p) || !contains(grid.geometry, p)) continue;
    const l = await locate(p);
    if (l.grid && l.grid.code === grid.properties.code && l.compound === null) {
      outside = p;
      break;
    }
  }
  assert.ok(outside, 'a point just outside the red line of 御珑名苑 and inside its grid');
  assert.ok(edgeDistance(yulong.geometry, outside) < 30, 'the point is just outside the red line');

  const inside = interiorPoint(yulong.geometry, 10);
  const li = await locate(inside);
  assert.equal(li.compound && li.compound.code, yulong.properties.code, 'the interior point locates in 御珑名苑');
  assert.equal(li.inside_red_line, true);

  const nowhere = [114.3, 22.7];
  const ln = await locate(nowhere);
  assert.equal(ln.street, null, 'the point (22.70, 114.30) lies outside the street');
  assert.deepEqual(ln.areas.filter((a) => a.kind !== 'district'), [], 'and outside every area of the street');

  const pt = ([long, lat]) => ({ lat, long });
  placesMemo = { yulong, grid, outside: pt(outside), inside: pt(inside), nowhere: pt(nowhere) };
  return placesMemo;
}

/** A point `m` metres north of p. */
const north = (p, m) => ({ lat: p.lat + m / 110540, long: p.long });

// ---- PNG ----

function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid 1×1 RGB PNG of one colour. */
function tinyPng(r = 255, g = 0, b = 0) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0); // width
  ihdr.writeUInt32BE(1, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.from([0, r, g, b]); // filter byte + one pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function upload(path, parts, cookie) {
  const fd = new FormData();
  for (const p of parts) fd.append(p.name || 'photo', new Blob([p.bytes], { type: p.type }), p.filename);
  const headers = cookie ? { cookie: cookie.cookie, 'x-csrf-token': cookie.csrf } : {};
  const res = await fetch(BASE + path, { method: 'POST', body: fd, headers });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// ---- time ----

/** An instant as ISO 8601 at +08:00 (the deployment's offset). */
function iso8(ms) {
  return `${new Date(ms + 8 * 3600e3).toISOString().slice(0, 19)}+08:00`;
}

// ================= intake =================

dtest('an anonymous report with a point: 201 with id, tracking token and URL, place, routing reason and deadlines', async () => {
  const { outside, grid } = await places();
  const r = await submit({ service_code: 'sanitation', description: '路边垃圾堆了三天', ...outside });
  assertStatus(r, 201);
  const c = r.json;
  assert.ok(Number.isInteger(c.id) && c.id > 0, `id: ${c.id}`);
  assert.equal(c.service_request_id, String(c.id));
  assert.match(c.token, TOKEN, 'the tracking token: 43 URL-safe characters');
  assert.equal(c.tracking_url, `/track/${c.id}?token=${c.token}`);
  assert.equal(c.state, 'submitted');
  assert.equal(c.service_code, 'sanitation');
  assert.equal(c.place.street.name, '淡水街道');
  assert.equal(c.place.community.name, '白云社区');
  assert.equal(c.place.grid.id, grid.properties.id);
  assert.equal(c.place.compound, null);
  assert.equal(c.place.inside_red_line, false);
  assert.equal(c.routing.handler.kind, 'grid_worker', 'public-area sanitation is the grid worker’s');
  assert.equal(c.routing.handler.id, grid.properties.id);
  assert.equal(c.routing.tier, 'grid');
  assert.match(c.routing.reason, HAN);
  assert.match(c.routing.reason_en, /grid worker/, 'the reason in English');
  assert.equal(c.routing.owner.name, '白云社区');
  for (const k of ['accept', 'contact', 'resolve']) assert.match(c.deadlines[k], ISO, `deadline ${k}`);
  assert.ok(Date.parse(c.deadlines.accept) <= Date.parse(c.deadlines.resolve), 'accept before resolve');
  assert.ok(Array.isArray(c.possible_duplicates));

  // It is stored as answered.
  const v = await view(c.id);
  assert.equal(v.state, 'submitted');
  assert.equal(v.channel, 'web');
  assert.equal(v.routing.reason, c.routing.reason);
  assert.equal(v.timeline.length, 1);
  assert.equal(v.timeline[0].action, 'report');
});

dtest('the 御珑名苑 story: sewage just outside its red line goes to 惠阳区市政和代建事务中心 (HY-SZDJ), and the reason says why', async () => {
  const { outside } = await places();
  const szdj = await orgByCode('HY-SZDJ');
  const rules = (await get(ANON, '/api/v1/routing-rules')).json.items;
  const rule = rules.find((x) => x.service_code === 'sewage' && x.place === 'outside' && x.area === null);
  assert.ok(rule, 'the demo rule: sewage outside a red line');

  const c = await report({ service_code: 'sewage', description: '二栋后面（红线外）污水管破裂', compound: 'DS-BY-G01-C01', ...outside, attributes: { problem: 'broken_pipe' } });
  assert.equal(c.place.inside_red_line, false, 'the point is outside the red line');
  assert.equal(c.place.compound, null);
  assert.equal(c.place.community.name, '白云社区');
  assert.equal(c.routing.handler.kind, 'department');
  assert.equal(c.routing.handler.id, szdj.id, 'the department is 惠阳区市政和代建事务中心');
  assert.equal(c.routing.tier, 'community', 'a referral is the community’s to make');
  assert.equal(c.routing.rule_id, rule.id);
  assert.equal(c.routing.owner.name, '白云社区', 'the community owns it (首接负责)');
  assert.ok(c.routing.reason.includes('御珑名苑') && c.routing.reason.includes('红线外'), `reason: ${c.routing.reason}`);
  assert.ok(c.routing.reason.includes('白云社区'), `the reason names the community: ${c.routing.reason}`);
  assert.ok(c.routing.reason.includes('惠阳区市政和代建事务中心'), `the reason names the department: ${c.routing.reason}`);
  assert.match(c.routing.reason_en, /outside the red line of 御珑名苑/);
  assert.match(c.routing.reason_en, /白云/);

  const v = await view(c.id);
  assert.equal(v.routing.handler.kind, 'department');
  assert.equal(v.routing.handler.of.code, 'HY-SZDJ');
  assert.equal(v.routing.handler.of.name, '惠阳区市政和代建事务中心');
  assert.equal(v.routing.owner.code, 'DS-BY');
  assert.deepEqual(v.attributes, { problem: 'broken_pipe' });
});

dtest('routing reasons name the community once: "白云社区", never "白云社区社区"', async () => {
  const { outside } = await places();
  const story = await report({ service_code: 'sewage', description: '红线外污水', compound: 'DS-BY-G01-C01', ...outside, attributes: { problem: 'overflow' } });
  const plain = await report({ service_code: 'sanitation', description: '公共区域垃圾', ...outside });
  for (const c of [story, plain]) {
    assert.ok(!c.routing.reason.includes('社区社区'), `doubled community name in: ${c.routing.reason}`);
    assert.ok(!c.routing.reason_en.includes('社区 community'), `doubled community word in: ${c.routing.reason_en}`);
  }
  // As docs/API.md shows it.
  assert.ok(story.routing.reason.startsWith('在御珑名苑红线外（白云社区）'), story.routing.reason);
  assert.ok(story.routing.reason.includes('由白云社区转交'), story.routing.reason);
});

dtest('sanitation at a point inside 御珑名苑 goes to its property company', async () => {
  const { inside, yulong } = await places();
  const c = await report({ service_code: 'sanitation', description: '小区内垃圾桶满了', ...inside });
  assert.equal(c.place.compound.id, yulong.properties.id);
  assert.equal(c.place.compound.name, '御珑名苑');
  assert.equal(c.place.inside_red_line, true);
  assert.equal(c.routing.handler.kind, 'property_company');
  assert.equal(c.routing.tier, 'grid');
  assert.ok(c.routing.reason.includes('红线内'), c.routing.reason);
  const v = await view(c.id);
  assert.equal(v.routing.handler.kind, 'property_company');
  assert.equal(v.routing.handler.of.id, c.routing.handler.id);
  assert.ok(v.routing.handler.of.name && c.routing.reason.includes(v.routing.handler.of.name), `the reason names the company ${v.routing.handler.of.name}`);
  assert.equal(v.compound.code, yulong.properties.code);
});

dtest('a point outside every area is still received (201) and goes to the street office’s triage', async () => {
  const { nowhere } = await places();
  const c = await report({ service_code: 'sanitation', description: '不知道属于哪里的垃圾', ...nowhere });
  assert.equal(c.place.community, null);
  assert.equal(c.place.grid, null);
  assert.equal(c.place.street.name, '淡水街道', 'the home street receives it');
  assert.equal(c.routing.handler.kind, 'street_office');
  assert.equal(c.routing.tier, 'street');
  assert.ok(c.routing.reason.includes('街道'), c.routing.reason);
  assert.match(c.routing.reason_en, /street office/);
  const v = await view(c.id);
  assert.equal(v.lat, nowhere.lat);
  assert.equal(v.long, nowhere.long);
});

dtest('a report with only a compound is taken to be inside it; one with only an address goes to the street triage', async () => {
  const { yulong } = await places();
  const byCompound = await report({ service_code: 'sanitation', description: '只选了小区', compound: yulong.properties.code });
  assert.equal(byCompound.place.compound.name, '御珑名苑');
  assert.equal(byCompound.place.inside_red_line, true);
  assert.equal(byCompound.place.grid.name, '白云社区第1网格');
  assert.equal(byCompound.place.community.name, '白云社区');
  assert.equal(byCompound.routing.handler.kind, 'property_company');
  const v1 = await view(byCompound.id);
  assert.equal(v1.lat, null);
  assert.equal(v1.long, null);
  assert.equal(v1.compound.code, yulong.properties.code);

  const address = `淡水街道某路 ${randomInt(1, 999)} 号`;
  const byAddress = await report({ service_code: 'sanitation', description: '只写了地址', address });
  assert.equal(byAddress.place.community, null);
  assert.equal(byAddress.routing.handler.kind, 'street_office');
  assert.equal(byAddress.routing.tier, 'street');
  const v2 = await view(byAddress.id);
  assert.equal(v2.address, address);
  assert.equal(v2.lat, null);
});

dtest('every intake validation error is 400 naming the field, and nothing is stored', async () => {
  const { outside } = await places();
  const ok = { service_code: 'sanitation', description: `校验 ${RUN}`, ...outside };
  const cases = [
    [{ description: 'x', ...outside }, 'missing_field', 'service_code'],
    [{ ...ok, service_code: 'no_such_category' }, 'unknown_code', 'service_code'],
    [{ service_code: 'sanitation', description: ok.description, lat: outside.lat }, 'missing_field', 'long'],
    [{ service_code: 'sanitation', description: ok.description, long: outside.long }, 'missing_field', 'lat'],
    [{ ...ok, lat: 91 }, 'invalid_field', 'lat'],
    [{ ...ok, long: -181 }, 'invalid_field', 'long'],
    [{ ...ok, lat: '22.78' }, 'invalid_field', 'lat'],
    [{ service_code: 'sanitation', ...outside }, 'missing_field', 'description'],
    [{ ...ok, description: '   ' }, 'invalid_field', 'description'],
    [{ ...ok, description: 'x'.repeat(4001) }, 'invalid_field', 'description'],
    [{ ...ok, phone: 'call me maybe' }, 'invalid_field', 'phone'],
    [{ ...ok, email: 'not-an-address' }, 'invalid_field', 'email'],
    [{ ...ok, service_code: 'noise' }, 'missing_field', 'attribute[when]'],
    [{ ...ok, service_code: 'noise', attributes: { when: 'evening' } }, 'invalid_field', 'attribute[when]'],
    [{ ...ok, service_code: 'noise', attributes: { when: ['day'] } }, 'invalid_field', 'attribute[when]'],
    [{ ...ok, service_code: 'road', attributes: { size_m2: 'big' } }, 'invalid_field', 'attribute[size_m2]'],
    [{ ...ok, attributes: ['x'] }, 'invalid_field', 'attributes'],
    [{ ...ok, colour: 'red' }, 'unknown_field', 'colour'],
    [{ ...ok, channel: 'hotline' }, 'invalid_field', 'channel'],
    [{ ...ok, channel: 'patrol' }, 'invalid_field', 'channel'],
    [{ ...ok, channel: 'staff' }, 'invalid_field', 'channel'],
    [{ ...ok, external_id: 'X-1' }, 'invalid_field', 'external_id'],
    [{ service_code: 'sanitation', description: ok.description }, undefined, 'lat'], // no place at all
    [{ service_code: 'sanitation', description: ok.description, compound: 'DS-BY' }, undefined, 'compound'],
    [{ service_code: 'sanitation', description: ok.description, compound: 'NO-SUCH-AREA' }, undefined, 'compound'],
  ];
  for (const [body, code, field] of cases) {
    const r = await anon(CASES, { json: body });
    assertError(r, 400, code, field);
  }
  // An empty description: missing or invalid, but named.
  assertError(await anon(CASES, { json: { ...ok, description: '' } }), 400, undefined, 'description');

  const stored = await get(ANON, `${CASES}?q=${encodeURIComponent(`校验 ${RUN}`)}`);
  assertStatus(stored, 200);
  assert.equal(stored.json.total, 0, 'no refused report was stored');
});

dtest('a description of only white space, full-width （　） included, is refused as empty', async () => {
  const { outside } = await places();
  for (const description of ['\u3000\u3000', ' \u3000 ', '\u3000\n']) {
    const r = await anon(CASES, { json: { service_code: 'sanitation', description, ...outside } });
    assertError(r, 400, 'invalid_field', 'description');
  }
});

dtest('a grid worker may record a patrol report, a street admin a hotline ticket; a grid worker not a hotline one', async () => {
  const { outside } = await places();
  const grid = await session('grid.baiyun');
  const admin = await session('admin');
  const patrol = await report({ service_code: 'sanitation', description: '巡查发现', channel: 'patrol', ...outside }, grid);
  assert.equal((await view(patrol.id)).channel, 'patrol');
  assertError(await submit({ service_code: 'sanitation', description: '巡查', channel: 'hotline', ...outside }, grid), 400, 'invalid_field', 'channel');
  const ext = uniqueCode('HL');
  const hot = await report({ service_code: 'sanitation', description: '热线', channel: 'hotline', external_id: ext, ...outside }, admin);
  const v = await view(hot.id, admin);
  assert.equal(v.channel, 'hotline');
  assert.equal(v.external_id, ext);
  assertError(await submit({ service_code: 'sanitation', description: '热线重复', channel: 'hotline', external_id: ext, ...outside }, admin), 409, 'duplicate');
});

// ================= the route preview =================

dtest('GET /route previews exactly what intake then decides', async () => {
  const { outside, inside, nowhere, yulong } = await places();
  const near = (a, b) => Math.abs(Date.parse(a) - Date.parse(b)) <= 5000;
  const asks = [
    [{ service_code: 'sewage', ...outside, compound: yulong.properties.code }, { attributes: { problem: 'overflow' } }],
    [{ service_code: 'sewage', ...outside }, { attributes: { problem: 'blocked' } }],
    [{ service_code: 'sanitation', ...inside }, {}],
    [{ service_code: 'road', ...inside }, {}],
    [{ service_code: 'dispute', ...nowhere }, {}],
    [{ service_code: 'sanitation', compound: yulong.properties.code }, {}],
  ];
  for (const [q, extra] of asks) {
    const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
    const p = await get(ANON, `/api/v1/route?${qs}`);
    assertStatus(p, 200, `route ${qs}`);
    assert.equal(p.json.service_code, q.service_code);
    const c = await report({ ...q, ...extra, description: `预览 ${q.service_code}` });
    assert.deepEqual(c.place, p.json.place, `the place of ${qs}`);
    assert.deepEqual(c.routing, p.json.routing, `the routing of ${qs}`);
    for (const k of ['accept', 'contact', 'resolve']) assert.ok(near(c.deadlines[k], p.json.deadlines[k]), `deadline ${k}: ${c.deadlines[k]} vs ${p.json.deadlines[k]}`);
    assert.ok(Array.isArray(p.json.nearby));
  }
  assertError(await get(ANON, `/api/v1/route?service_code=nope&lat=${outside.lat}&long=${outside.long}`), 400, 'unknown_code', 'service_code');
  assertError(await get(ANON, `/api/v1/route?lat=${outside.lat}&long=${outside.long}`), 400, undefined, 'service_code');
  assertError(await get(ANON, '/api/v1/route?service_code=sanitation'), 400, undefined, 'lat');
  assertError(await get(ANON, `/api/v1/route?service_code=sanitation&lat=${outside.lat}`), 400, undefined, 'long');
});

// ================= who sees what =================

dtest('the public view and the public list never show the reporter’s name or phone, nor who acted', async () => {
  const { outside } = await places();
  const phone = uniquePhone();
  const name = `匿名测试${randomInt(1000, 9999)}`;
  const c = await report({ service_code: 'sanitation', description: '公开视图', name, phone, email: 'reporter@example.org', ...outside });
  await step(await session('grid.baiyun'), c.id, { action: 'accept' });

  const pub = await request(`${CASES}/${c.id}`);
  assertStatus(pub, 200);
  assert.equal(pub.json.view, 'public');
  assert.ok(!('reporter' in pub.json), 'no reporter object');
  assert.ok(!('external_id' in pub.json));
  for (const secret of [phone, name, 'reporter@example.org']) assert.ok(!pub.text.includes(secret), `the public view shows ${secret}`);
  assert.deepEqual(pub.json.allowed_actions, []);
  for (const e of pub.json.timeline) {
    assert.ok(!('actor' in e), `the public timeline shows who acted: ${JSON.stringify(e)}`);
    assert.equal(e.public, true);
  }
  const list = await request(`${CASES}?q=${encodeURIComponent(RUN)}&limit=500`);
  assertStatus(list, 200);
  assert.ok(list.json.items.some((x) => x.id === c.id), 'the case is in the public list');
  for (const secret of [phone, name]) assert.ok(!list.text.includes(secret), `the public list shows ${secret}`);
  for (const it of list.json.items) assert.ok(!('reporter' in it));
});

dtest('with the tracking token the view is "reporter"; a wrong token is 403 bad_token', async () => {
  const { outside } = await places();
  const phone = uniquePhone();
  const a = await report({ service_code: 'sanitation', description: '跟踪', phone, ...outside });
  const b = await report({ service_code: 'sanitation', description: '另一个', ...outside });
  const mine = await request(`${CASES}/${a.id}?token=${a.token}`);
  assertStatus(mine, 200);
  assert.equal(mine.json.view, 'reporter');
  assert.ok(mine.json.allowed_actions.includes('note'), 'the reporter may add a public note');
  assert.ok(!mine.json.allowed_actions.includes('accept'));
  assert.ok(!mine.json.allowed_actions.includes('rate'), 'nothing to rate yet');
  assertError(await request(`${CASES}/${a.id}?token=${b.token}`), 403, 'bad_token', 'token');
  assertError(await request(`${CASES}/${a.id}?token=${'A'.repeat(43)}`), 403, 'bad_token', 'token');
  assertError(await request(`${CASES}/${a.id}?token=`), 403, 'bad_token', 'token');
  assertError(await request(`${CASES}/999999999`), 404, 'not_found');
  // the reporter's note is public without saying so; an internal one is refused
  const note = await request(`${CASES}/${a.id}/actions`, { method: 'POST', json: { action: 'note', token: a.token, text: '谢谢' } });
  assertStatus(note, 200);
  assert.equal(note.json.view, 'reporter');
  assert.equal(note.json.timeline.at(-1).text, '谢谢');
  assert.equal(note.json.timeline.at(-1).public, true);
  const internal = await request(`${CASES}/${a.id}/actions`,
    { method: 'POST', json: { action: 'note', token: a.token, text: '内部', public: false } });
  assert.equal(internal.status, 403);
});

dtest('staff whose scope covers the case see the reporter and internal notes; staff of another community do not', async () => {
  const { outside } = await places();
  const phone = uniquePhone();
  const name = `居民${randomInt(1000, 9999)}`;
  const c = await report({ service_code: 'sanitation', description: '谁能看见', name, phone, contact_ok: false, ...outside });
  const baiyun = await session('baiyun');
  const note = `内部备注 ${uniqueCode('N')}`;
  const n = await step(baiyun, c.id, { action: 'note', text: note, public: false });
  assert.equal(typeof n.event_id, 'number');

  for (const login of ['baiyun', 'grid.baiyun', 'admin']) {
    const v = await view(c.id, await session(login));
    assert.equal(v.view, 'staff', `${login} sees the case whole`);
    assert.deepEqual(v.reporter, { name, phone, email: null, contact_ok: false }, `${login} sees the reporter`);
    const e = v.timeline.find((x) => x.text === note);
    assert.ok(e, `${login} sees the internal note`);
    assert.equal(e.public, false);
    assert.equal(e.actor_role, 'community_staff');
    assert.equal(typeof e.actor, 'string');
  }
  for (const who of [ANON, c.token]) {
    const r = typeof who === 'string' ? await request(`${CASES}/${c.id}?token=${who}`) : await request(`${CASES}/${c.id}`);
    assert.ok(!r.text.includes(note), 'the internal note is not public');
    assert.ok(!r.text.includes(phone));
  }
  for (const login of ['xinghe', 'grid.xinghe', 'chengguan', 'huashi', 'resident']) {
    const r = await get(await session(login), `${CASES}/${c.id}`);
    assertStatus(r, 200);
    assert.equal(r.json.view, 'public', `${login} sees only the public view`);
    assert.ok(!r.text.includes(phone), `${login} sees the reporter’s phone`);
    assert.ok(!r.text.includes(name), `${login} sees the reporter’s name`);
    assert.ok(!r.text.includes(note), `${login} sees the internal note`);
    assert.deepEqual(r.json.allowed_actions, [], `${login} may do nothing`);
  }
  // Queues outside one's scope, and the duplicates of a case one does not see.
  const xinghe = await session('xinghe');
  assertError(await get(xinghe, `${CASES}?scope=community&area=${await areaId('DS-BY')}`), 403, 'forbidden');
  assertError(await get(xinghe, `${CASES}?scope=grid&area=${await areaId('DS-BY-G01')}`), 403, 'forbidden');
  assertError(await get(await session('grid.xinghe'), `${CASES}?scope=grid&area=${await areaId('DS-BY-G01')}`), 403, 'forbidden');
  assertError(await get(await session('grid.baiyun'), `${CASES}?scope=community&area=${await areaId('DS-BY')}`), 403, 'forbidden');
  assertError(await get(xinghe, `${CASES}/${c.id}/duplicates`), 403, 'forbidden');
});

// ================= actions =================

dtest('accept → dispatch as routed → contact → start → resolve by the right people; the reporter rates: closed', async () => {
  const { outside, grid } = await places();
  const g = await session('grid.baiyun');
  const c = await report({ service_code: 'sanitation', description: '全流程', phone: uniquePhone(), ...outside });
  const reporter = { token: c.token };

  // not yet, and not these people
  const early = await act(g, c.id, { action: 'start' });
  assertError(early, 409, 'case_state');
  assert.match(early.json.error.message, /待受理/, 'the reason says the state');
  const earlyEn = await act(g, c.id, { action: 'start' }, '?lang=en');
  assertError(earlyEn, 409, 'case_state');
  assert.match(earlyEn.json.error.message, /cannot .*submitted/, `English reason: ${earlyEn.json.error.message}`);
  for (const login of ['xinghe', 'grid.xinghe', 'shizheng', 'resident']) assertError(await act(await session(login), c.id, { action: 'accept' }), 403, 'forbidden');
  assertError(await act(reporter, c.id, { action: 'accept' }), 403, 'forbidden');
  assertError(await act(ANON, c.id, { action: 'accept' }), 401);
  assertError(await act(g, c.id, { action: 'fly' }), 400, 'invalid_field', 'action');

  let v = await step(g, c.id, { action: 'accept' });
  assert.equal(v.state, 'accepted');
  assert.match(v.times.accepted_at, ISO);
  assertError(await act(g, c.id, { action: 'accept' }), 409, 'case_state');

  v = await step(g, c.id, { action: 'dispatch' });
  assert.equal(v.state, 'dispatched');
  assert.equal(v.handler.kind, 'grid_worker', 'dispatched as routed');
  assert.equal(v.handler.of.code, grid.properties.code);

  v = await step(g, c.id, { action: 'contact', text: '已电话联系反映人' });
  assert.match(v.times.contacted_at, ISO);
  assertError(await act(g, c.id, { action: 'contact' }), 409, 'already_contacted');

  assertError(await act(await session('shizheng'), c.id, { action: 'start' }), 403, 'forbidden');
  v = await step(g, c.id, { action: 'start' });
  assert.equal(v.state, 'in_progress');

  assertError(await act(reporter, c.id, { action: 'rate', solved: 'yes', satisfaction: 'satisfied' }), 409, 'case_state');
  v = await step(g, c.id, { action: 'resolve', text: '已清运' });
  assert.equal(v.state, 'resolved');
  assert.equal(v.resolved_tier, 'grid');
  assert.match(v.times.resolved_at, ISO);

  assertError(await act(reporter, c.id, { action: 'rate', solved: 'yes' }), 400, 'missing_field', 'satisfaction');
  assertError(await act(reporter, c.id, { action: 'rate', satisfaction: 'satisfied' }), 400, 'missing_field', 'solved');
  assertError(await act(reporter, c.id, { action: 'rate', solved: 'maybe', satisfaction: 'satisfied' }), 400, 'invalid_field', 'solved');
  assertError(await act(reporter, c.id, { action: 'rate', solved: 'yes', satisfaction: 'thrilled' }), 400, 'invalid_field', 'satisfaction');
  assertError(await act(await session('xinghe'), c.id, { action: 'rate', solved: 'yes', satisfaction: 'satisfied' }), 403, 'forbidden');
  assertError(await act({ token: 'B'.repeat(43) }, c.id, { action: 'rate', solved: 'yes', satisfaction: 'satisfied' }), 403, 'bad_token', 'token');

  v = await step(reporter, c.id, { action: 'rate', solved: 'yes', satisfaction: 'satisfied', comment: '很快，谢谢' });
  assert.equal(v.state, 'closed');
  assert.equal(v.open, false);
  assert.match(v.times.closed_at, ISO);
  assert.equal(v.rating.solved, 'yes');
  assert.equal(v.rating.satisfaction, 'satisfied');
  assert.equal(v.rating.comment, '很快，谢谢');
  assertError(await act(reporter, c.id, { action: 'rate', solved: 'yes', satisfaction: 'satisfied' }), 409, 'case_state');

  const pub = await view(c.id);
  assert.deepEqual(pub.timeline.map((e) => e.action), ['report', 'accept', 'dispatch', 'contact', 'start', 'resolve', 'rate']);
  assert.deepEqual(pub.timeline.map((e) => e.to_state), ['submitted', 'accepted', 'dispatched', 'dispatched', 'in_progress', 'resolved', 'closed']);
  assert.equal(pub.timeline.at(-1).actor_role, 'reporter');
  assert.equal(pub.timeline[1].actor_role, 'grid_worker');
});

dtest('an unsatisfied (or unsolved) rating reopens the case for rework', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  for (const [solved, satisfaction] of [['yes', 'unsatisfied'], ['no', 'basically_satisfied']]) {
    const c = await report({ service_code: 'sanitation', description: `不满意 ${solved}`, ...outside });
    for (const a of ['accept', 'dispatch', 'start']) await step(g, c.id, { action: a });
    await step(g, c.id, { action: 'resolve', text: '处理了' });
    const v = await step({ token: c.token }, c.id, { action: 'rate', solved, satisfaction });
    assert.equal(v.state, 'reopened', `${solved}/${satisfaction} reopens`);
    assert.equal(v.open, true);
    assert.equal(v.reopened_count, 1);
    assert.equal(v.times.closed_at, null);
    const staff = await view(c.id, g);
    assert.ok(staff.allowed_actions.includes('start'), `rework may start: ${staff.allowed_actions}`);
    assert.ok(!staff.allowed_actions.includes('rate'));
    const again = await step(g, c.id, { action: 'start' });
    assert.equal(again.state, 'in_progress');
  }
});

dtest('a step without the text it needs is 400 naming the body field "text"', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  const a = await report({ service_code: 'sanitation', description: '缺文字', ...outside });
  assertError(await act(g, a.id, { action: 'escalate' }), 400, 'missing_field', 'text');
  assertError(await act(g, a.id, { action: 'invalidate' }), 400, 'missing_field', 'text');
  assertError(await act(g, a.id, { action: 'note', text: '   ' }), 400, 'missing_field', 'text');
  for (const s of ['accept', 'dispatch', 'start']) await step(g, a.id, { action: s });
  assertError(await act(g, a.id, { action: 'resolve' }), 400, 'missing_field', 'text');
  assertError(await act(g, a.id, { action: 'return' }), 400, 'missing_field', 'text');
  assert.equal((await view(a.id)).state, 'in_progress', 'nothing changed');
});

dtest('the fields an action names in its 400s are the request’s: refer without "department"', async () => {
  const { outside } = await places();
  const baiyun = await session('baiyun');
  const c = await report({ service_code: 'facilities', description: '转交缺部门', ...outside });
  await step(baiyun, c.id, { action: 'accept' });
  assertError(await act(baiyun, c.id, { action: 'refer' }), 400, 'missing_field', 'department');
  assertError(await act(baiyun, c.id, { action: 'refer', department: 'NO-SUCH-ORG' }), 400, undefined, 'department');
  assertError(await act(baiyun, c.id, { action: 'dispatch', handler: 'nobody' }), 400, 'invalid_field', 'handler');
});

dtest('escalate grid → community → street, each by the tier in charge, then 409 top_tier', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  const baiyun = await session('baiyun');
  const admin = await session('admin');
  const c = await report({ service_code: 'sanitation', description: '逐级上报', ...outside });
  await step(g, c.id, { action: 'accept' });
  // 小事不出网格: going up takes an escalation, not a dispatch
  assertError(await act(g, c.id, { action: 'dispatch', handler: 'community_office' }), 409, 'escalate_first');
  assertError(await act(g, c.id, { action: 'dispatch', handler: 'street_office' }), 409, 'escalate_first');
  assertError(await act(await session('xinghe'), c.id, { action: 'escalate', text: '不归我' }), 403, 'forbidden');

  let v = await step(g, c.id, { action: 'escalate', text: '网格解决不了' });
  assert.equal(v.tier, 'community');
  assert.equal(v.state, 'accepted', 'to be dispatched again at the new tier');
  assert.equal(v.handler.kind, 'none');
  assert.equal(v.escalated_count, 1);
  // The grid worker is no longer in charge.
  assertError(await act(g, c.id, { action: 'escalate', text: '再上报' }), 403, 'forbidden');
  assert.deepEqual((await view(c.id, g)).allowed_actions, []);
  assert.ok((await view(c.id, baiyun)).allowed_actions.includes('escalate'));

  v = await step(baiyun, c.id, { action: 'escalate', text: '社区解决不了' });
  assert.equal(v.tier, 'street');
  assert.equal(v.escalated_count, 2);

  const top = await act(admin, c.id, { action: 'escalate', text: '再往上' });
  assertError(top, 409, 'top_tier');
  assert.match(top.json.error.message, HAN, 'a reason');
  const topEn = await act(admin, c.id, { action: 'escalate', text: '再往上' }, '?lang=en');
  assertError(topEn, 409, 'top_tier');
  assert.match(topEn.json.error.message, /top tier/);

  v = await step(admin, c.id, { action: 'dispatch', handler: 'street_office' });
  assert.equal(v.handler.kind, 'street_office');
  const staff = await view(c.id, admin);
  const ups = staff.timeline.filter((e) => e.action === 'escalate');
  assert.deepEqual(ups.map((e) => [e.tier, e.actor_role]), [['community', 'grid_worker'], ['street', 'community_staff']]);
  assert.deepEqual(ups.map((e) => e.text), ['网格解决不了', '社区解决不了']);
});

dtest('the 御珑名苑 referral: 白云社区 dispatches as routed to HY-SZDJ, which sees it in scope=referred, reports back; the community resolves', async () => {
  const { outside } = await places();
  const baiyun = await session('baiyun');
  const sz = await session('shizheng');
  const cg = await session('chengguan');
  const phone = uniquePhone();
  const c = await report({ service_code: 'sewage', description: '二栋后面污水管破裂（吹哨报到）', compound: 'DS-BY-G01-C01', ...outside, attributes: { problem: 'broken_pipe' }, phone });

  assertError(await act(await session('grid.baiyun'), c.id, { action: 'accept' }), 403, 'forbidden');
  await step(baiyun, c.id, { action: 'accept' });
  let v = await step(baiyun, c.id, { action: 'dispatch' });
  assert.equal(v.state, 'dispatched');
  assert.equal(v.handler.kind, 'department', 'a route to a department becomes a referral');
  assert.equal(v.handler.of.code, 'HY-SZDJ');
  assert.equal(v.department.code, 'HY-SZDJ');
  assert.match(v.deadlines.referral, ISO);
  assert.equal(v.tier, 'community');
  assert.ok(v.timeline.some((e) => e.action === 'refer'), 'recorded as a referral');

  const referred = await get(sz, `${CASES}?scope=referred&q=${encodeURIComponent(RUN)}`);
  assertStatus(referred, 200);
  assert.ok(referred.json.items.some((x) => x.id === c.id), 'the department sees it among its referrals');
  const mine = await get(sz, `${CASES}?scope=mine&q=${encodeURIComponent(RUN)}`);
  assert.ok(mine.json.items.some((x) => x.id === c.id), 'and as its own');

  const sv = await view(c.id, sz);
  assert.equal(sv.view, 'staff', 'the department handling it sees it whole');
  assert.equal(sv.reporter.phone, phone);
  assert.ok(sv.allowed_actions.includes('report_back'));
  const other = await get(cg, `${CASES}/${c.id}`);
  assert.equal(other.json.view, 'public', 'another department does not');
  assert.ok(!other.text.includes(phone));
  assertError(await act(cg, c.id, { action: 'report_back', text: '不是我们' }), 403, 'forbidden');
  assertError(await get(baiyun, `${CASES}?scope=referred`), 403, 'forbidden');

  v = await step(sz, c.id, { action: 'report_back', text: '3月4日查看、3月5日修复' });
  assert.equal(v.state, 'in_progress');
  assert.equal(v.handler.kind, 'community_office', 'back to the owning community');
  assert.equal(v.handler.of.code, 'DS-BY');
  assert.equal(v.deadlines.referral, null, 'the referral clock stopped');
  const after = await get(sz, `${CASES}?scope=referred&q=${encodeURIComponent(RUN)}`);
  assert.ok(after.json.items.some((x) => x.id === c.id), 'referred: now or before');
  const mineAfter = await get(sz, `${CASES}?scope=mine&q=${encodeURIComponent(RUN)}`);
  assert.ok(!mineAfter.json.items.some((x) => x.id === c.id), 'no longer the department’s to hold');
  assertError(await act(sz, c.id, { action: 'report_back', text: '又一次' }), 403, 'forbidden');

  v = await step(baiyun, c.id, { action: 'resolve', text: '社区核实已修复' });
  assert.equal(v.state, 'resolved');
  v = await step({ token: c.token }, c.id, { action: 'rate', solved: 'yes', satisfaction: 'satisfied' });
  assert.equal(v.state, 'closed');
  const pub = await view(c.id);
  assert.deepEqual(pub.timeline.map((e) => e.action), ['report', 'accept', 'refer', 'report_back', 'resolve', 'rate']);
  assert.equal(pub.timeline.find((e) => e.action === 'report_back').actor_role, 'department_staff');
});

dtest('the community refers a case to a department by code; the grid may not; a due date must be ahead', async () => {
  const { outside } = await places();
  const baiyun = await session('baiyun');
  const g = await session('grid.baiyun');
  const c = await report({ service_code: 'facilities', description: '护栏损坏需部门处理', ...outside });
  await step(g, c.id, { action: 'accept' });
  assertError(await act(g, c.id, { action: 'refer', department: 'HY-SZDJ' }), 403, 'forbidden');
  assertError(await act(await session('xinghe'), c.id, { action: 'refer', department: 'HY-SZDJ' }), 403, 'forbidden');
  assertError(await act(baiyun, c.id, { action: 'refer', department: 'HY-SZDJ', due: iso8(Date.now() - 3600e3) }), 400, 'invalid_field', 'due');
  assertError(await act(baiyun, c.id, { action: 'refer', department: 'HY-SZDJ', due: 'tomorrow' }), 400, 'invalid_field', 'due');
  const due = iso8(Date.now() + 3 * 86400e3);
  const v = await step(baiyun, c.id, { action: 'refer', department: 'HY-SZDJ', due });
  assert.equal(v.state, 'dispatched');
  assert.equal(v.tier, 'community', 'the community takes it up from the grid');
  assert.equal(v.handler.of.code, 'HY-SZDJ');
  assert.equal(v.department.code, 'HY-SZDJ');
  assert.equal(v.deadlines.referral, due);
});

dtest('two nearby reports of one problem: staff see the duplicate and merge it', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  const spot = outside;
  const first = await report({ service_code: 'greenery', description: '大树倒了', ...spot });
  const second = await report({ service_code: 'greenery', description: '有棵树倒在路上', ...north(spot, 5) });
  const dup = second.possible_duplicates.find((d) => d.id === first.id);
  assert.ok(dup, `intake shows the earlier report as a possible duplicate: ${JSON.stringify(second.possible_duplicates)}`);
  assert.ok(dup.distance_m <= 10, `distance ${dup.distance_m}`);

  const d = await get(g, `${CASES}/${second.id}/duplicates`);
  assertStatus(d, 200);
  assert.ok(d.json.items.some((x) => x.id === first.id));
  assert.ok(!d.json.items.some((x) => x.id === second.id), 'not itself');
  assertError(await request(`${CASES}/${second.id}/duplicates`), 401);

  assertError(await act(g, second.id, { action: 'merge' }), 400, 'missing_field', 'merge_into');
  assertError(await act(g, second.id, { action: 'merge', merge_into: second.id }), 400, 'invalid_field', 'merge_into');
  assertError(await act(await session('xinghe'), second.id, { action: 'merge', merge_into: first.id }), 403, 'forbidden');
  const v = await step(g, second.id, { action: 'merge', merge_into: first.id });
  assert.equal(v.state, 'merged');
  assert.equal(v.merged_into, first.id);
  assert.equal(v.open, false);
  assertError(await act(g, second.id, { action: 'accept' }), 409, 'case_state');
  // A third may not join a merged one.
  const third = await report({ service_code: 'greenery', description: '树倒了（第三次）', ...spot });
  assertError(await act(g, third.id, { action: 'merge', merge_into: second.id }), 409, 'merge_target_state');
  const near = await get(ANON, `${CASES}/nearby?lat=${spot.lat}&long=${spot.long}&service_code=greenery`);
  assert.ok(!near.json.items.some((x) => x.id === second.id), 'a merged case is no longer an open report nearby');
  // The merged case's reporter follows the surviving case with their own link.
  const follow = await get(ANON, `${CASES}/${first.id}?token=${encodeURIComponent(second.token)}`);
  assertStatus(follow, 200);
  assert.equal(follow.json.view, 'reporter');
  assertError(await get(ANON, `${CASES}/${third.id}?token=${encodeURIComponent(second.token)}`), 403, 'bad_token');
});

dtest('spam is marked invalid: the public gets 404, staff still see it', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  const c = await report({ service_code: 'other', description: '广告：办证 138xxxx', ...outside });
  assertError(await act(await session('xinghe'), c.id, { action: 'invalidate', text: '广告' }), 403, 'forbidden');
  const v = await step(g, c.id, { action: 'invalidate', text: '广告信息' });
  assert.equal(v.state, 'invalid');
  assertError(await request(`${CASES}/${c.id}`), 404, 'not_found');
  assertError(await get(await session('xinghe'), `${CASES}/${c.id}`), 404, 'not_found');
  const staff = await view(c.id, await session('baiyun'));
  assert.equal(staff.state, 'invalid');
  assert.equal(staff.timeline.at(-1).public, false, 'the invalidation is internal');
  const list = await request(`${CASES}?q=${encodeURIComponent(RUN)}&limit=500&status=all`);
  assert.ok(!list.json.items.some((x) => x.id === c.id), 'spam is not in the public list');
  assertError(await act(g, c.id, { action: 'accept' }), 409, 'case_state');
});

dtest('allowed_actions follow the state and the viewer', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  const baiyun = await session('baiyun');
  const c = await report({ service_code: 'sanitation', description: '可做什么', ...outside });
  const allowed = async (who) => (await view(c.id, who)).allowed_actions;

  assert.deepEqual(await allowed(ANON), []);
  assert.deepEqual(await allowed(await session('xinghe')), []);
  let tok = await allowed(c.token);
  assert.ok(tok.includes('note') && !tok.includes('rate') && !tok.includes('accept'), `reporter at intake: ${tok}`);
  let staff = await allowed(baiyun);
  for (const a of ['accept', 'escalate', 'merge', 'invalidate', 'note']) assert.ok(staff.includes(a), `community staff at intake may ${a}: ${staff}`);
  for (const a of ['start', 'resolve', 'rate', 'report_back', 'dispatch']) assert.ok(!staff.includes(a), `community staff at intake may not ${a}: ${staff}`);

  await step(g, c.id, { action: 'accept' });
  staff = await allowed(g);
  assert.ok(staff.includes('dispatch') && !staff.includes('accept') && !staff.includes('merge'), `accepted: ${staff}`);
  await step(g, c.id, { action: 'dispatch' });
  assert.ok((await allowed(g)).includes('start'));
  assert.ok(!(await allowed(baiyun)).includes('start'), 'only the handler starts');
  await step(g, c.id, { action: 'start' });
  await step(g, c.id, { action: 'resolve', text: '好了' });
  tok = await allowed(c.token);
  assert.ok(tok.includes('rate'), `the reporter may rate a resolved case: ${tok}`);
  staff = await allowed(g);
  for (const a of ['reopen', 'close']) assert.ok(staff.includes(a), `resolved: staff may ${a}: ${staff}`);
  assert.ok(!staff.includes('resolve'));
  await step({ token: c.token }, c.id, { action: 'rate', solved: 'yes', satisfaction: 'basically_satisfied' });
  tok = await allowed(c.token);
  assert.ok(!tok.includes('rate'), `closed: ${tok}`);
  staff = await allowed(g);
  assert.ok(staff.includes('reopen') && !staff.includes('close'), `closed: ${staff}`);
});

// ================= queues =================

dtest('work queues by scope, with filters and totals, sorted by deadline; anonymous 401, residents 403', async () => {
  const { outside, nowhere } = await places();
  const Q = uniqueCode('Q');
  const g = await session('grid.baiyun');
  const baiyun = await session('baiyun');
  const admin = await session('admin');
  const sz = await session('shizheng');
  const phone = uniquePhone();

  const a = await report({ service_code: 'sanitation', description: `${Q} 待受理`, phone, ...outside });
  const b = await report({ service_code: 'sanitation', description: `${Q} 已派单`, ...outside });
  await step(g, b.id, { action: 'accept' });
  await step(g, b.id, { action: 'dispatch' });
  const c = await report({ service_code: 'sewage', description: `${Q} 红线外污水`, compound: 'DS-BY-G01-C01', ...outside, attributes: { problem: 'overflow' } });
  const e = await report({ service_code: 'dispute', description: `${Q} 街道分拨`, ...nowhere });
  const ids = (r) => r.json.items.map((x) => x.id).sort((x, y) => x - y);
  const q = `q=${encodeURIComponent(Q)}`;

  assertError(await request(`${CASES}?scope=mine`), 401, 'unauthenticated');
  assertError(await get(await session('resident'), `${CASES}?scope=mine`), 403, 'forbidden');
  assertError(await get(g, `${CASES}?scope=everything`), 400, 'invalid_query', 'scope');
  assertError(await get(g, `${CASES}?scope=grid&state=nonsense`), 400, 'invalid_query', 'state');
  assertError(await get(g, `${CASES}?scope=grid&category=nonsense`), 400, 'invalid_query', 'category');
  assertError(await get(g, `${CASES}?scope=grid&limit=501`), 400, 'invalid_query', 'limit');
  assertError(await get(sz, `${CASES}?scope=grid`), 403, 'forbidden');

  let r = await get(g, `${CASES}?scope=grid&${q}`);
  assertStatus(r, 200);
  assert.deepEqual(ids(r), [a.id, b.id, c.id]);
  assert.equal(r.json.total, 3);
  r = await get(g, `${CASES}?scope=mine&${q}`);
  assert.deepEqual(ids(r), [b.id], 'mine: what the grid worker holds now');
  r = await get(baiyun, `${CASES}?scope=community&${q}`);
  assert.deepEqual(ids(r), [a.id, b.id, c.id]);
  r = await get(admin, `${CASES}?scope=street&${q}`);
  assert.deepEqual(ids(r), [a.id, b.id, c.id, e.id]);
  assert.equal(r.json.total, 4);
  r = await get(admin, `${CASES}?scope=mine&${q}`);
  assert.deepEqual(ids(r), [], 'nothing dispatched to the street office yet');

  r = await get(baiyun, `${CASES}?scope=community&${q}&category=sewage`);
  assert.deepEqual(ids(r), [c.id]);
  r = await get(baiyun, `${CASES}?scope=community&${q}&state=dispatched`);
  assert.deepEqual(ids(r), [b.id]);
  r = await get(baiyun, `${CASES}?scope=community&${q}&status=open`);
  assert.equal(r.json.total, 3);
  r = await get(baiyun, `${CASES}?scope=community&${q}&status=awaiting_rating`);
  assert.equal(r.json.total, 0);
  r = await get(baiyun, `${CASES}?scope=community&q=${encodeURIComponent(`${Q} 红线外`)}`);
  assert.deepEqual(ids(r), [c.id], 'q is a substring of the description');
  r = await get(baiyun, `${CASES}?scope=community&${q}&overdue=true`);
  assert.equal(r.json.total, 0, 'nothing is overdue yet');

  // paging: total counts every match
  r = await get(admin, `${CASES}?scope=street&${q}&limit=2`);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.total, 4);
  assert.equal(r.json.limit, 2);
  const r2 = await get(admin, `${CASES}?scope=street&${q}&limit=2&offset=2`);
  assert.equal(r2.json.offset, 2);
  assert.deepEqual([...r.json.items, ...r2.json.items].map((x) => x.id).sort((x, y) => x - y), [a.id, b.id, c.id, e.id]);

  // sorted by the governing deadline, soonest first
  r = await get(admin, `${CASES}?scope=street&q=${encodeURIComponent(RUN)}&limit=500&status=open`);
  const dues = r.json.items.map((x) => Date.parse(x.due_at));
  for (let i = 1; i < dues.length; i++) assert.ok(dues[i - 1] <= dues[i], `open cases sorted by due_at: ${r.json.items[i - 1].due_at} then ${r.json.items[i].due_at}`);
  r = await get(admin, `${CASES}?scope=street&q=${encodeURIComponent(RUN)}&limit=500&status=all`);
  const firstDone = r.json.items.findIndex((x) => !x.open);
  if (firstDone >= 0) assert.ok(r.json.items.slice(firstDone).every((x) => !x.open), 'open cases before finished ones');

  for (const it of r.json.items) {
    for (const k of ['id', 'service_code', 'service_name', 'description', 'lat', 'long', 'address', 'channel', 'state', 'tier', 'handler', 'community', 'grid', 'submitted_at', 'updated_at', 'due_at', 'open']) assert.ok(k in it, `queue item field ${k}`);
    assert.ok(!('reporter' in it));
  }

  // the public list: no scope, no personal data; a street, community or grid id
  const pub = await request(`${CASES}?${q}`);
  assertStatus(pub, 200);
  assert.deepEqual(ids(pub), [a.id, b.id, c.id, e.id]);
  assert.ok(!pub.text.includes(phone));
  const byGrid = await request(`${CASES}?${q}&area=${await areaId('DS-BY-G01')}`);
  assert.deepEqual(ids(byGrid), [a.id, b.id, c.id]);
  assertError(await request(`${CASES}?area=${(await places()).yulong.properties.id}`), 400, 'invalid_query', 'area');
});

dtest('overdue=true lists an open case past its deadline (a hotline ticket received weeks ago)', async () => {
  const { outside } = await places();
  const admin = await session('admin');
  // The server's own SLA sweep (every minute) escalates an overdue case and
  // gives it a new deadline; should it run between the report and the list,
  // report again.
  let found = false;
  let tries = 0;
  let last;
  while (!found && tries < 3) {
    tries += 1;
    const old = await report({ service_code: 'sanitation', description: '热线旧单', channel: 'hotline', external_id: uniqueCode('OLD'), submitted_at: iso8(Date.now() - 20 * 86400e3), ...outside }, admin);
    const r = await get(admin, `${CASES}?scope=street&overdue=true&q=${encodeURIComponent(RUN)}&limit=500`);
    assertStatus(r, 200);
    last = r.json;
    found = r.json.items.some((x) => x.id === old.id);
    if (!found) {
      const v = await view(old.id, admin);
      assert.ok(v.timeline.some((e) => e.actor_role === 'platform'), `the overdue case is missing from overdue=true: ${JSON.stringify(r.json.items.map((x) => x.id))}`);
    }
  }
  assert.ok(found, JSON.stringify(last));
  for (const it of last.items) {
    assert.ok(Date.parse(it.due_at) < Date.now(), `overdue: ${it.due_at}`);
    assert.equal(it.open, true);
  }
});

// ================= nearby =================

dtest('/cases/nearby shows a report just posted within 100 m, not one 500 m away', async () => {
  const { outside } = await places();
  const here = north(outside, -120);
  const far = north(here, 500);
  const a = await report({ service_code: 'facilities', description: '井盖松动', ...here });
  const b = await report({ service_code: 'facilities', description: '远处的井盖', ...far });
  let r = await request(`${CASES}/nearby?lat=${here.lat}&long=${here.long}&service_code=facilities`);
  assertStatus(r, 200);
  assert.equal(r.json.radius_m, 100);
  const hit = r.json.items.find((x) => x.id === a.id);
  assert.ok(hit, `the report just posted: ${JSON.stringify(r.json.items)}`);
  assert.ok(hit.distance_m <= 2);
  assert.equal(hit.state, 'submitted');
  assert.ok(!r.json.items.some((x) => x.id === b.id), 'not the one 500 m away');
  for (let i = 1; i < r.json.items.length; i++) assert.ok(r.json.items[i - 1].distance_m <= r.json.items[i].distance_m, 'nearest first');
  r = await request(`${CASES}/nearby?lat=${far.lat}&long=${far.long}&service_code=facilities`);
  assert.ok(r.json.items.some((x) => x.id === b.id) && !r.json.items.some((x) => x.id === a.id));
  r = await request(`${CASES}/nearby?lat=${here.lat}&long=${here.long}&service_code=road`);
  assert.ok(!r.json.items.some((x) => x.id === a.id), 'another category is another problem');
  assertError(await request(`${CASES}/nearby?lat=${here.lat}&long=${here.long}&service_code=nope`), 400, undefined, 'service_code');
  assertError(await request(`${CASES}/nearby?service_code=facilities`), 400, undefined, 'lat');
});

// ================= photos =================

dtest('photos: the reporter uploads a PNG with the token and gets the same bytes back; 401 without the token, 415 for text', async () => {
  const { outside } = await places();
  const c = await report({ service_code: 'sanitation', description: '附照片', ...outside });
  const png = tinyPng(10, 200, 30);
  const hash = createHash('sha256').update(png).digest('hex');
  const path = `${CASES}/${c.id}/photos`;

  const up = await upload(`${path}?token=${c.token}`, [{ bytes: png, type: 'image/png', filename: 'a.png' }]);
  assertStatus(up, 201);
  assert.deepEqual(up.json, { items: [{ hash, mime: 'image/png', bytes: png.length }] });

  const back = await fetch(`${BASE}${path}/${hash}?token=${c.token}`);
  assert.equal(back.status, 200);
  assert.equal(back.headers.get('content-type'), 'image/png');
  assert.ok(Buffer.from(await back.arrayBuffer()).equals(png), 'the same bytes');
  const v = await view(c.id, c.token);
  assert.ok(v.photos.some((p) => p.hash === hash && p.mime === 'image/png'), 'listed on the case');

  assert.equal((await request(`${path}/${hash}`)).status, 401, 'anonymous without the token');
  assert.equal((await upload(path, [{ bytes: png, type: 'image/png', filename: 'a.png' }])).status, 401);
  assertError(await request(`${path}/${hash}?token=${'C'.repeat(43)}`), 403, 'bad_token');
  assertError(await get(await session('xinghe'), `${path}/${hash}`), 403, 'forbidden');
  const staff = await fetch(`${BASE}${path}/${hash}`, { headers: { cookie: (await session('baiyun')).cookie } });
  assert.equal(staff.status, 200, 'staff who see the case');
  assertError(await request(`${path}/${'0'.repeat(64)}?token=${c.token}`), 404);

  assertError(await upload(`${path}?token=${c.token}`, [{ bytes: Buffer.from('just some text\n'), type: 'image/png', filename: 'b.png' }]), 415, 'unsupported_media_type', 'photo');
  assertError(await upload(`${path}?token=${c.token}`, [{ name: 'other', bytes: png, type: 'image/png', filename: 'c.png' }]), 400, 'missing_field', 'photo');
});

dtest('a 401 about a case uses the documented code "unauthenticated"', async () => {
  const { outside } = await places();
  const c = await report({ service_code: 'sanitation', description: '401 代码', ...outside });
  for (const r of [
    await request(`${CASES}/${c.id}/photos/${'a'.repeat(64)}`),
    await upload(`${CASES}/${c.id}/photos`, [{ bytes: tinyPng(), type: 'image/png', filename: 'a.png' }]),
    await act(ANON, c.id, { action: 'note', text: '我是谁', public: true }),
  ])
    assertError(r, 401, 'unauthenticated');
});

// ================= the CLI =================

dtest('tongxin import cases: a good file imports 3 hotline tickets; a bad one names line and column and imports nothing', async () => {
  const { outside } = await places();
  const M = uniqueCode('IMP');
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-cases-'));
  try {
    const header = 'external_id,received_at,service_code,description,lat,long,address,compound,name,phone,contact_ok';
    const at = (daysAgo) => iso8(Date.now() - daysAgo * 86400e3);
    const good = [
      header,
      `${M}-1,${at(3)},sanitation,${M} 热线一,${outside.lat},${outside.long},,,王五,13800138000,yes`,
      `${M}-2,${at(2)},dispute,${M} 热线二,,,淡水某路 1 号,,,,no`,
      `${M}-3,${at(1)},property_repair,${M} 热线三,,,,DS-BY-G01-C01,,,`,
    ].join('\n') + '\n';
    writeFileSync(join(dir, 'good.csv'), good);
    let r = cli(['import', 'cases', join(dir, 'good.csv')]);
    assert.equal(r.status, 0, `import good.csv: ${r.stderr}${r.stdout}`);
    assert.match(r.stdout, /imported 3 cases/);
    const list = await request(`${CASES}?q=${encodeURIComponent(M)}`);
    assert.equal(list.json.total, 3);
    for (const it of list.json.items) assert.equal(it.channel, 'hotline');
    const byDesc = Object.fromEntries(list.json.items.map((x) => [x.description, x]));
    assert.equal(byDesc[`${M} 热线一`].community.code, 'DS-BY', 'placed by its point');
    assert.equal(byDesc[`${M} 热线二`].community, null, 'address only: street triage');
    assert.equal(byDesc[`${M} 热线三`].grid.code, 'DS-BY-G01', 'placed by its compound');
    const staff = await view(byDesc[`${M} 热线一`].id, await session('baiyun'));
    assert.equal(staff.external_id, `${M}-1`);
    assert.equal(staff.reporter.phone, '13800138000');

    // the same tickets again: refused, nothing added
    r = cli(['import', 'cases', join(dir, 'good.csv')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /line 2/);
    assert.equal((await request(`${CASES}?q=${encodeURIComponent(M)}`)).json.total, 3);

    const B = uniqueCode('BAD');
    const bad = [
      header,
      `${B}-1,${at(2)},sanitation,${B} 第一行是好的,${outside.lat},${outside.long},,,,,yes`,
      `${B}-2,${at(1)},sanitation,${B} 纬度不是数字,north,${outside.long},,,,,yes`,
    ].join('\n') + '\n';
    writeFileSync(join(dir, 'bad.csv'), bad);
    r = cli(['import', 'cases', join(dir, 'bad.csv')]);
    assert.notEqual(r.status, 0, 'a bad file fails');
    assert.match(r.stderr, /line 3/, `names the line: ${r.stderr}`);
    assert.match(r.stderr, /column 5/, `names the column: ${r.stderr}`);
    assert.match(r.stderr, /lat/);
    assert.equal((await request(`${CASES}?q=${encodeURIComponent(B)}`)).json.total, 0, 'nothing imported, not even the good first row');

    const B2 = uniqueCode('BAD');
    writeFileSync(join(dir, 'bad2.csv'), `${header}\n${B2}-1,${at(1)},no_such_category,${B2} 类别不存在,${outside.lat},${outside.long},,,,,yes\n`);
    r = cli(['import', 'cases', join(dir, 'bad2.csv')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /line 2/);
    assert.match(r.stderr, /column 3/);
    assert.equal((await request(`${CASES}?q=${encodeURIComponent(B2)}`)).json.total, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Last: it moves every open case of the shared database (see the top).
dtest('tongxin sla sweep 30 days ahead escalates overdue cases (actor "platform") and closes resolved unrated ones', async () => {
  const { outside } = await places();
  const g = await session('grid.baiyun');
  const baiyun = await session('baiyun');
  const overdue = await report({ service_code: 'sanitation', description: '无人处理', ...outside });
  const unrated = await report({ service_code: 'sanitation', description: '办结未评价', ...outside });
  for (const a of ['accept', 'dispatch', 'start']) await step(g, unrated.id, { action: a });
  await step(g, unrated.id, { action: 'resolve', text: '已处理' });

  const at = iso8(Date.now() + 30 * 86400e3);
  const r = cli(['sla', 'sweep', '--at', at]);
  assert.equal(r.status, 0, `sla sweep: ${r.stderr}`);
  const m = /(\d+) examined, (\d+) reminded, (\d+) escalated, (\d+) closed/.exec(r.stdout);
  assert.ok(m, `the sweep says what it did: ${r.stdout}`);
  assert.ok(Number(m[3]) >= 1 && Number(m[4]) >= 1, r.stdout);
  assert.ok(r.stdout.includes(at.slice(0, 16)), `as of ${at}: ${r.stdout}`);

  const v = await view(overdue.id, baiyun);
  assert.equal(v.tier, 'community', 'one tier up');
  const esc = v.timeline.filter((e) => e.action === 'escalate');
  assert.equal(esc.length, 1, 'escalated once');
  assert.equal(esc[0].actor_role, 'platform');
  assert.equal(esc[0].from_state, 'submitted');
  assert.match(esc[0].text, HAN);
  assert.ok(Date.parse(v.due_at) > Date.parse(at), 'the new tier has a deadline of its own');

  const u = await view(unrated.id);
  assert.equal(u.state, 'closed');
  assert.equal(u.open, false);
  const close = u.timeline.at(-1);
  assert.equal(close.action, 'close');
  assert.equal(close.actor_role, 'platform');
  assert.equal(u.rating, null, 'closed without a rating');

  // Once more as of the same time: nothing left to escalate for this case.
  const again = cli(['sla', 'sweep', '--at', at]);
  assert.equal(again.status, 0);
  assert.equal((await view(overdue.id, baiyun)).timeline.filter((e) => e.action === 'escalate').length, 1);
  assert.equal(cli(['sla', 'sweep', '--at', 'next month']).status, 2, 'a bad --at is refused');
});
