// GET /api/v1/locate: "where is this point?" — the street, community, grid
// and compound of a point, whether it is inside a compound's red line, and a
// message when it is not; parameter checks; a point on a shared edge gets
// the same answer every time.
import assert from 'node:assert/strict';
import { assertError, HAN, request } from './lib.mjs';
import { ANON, areaFeature, areaId, assertStatus, dtest, edgeDistance, freeSpot, get, interiorPoint, contains } from './network-lib.mjs';

const LOCATE = '/api/v1/locate';
const loc = (lat, long, extra = '') => get(ANON, `${LOCATE}?lat=${lat}&long=${long}${extra}`);
const KEYS = ['lat', 'long', 'inside_street', 'areas', 'street', 'community', 'grid', 'compound', 'inside_red_line'];

function assertShape(a) {
  for (const k of KEYS) assert.ok(k in a, `key ${k} in ${JSON.stringify(a).slice(0, 300)}`);
  assert.ok(Array.isArray(a.areas));
  for (const x of a.areas) {
    assert.deepEqual(Object.keys(x).sort(), ['code', 'id', 'kind', 'name']);
  }
}

dtest('a point inside 星河丹堤 (its centroid): 星河社区, its grid, the compound, inside the red line', async () => {
  const xhdd = await areaFeature('DS-XH-G01-C01');
  assert.equal(xhdd.properties.name, '星河丹堤');
  // Seven decimals (about 1 cm), as the demo's own coordinates.
  const [long, lat] = interiorPoint(xhdd.geometry, 10).map((v) => Math.round(v * 1e7) / 1e7);
  const r = await loc(lat, long);
  assertStatus(r, 200);
  const a = r.json;
  assertShape(a);
  assert.equal(a.lat, lat);
  assert.equal(a.long, long);
  assert.equal(a.inside_street, true);
  assert.equal(a.inside_red_line, true);
  assert.deepEqual(a.street, { id: await areaId('DS'), code: 'DS', name: '淡水街道', kind: 'street' });
  assert.deepEqual(a.community, { id: await areaId('DS-XH'), code: 'DS-XH', name: '星河社区', kind: 'community' });
  assert.equal(a.grid.code, 'DS-XH-G01');
  assert.equal(a.grid.kind, 'grid');
  assert.deepEqual(a.compound, { id: xhdd.id, code: 'DS-XH-G01-C01', name: '星河丹堤', kind: 'compound' });
  // areas: every area containing the point, from the top down.
  const kinds = a.areas.map((x) => x.kind);
  assert.deepEqual(kinds.slice(-4), ['street', 'community', 'grid', 'compound']);
  assert.deepEqual(a.areas.slice(-4).map((x) => x.code), ['DS', 'DS-XH', 'DS-XH-G01', 'DS-XH-G01-C01']);
  assert.ok(!('message' in a) || a.message === null, 'no message inside a red line');
});

dtest('a point in a grid outside every compound: inside_red_line false, no compound, and a message (zh, or en on request)', async () => {
  const grid = await areaFeature('DS-BY-G01');
  const kids = await get(ANON, `/api/v1/areas?parent=${grid.id}`);
  assertStatus(kids, 200);
  const compounds = kids.json.features.map((f) => f.geometry).filter(Boolean);
  const { point } = freeSpot(grid.geometry, compounds, 15);
  const [long, lat] = point;
  const r = await loc(lat, long);
  assertStatus(r, 200);
  const a = r.json;
  assertShape(a);
  assert.equal(a.inside_street, true);
  assert.equal(a.community.code, 'DS-BY');
  assert.equal(a.community.name, '白云社区');
  assert.equal(a.grid.code, 'DS-BY-G01');
  assert.equal(a.compound, null);
  assert.equal(a.inside_red_line, false);
  assert.equal(a.areas[a.areas.length - 1].code, 'DS-BY-G01', 'the grid is the innermost area');
  assert.equal(typeof a.message, 'string');
  assert.match(a.message, HAN, 'the message is Chinese by default');
  const en = await loc(lat, long, '&lang=en');
  assertStatus(en, 200);
  assert.doesNotMatch(en.json.message, HAN);
  assert.match(en.json.message, /red line/);
  assert.deepEqual({ ...en.json, message: a.message }, a, 'only the message differs by language');
});

dtest('a point outside the street: 200, inside_street false, no areas, and a clear message in zh or en', async () => {
  const r = await loc(22.0, 113.0);
  assertStatus(r, 200);
  const a = r.json;
  assertShape(a);
  assert.equal(a.inside_street, false);
  assert.deepEqual(a.areas, []);
  for (const k of ['street', 'community', 'grid', 'compound']) assert.equal(a[k], null, k);
  assert.equal(a.inside_red_line, false);
  assert.equal(typeof a.message, 'string');
  assert.match(a.message, HAN);
  assert.match(a.message, /街道/, 'the zh message speaks of the street');
  const en = await loc(22.0, 113.0, '&lang=en');
  assertStatus(en, 200);
  assert.equal(en.json.inside_street, false);
  assert.doesNotMatch(en.json.message, HAN);
  assert.match(en.json.message, /outside the street/);
  const viaHeader = await request(`${LOCATE}?lat=22.0&long=113.0`, { headers: { 'accept-language': 'en-US,en;q=0.9' } });
  assert.equal(viaHeader.json.message, en.json.message, 'Accept-Language: en gives English too');
});

dtest('a missing lat or long is 400 missing_query naming the parameter', async () => {
  assertError(await get(ANON, `${LOCATE}?long=114.47`), 400, 'missing_query', 'lat');
  assertError(await get(ANON, `${LOCATE}?lat=22.78`), 400, 'missing_query', 'long');
  assertError(await get(ANON, `${LOCATE}?lat=&long=114.47`), 400, undefined, 'lat');
  assertError(await get(ANON, LOCATE), 400, undefined, 'lat');
});

dtest('an invalid lat or long is 400 invalid_query naming the parameter', async () => {
  for (const lat of ['abc', '95', '-90.5', '22.5abc', 'NaN', 'inf']) {
    assertError(await get(ANON, `${LOCATE}?lat=${lat}&long=114.47`), 400, 'invalid_query', 'lat');
  }
  for (const long of ['abc', '180.1', '-200', '114x', 'nan']) {
    assertError(await get(ANON, `${LOCATE}?lat=22.78&long=${long}`), 400, 'invalid_query', 'long');
  }
  const e = assertError(await get(ANON, `${LOCATE}?lat=95&long=114&lang=en`), 400, 'invalid_query', 'lat');
  assert.match(e.message, /lat/);
  assert.match(e.message, /-90/);
});

/** A vertex shared by the boundaries of exactly two communities, not on the street's edge. */
async function sharedVertex() {
  const r = await get(ANON, '/api/v1/areas?kind=community');
  assertStatus(r, 200);
  const street = await areaFeature('DS');
  const onStreetEdge = new Set();
  for (const ring of street.geometry.type === 'Polygon' ? street.geometry.coordinates : street.geometry.coordinates.flat())
    for (const p of ring) onStreetEdge.add(p.join(','));
  const owners = new Map();
  for (const f of r.json.features) {
    const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
    const mine = new Set(rings.flat().map((p) => p.join(',')));
    for (const k of mine) {
      if (!owners.has(k)) owners.set(k, []);
      owners.get(k).push(f);
    }
  }
  const found = [...owners.entries()].filter(([k, fs]) => fs.length === 2 && !onStreetEdge.has(k));
  assert.ok(found.length > 0, 'two communities of the demo street share a boundary vertex');
  const [key, fs] = found[Math.floor(found.length / 2)];
  return { point: key.split(',').map(Number), communities: fs };
}

dtest('a point on the edge shared by two communities gets the same answer every time (the lower id wins)', async () => {
  const { point, communities } = await sharedVertex();
  const [long, lat] = point;
  const ids = communities.map((f) => f.id).sort((a, b) => a - b);
  const first = await loc(lat, long);
  assertStatus(first, 200);
  assert.equal(first.json.inside_street, true, JSON.stringify(first.json));
  assert.ok(ids.includes(first.json.community.id), `one of the two communities: ${JSON.stringify(first.json.community)}`);
  assert.equal(first.json.community.id, ids[0], 'on a shared edge the area with the lowest id wins');
  for (let i = 0; i < 10; i++) {
    const again = await loc(lat, long);
    assertStatus(again, 200);
    assert.deepEqual(again.json, first.json, `call ${i + 2} answers like the first`);
  }
  // Just off the vertex, into each community, each community is found.
  for (const f of communities) {
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates[0])[0];
    const c = interiorPoint(f.geometry, 10);
    assert.ok(contains(f.geometry, c) && edgeDistance(f.geometry, c) > 0 && ring.length > 3);
    const inside = await loc(c[1], c[0]);
    assert.equal(inside.json.community.id, f.id);
  }
});

dtest('locate answers the same point the same way, with lat and long echoed as numbers', async () => {
  const a = await loc('22.7845', '114.4415');
  const b = await loc('22.78450', '114.441500');
  assertStatus(a, 200);
  assert.equal(a.json.lat, 22.7845);
  assert.equal(a.json.long, 114.4415);
  assert.deepEqual(b.json, a.json);
});
