// Areas: the street's areas as GeoJSON (list, filters, one area), and
// changing them as a street admin: create a compound, see it in locate,
// rename it, delete it; bad GeoJSON and unauthorised writes change nothing.
//
// Test compounds go into the grids of 锦湖社区 (DS-JH), a community no other
// test counts, each on a spot clear of the stored compounds, and are deleted
// at the end of their test.
import assert from 'node:assert/strict';
import { assertError, HAN } from './lib.mjs';
import {
  ANON, apiKeySession, areaFeature, areaId, assertStatus, cliImportAreas, del, dtest, freeSpot, get, locateUntil, patch, post, session,
  square, uniqueCode,
} from './network-lib.mjs';

const AREAS = '/api/v1/areas';
const KINDS = ['city', 'district', 'street', 'community', 'grid', 'compound'];
const TEST_GRID = 'DS-JH-G01';

/** A new compound Feature (not stored) on a free spot of a grid, about 16 m square. */
async function compoundFeature(gridCode = TEST_GRID, props = {}) {
  const grid = await areaFeature(gridCode);
  const kids = await get(ANON, `${AREAS}?parent=${grid.id}`);
  assertStatus(kids, 200);
  const spot = freeSpot(grid.geometry, kids.json.features.map((f) => f.geometry).filter(Boolean), 30);
  const code = uniqueCode(`${gridCode}-T`);
  return {
    centre: spot.point,
    grid,
    code,
    feature: {
      type: 'Feature',
      properties: { kind: 'compound', code, name: `测试小区${code.slice(-6)}`, name_en: 'Test Compound', parent_code: gridCode, households: 12, ...props },
      geometry: square(spot.point, 8),
    },
  };
}

async function countAreas() {
  const r = await get(ANON, `${AREAS}?geometry=0`);
  assertStatus(r, 200);
  return r.json.features.length;
}

async function findByCode(code) {
  const r = await get(ANON, `${AREAS}?kind=compound&geometry=0`);
  assertStatus(r, 200);
  return r.json.features.find((f) => f.properties.code === code);
}

/** Delete a test area as admin, tolerating it being gone already. */
async function cleanup(id) {
  if (!id) return;
  const admin = await session('admin');
  const r = await del(admin, `${AREAS}/${id}`);
  assert.ok([204, 404].includes(r.status), `cleanup DELETE ${id}: ${r.status} ${r.text}`);
}

// ---- reading ----

dtest('GET /areas is a GeoJSON FeatureCollection of Features with id, kind, code, name and parent_id', async () => {
  const r = await get(ANON, AREAS);
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.json.type, 'FeatureCollection');
  assert.ok(Array.isArray(r.json.features) && r.json.features.length >= 20 + 75 + 200, `the demo street's areas: ${r.json.features.length}`);
  const byId = new Map();
  for (const f of r.json.features) {
    assert.equal(f.type, 'Feature');
    const p = f.properties;
    for (const k of ['id', 'kind', 'code', 'name', 'parent_id']) assert.ok(k in p, `property ${k} in ${JSON.stringify(p).slice(0, 200)}`);
    assert.equal(typeof p.id, 'number');
    assert.equal(f.id, p.id, 'the Feature id is the area id');
    assert.ok(KINDS.includes(p.kind), p.kind);
    assert.equal(typeof p.code, 'string');
    assert.equal(typeof p.name, 'string');
    assert.ok(p.parent_id === null || typeof p.parent_id === 'number');
    byId.set(p.id, f);
  }
  // Parents come before their children.
  const seen = new Set();
  for (const f of r.json.features) {
    if (f.properties.parent_id !== null && byId.has(f.properties.parent_id)) assert.ok(seen.has(f.properties.parent_id), `${f.properties.code} after its parent`);
    seen.add(f.properties.id);
  }
  const yulong = r.json.features.find((f) => f.properties.code === 'DS-BY-G01-C01');
  assert.equal(yulong.properties.name, '御珑名苑');
  assert.equal(yulong.geometry.type, 'Polygon');
});

dtest('GET /areas?kind=community lists the 20 communities of the demo street, and nothing else', async () => {
  const r = await get(ANON, `${AREAS}?kind=community&geometry=0`);
  assertStatus(r, 200);
  assert.equal(r.json.features.length, 20);
  assert.ok(r.json.features.every((f) => f.properties.kind === 'community'));
  const codes = r.json.features.map((f) => f.properties.code);
  assert.ok(codes.includes('DS-BY') && codes.includes('DS-XH'));
  const ds = await areaId('DS');
  assert.ok(r.json.features.every((f) => f.properties.parent_id === ds), 'every community is in 淡水街道');
});

dtest('GET /areas?kind=… with an unknown kind is 400 naming kind', async () => {
  const e = assertError(await get(ANON, `${AREAS}?kind=village`), 400, 'invalid_query', 'kind');
  assert.match(e.message, HAN, 'Chinese by default');
  const en = assertError(await get(ANON, `${AREAS}?kind=village&lang=en`), 400, 'invalid_query', 'kind');
  assert.match(en.message, /kind/);
  assert.match(en.message, /compound/, 'the message lists the allowed kinds');
});

dtest('GET /areas?parent=ID lists the direct children only (白云社区: its 6 grids)', async () => {
  const by = await areaId('DS-BY');
  const r = await get(ANON, `${AREAS}?parent=${by}&geometry=0`);
  assertStatus(r, 200);
  assert.equal(r.json.features.length, 6);
  for (const f of r.json.features) {
    assert.equal(f.properties.parent_id, by);
    assert.equal(f.properties.kind, 'grid');
    assert.match(f.properties.code, /^DS-BY-G0[1-6]$/);
  }
  // Compounds of a grid: the red lines under DS-BY-G01 include 御珑名苑.
  const g01 = await get(ANON, `${AREAS}?parent=${await areaId('DS-BY-G01')}`);
  assertStatus(g01, 200);
  assert.ok(g01.json.features.length > 0);
  assert.ok(g01.json.features.every((f) => f.properties.kind === 'compound'));
  assert.ok(g01.json.features.some((f) => f.properties.name === '御珑名苑'));
  assertError(await get(ANON, `${AREAS}?parent=abc`), 400, 'invalid_query', 'parent');
});

dtest('GET /areas?name=… matches a substring of the name (Chinese) or name_en, literally', async () => {
  const r = await get(ANON, `${AREAS}?name=${encodeURIComponent('御珑')}&geometry=0`);
  assertStatus(r, 200);
  assert.ok(r.json.features.length >= 1);
  assert.ok(r.json.features.every((f) => (f.properties.name + (f.properties.name_en || '')).includes('御珑')));
  assert.ok(r.json.features.some((f) => f.properties.code === 'DS-BY-G01-C01'));
  const xh = await get(ANON, `${AREAS}?name=${encodeURIComponent('星河丹堤')}`);
  assertStatus(xh, 200);
  assert.deepEqual(xh.json.features.map((f) => f.properties.code), ['DS-XH-G01-C01']);
  // name_en too, case-sensitively; % and _ are plain characters, not wildcards.
  const en = await get(ANON, `${AREAS}?name=Baiyun&geometry=0`);
  assert.ok(en.json.features.some((f) => f.properties.code === 'DS-BY'));
  assert.ok(en.json.features.every((f) => (f.properties.name_en || '').includes('Baiyun')));
  for (const q of ['baiyun', '%25', '_']) {
    const r0 = await get(ANON, `${AREAS}?name=${q}&geometry=0`);
    assertStatus(r0, 200);
    assert.deepEqual(r0.json.features, [], `name=${q} matches nothing`);
  }
  const none = await get(ANON, `${AREAS}?name=${encodeURIComponent('没有这个名字的小区')}`);
  assertStatus(none, 200);
  assert.deepEqual(none.json, { type: 'FeatureCollection', features: [] });
});

dtest('GET /areas?geometry=0 leaves the boundaries out; by default they are there', async () => {
  const without = await get(ANON, `${AREAS}?kind=grid&geometry=0`);
  const withGeom = await get(ANON, `${AREAS}?kind=grid`);
  assertStatus(without, 200);
  assertStatus(withGeom, 200);
  assert.equal(without.json.features.length, withGeom.json.features.length);
  assert.ok(without.json.features.every((f) => f.geometry === null));
  assert.ok(withGeom.json.features.every((f) => f.geometry && ['Polygon', 'MultiPolygon'].includes(f.geometry.type)));
  assert.ok(without.text.length < withGeom.text.length / 2, 'much smaller without boundaries');
});

dtest('GET /areas/{id} is one Feature with its boundary', async () => {
  const id = await areaId('DS-BY-G01');
  const r = await get(ANON, `${AREAS}/${id}`);
  assertStatus(r, 200);
  assert.equal(r.json.type, 'Feature');
  assert.equal(r.json.id, id);
  assert.equal(r.json.properties.id, id);
  assert.equal(r.json.properties.code, 'DS-BY-G01');
  assert.equal(r.json.properties.kind, 'grid');
  assert.equal(r.json.properties.parent_id, await areaId('DS-BY'));
  assert.equal(r.json.properties.parent_code, 'DS-BY');
  assert.equal(r.json.geometry.type, 'Polygon');
  const ring = r.json.geometry.coordinates[0];
  assert.deepEqual(ring[0], ring[ring.length - 1], 'the ring is closed');
});

dtest('GET /areas/{id}: an unknown id is 404 not_found, and so is a non-numeric one', async () => {
  assertError(await get(ANON, `${AREAS}/99999999`), 404, 'not_found', 'id');
  assertError(await get(ANON, `${AREAS}/abc`), 404, 'not_found', 'id');
  assertError(await get(ANON, `${AREAS}/0`), 404, 'not_found', 'id');
  assertError(await get(ANON, `${AREAS}/-3`), 404, 'not_found', 'id');
});

// ---- writing ----

dtest('a street admin creates a compound in a grid (201), and locate then finds it inside its red line', async () => {
  const admin = await session('admin');
  const { feature, centre, grid, code } = await compoundFeature();
  const [long, lat] = centre;
  // Before: the spot is in the grid, outside every red line.
  const before = await get(ANON, `/api/v1/locate?lat=${lat}&long=${long}`);
  assertStatus(before, 200);
  assert.equal(before.json.grid && before.json.grid.code, TEST_GRID, JSON.stringify(before.json));
  assert.equal(before.json.compound, null);
  assert.equal(before.json.inside_red_line, false);

  const r = await post(admin, AREAS, feature);
  let id;
  try {
    assertStatus(r, 201, 'POST a compound Feature');
    id = r.json.id;
    assert.equal(r.json.type, 'Feature');
    assert.equal(typeof id, 'number');
    assert.equal(r.json.properties.id, id);
    assert.equal(r.json.properties.code, code);
    assert.equal(r.json.properties.kind, 'compound');
    assert.equal(r.json.properties.name, feature.properties.name);
    assert.equal(r.json.properties.parent_code, TEST_GRID);
    assert.equal(r.json.properties.parent_id, grid.id);
    assert.equal(r.json.properties.households, 12);
    assert.equal(r.json.geometry.type, 'Polygon');
    const got = await get(ANON, `${AREAS}/${id}`);
    assertStatus(got, 200);
    assert.equal(got.json.properties.code, code);

    const at = await locateUntil(lat, long, (a) => a.compound && a.compound.id === id);
    assert.deepEqual(at.compound, { id, code, name: feature.properties.name, kind: 'compound' }, JSON.stringify(at));
    assert.equal(at.inside_red_line, true);
    assert.equal(at.grid.code, TEST_GRID);
    assert.equal(at.community.code, 'DS-JH');
    assert.equal(at.areas[at.areas.length - 1].id, id, 'the compound is the last (innermost) area');
    assert.ok(!('message' in at) || at.message === null, 'no message inside a red line');
  } finally {
    await cleanup(id);
  }
});

dtest('PATCH renames a compound (200), then DELETE removes it (204) and it is 404 after', async () => {
  const admin = await session('admin');
  const { feature, centre, code } = await compoundFeature();
  const created = await post(admin, AREAS, feature);
  assertStatus(created, 201);
  let id = created.json.id;
  try {
    const r = await patch(admin, `${AREAS}/${id}`, { properties: { name: '测试小区（二期）', households: 30 } });
    assertStatus(r, 200, 'PATCH');
    assert.equal(r.json.properties.name, '测试小区（二期）');
    assert.equal(r.json.properties.households, 30);
    assert.equal(r.json.properties.code, code, 'the code stays');
    assert.equal(r.json.properties.name_en, 'Test Compound', 'properties left out keep their value');
    assert.deepEqual(r.json.geometry, created.json.geometry, 'the boundary stays');
    const got = await get(ANON, `${AREAS}/${id}`);
    assert.equal(got.json.properties.name, '测试小区（二期）');
    const [long, lat] = centre;
    const at = await locateUntil(lat, long, (a) => a.compound && a.compound.name === '测试小区（二期）');
    assert.equal(at.compound && at.compound.name, '测试小区（二期）', 'locate shows the new name');

    const gone = await del(admin, `${AREAS}/${id}`);
    assertStatus(gone, 204, 'DELETE');
    assert.equal(gone.text, '');
    const deleted = id;
    id = undefined;
    assertError(await get(ANON, `${AREAS}/${deleted}`), 404, 'not_found', 'id');
    assert.equal(await findByCode(code), undefined, 'not listed any more');
    const after = await locateUntil(lat, long, (a) => a.compound === null);
    assert.equal(after.compound, null, 'locate no longer finds it');
    assert.equal(after.inside_red_line, false);
  } finally {
    await cleanup(id);
  }
});

dtest('PATCH cannot change an area code (400 naming properties.code)', async () => {
  const admin = await session('admin');
  const { feature } = await compoundFeature();
  const created = await post(admin, AREAS, feature);
  assertStatus(created, 201);
  const id = created.json.id;
  try {
    assertError(await patch(admin, `${AREAS}/${id}`, { properties: { code: `${feature.properties.code}X` } }), 400, 'invalid_field', 'properties.code');
    assertError(await patch(admin, `${AREAS}/${id}`, { name: 'x' }), 400, 'unknown_field', 'name');
    const got = await get(ANON, `${AREAS}/${id}`);
    assert.equal(got.json.properties.code, feature.properties.code);
  } finally {
    await cleanup(id);
  }
});

/** POST must be refused with 400 invalid_import naming feature `index` and `prop`; nothing is stored. */
async function assertBadImport(body, index, prop, codes) {
  const admin = await session('admin');
  const before = await countAreas();
  const r = await post(admin, `${AREAS}?lang=en`, body);
  const e = assertError(r, 400, 'invalid_import', `features[${index}].${prop}`);
  assert.match(e.message, new RegExp(`features?\\W{0,2}${index}\\b`), `the message names feature ${index}: ${e.message}`);
  assert.ok(e.message.includes(prop), `the message names ${prop}: ${e.message}`);
  assert.equal(await countAreas(), before, 'nothing was stored');
  for (const code of codes) assert.equal(await findByCode(code), undefined, `${code} was not stored`);
  return e;
}

dtest('a ring that is not closed is 400 invalid_import naming features[0].geometry', async () => {
  const { feature, code } = await compoundFeature();
  feature.geometry.coordinates[0].pop();
  const e = await assertBadImport(feature, 0, 'geometry', [code]);
  assert.match(e.message, /closed/);
});

dtest('a Point geometry is 400 invalid_import naming features[0].geometry', async () => {
  const { feature, centre, code } = await compoundFeature();
  feature.geometry = { type: 'Point', coordinates: centre };
  const e = await assertBadImport(feature, 0, 'geometry', [code]);
  assert.match(e.message, /Point/);
});

dtest('a compound outside its parent grid is 400 invalid_import naming features[0].parent_code', async () => {
  // A spot of another grid (DS-JH-G02), given DS-JH-G01 as its parent.
  const other = await compoundFeature('DS-JH-G02');
  const { feature, code } = await compoundFeature();
  feature.geometry = other.feature.geometry;
  const e = await assertBadImport(feature, 0, 'parent_code', [code]);
  assert.match(e.message, /inside/);
  // Far outside the street too.
  feature.geometry = square([113.0, 22.0], 8);
  await assertBadImport(feature, 0, 'parent_code', [code]);
});

dtest('a single Feature whose code exists is 409 duplicate naming properties.code, and the stored area is unchanged', async () => {
  const admin = await session('admin');
  const yulong = await areaId('DS-BY-G01-C01');
  const before = await get(ANON, `${AREAS}/${yulong}`);
  const { feature } = await compoundFeature();
  feature.properties.code = 'DS-BY-G01-C01';
  feature.properties.parent_code = 'DS-BY-G01';
  feature.properties.name = '不该出现的名字';
  assertError(await post(admin, AREAS, feature), 409, 'duplicate', 'properties.code');
  const after = await get(ANON, `${AREAS}/${yulong}`);
  assert.deepEqual(after.json, before.json, '御珑名苑 is untouched');
});

dtest('a FeatureCollection with one bad feature imports nothing (400 naming that feature)', async () => {
  const good = await compoundFeature();
  const bad = await compoundFeature('DS-JH-G02');
  bad.feature.geometry.coordinates[0].pop(); // not closed
  const body = { type: 'FeatureCollection', features: [good.feature, bad.feature] };
  await assertBadImport(body, 1, 'geometry', [good.code, bad.code]);
  // The same with a Point as the second feature.
  bad.feature.geometry = { type: 'Point', coordinates: bad.centre };
  await assertBadImport(body, 1, 'geometry', [good.code, bad.code]);
});

dtest('a body that is neither a Feature nor a FeatureCollection is 400 invalid_import', async () => {
  const admin = await session('admin');
  const before = await countAreas();
  assertError(await post(admin, AREAS, { type: 'Polygon', coordinates: [] }), 400, 'invalid_import', 'type');
  assert.equal(await countAreas(), before);
});

// ---- who may write ----

dtest('area writes need a street admin: anonymous 401, community staff 403, resident 403, and nothing changes', async () => {
  const baiyun = await session('baiyun');
  const resident = await session('resident');
  const admin = await session('admin');
  const { feature, code } = await compoundFeature();
  assertError(await post(ANON, AREAS, feature), 401, 'unauthenticated');
  assertError(await post(baiyun, AREAS, feature), 403, 'forbidden');
  assertError(await post(resident, AREAS, feature), 403, 'forbidden');
  assert.equal(await findByCode(code), undefined, 'no area was created');

  // PATCH and DELETE of a (test) compound likewise.
  const created = await post(admin, AREAS, feature);
  assertStatus(created, 201);
  const id = created.json.id;
  try {
    const rename = { properties: { name: '被拒绝的名字' } };
    assertError(await patch(ANON, `${AREAS}/${id}`, rename), 401, 'unauthenticated');
    assertError(await patch(baiyun, `${AREAS}/${id}`, rename), 403, 'forbidden');
    assertError(await patch(resident, `${AREAS}/${id}`, rename), 403, 'forbidden');
    assertError(await del(ANON, `${AREAS}/${id}`), 401, 'unauthenticated');
    assertError(await del(baiyun, `${AREAS}/${id}`), 403, 'forbidden');
    assertError(await del(resident, `${AREAS}/${id}`), 403, 'forbidden');
    const got = await get(ANON, `${AREAS}/${id}`);
    assertStatus(got, 200, 'still there');
    assert.equal(got.json.properties.name, feature.properties.name, 'not renamed');
  } finally {
    await cleanup(id);
  }
});

dtest('a cookie-authenticated area write without X-CSRF-Token is 403 csrf, and nothing changes', async () => {
  const admin = await session('admin');
  const { feature, code } = await compoundFeature();
  assertError(await post(admin, AREAS, feature, { csrf: false }), 403, 'csrf', 'X-CSRF-Token');
  assert.equal(await findByCode(code), undefined, 'no area was created');
  const created = await post(admin, AREAS, feature);
  assertStatus(created, 201);
  const id = created.json.id;
  try {
    assertError(await patch(admin, `${AREAS}/${id}`, { properties: { name: '被拒绝的名字' } }, { csrf: false }), 403, 'csrf');
    assertError(await del(admin, `${AREAS}/${id}`, { csrf: false }), 403, 'csrf');
    const got = await get(ANON, `${AREAS}/${id}`);
    assertStatus(got, 200);
    assert.equal(got.json.properties.name, feature.properties.name);
  } finally {
    await cleanup(id);
  }
});

dtest('a street admin cannot move an area out of their scope with PATCH, as they cannot create one there with POST', async () => {
  // Two districts of their own (no parent, no boundary: nothing else counts
  // them), made by an operator with the CLI, and an admin of the first.
  const d1 = uniqueCode('T-D1');
  const d2 = uniqueCode('T-D2');
  const district = (code, name) => ({ type: 'Feature', properties: { kind: 'district', code, name }, geometry: null });
  cliImportAreas({ type: 'FeatureCollection', features: [district(d1, '测试甲区'), district(d2, '测试乙区')] });
  const admin1 = apiKeySession('street_admin', d1);
  const street = (code, parent) => ({ type: 'Feature', properties: { kind: 'street', code, name: '测试街道', parent_code: parent }, geometry: null });

  const created = await post(admin1, AREAS, street(uniqueCode('T-S'), d1));
  assertStatus(created, 201, 'a street in their district');
  const id = created.json.id;
  // POST checks where the body puts the area: not in the other district.
  const code2 = uniqueCode('T-S');
  assertError(await post(admin1, AREAS, street(code2, d2)), 403, 'forbidden');
  assert.equal((await get(ANON, `${AREAS}?kind=street&geometry=0`)).json.features.find((f) => f.properties.code === code2), undefined);
  // Renaming in scope is fine.
  assertStatus(await patch(admin1, `${AREAS}/${id}`, { properties: { name: '测试街道（改）' } }), 200, 'PATCH in scope');
  // Moving it to the other district would take it out of their scope.
  const moved = await patch(admin1, `${AREAS}/${id}`, { properties: { parent_code: d2 } });
  const after = await get(ANON, `${AREAS}/${id}`);
  try {
    assertError(moved, 403, 'forbidden');
    assert.equal(after.json.properties.parent_code, d1, 'the street stays in the admin\'s district');
  } finally {
    // Clean up: by the admin of whichever district it is in now.
    const owner = after.json.properties.parent_code === d1 ? admin1 : apiKeySession('street_admin', after.json.properties.parent_code);
    assertStatus(await del(owner, `${AREAS}/${id}`), 204, 'cleanup');
  }
});

dtest('a street admin cannot take an area from another district by importing a collection that re-parents it', async () => {
  const d1 = uniqueCode('T-D1');
  const d2 = uniqueCode('T-D2');
  const district = (code, name) => ({ type: 'Feature', properties: { kind: 'district', code, name }, geometry: null });
  const s2 = uniqueCode('T-S');
  const street = (code, parent) => ({ type: 'Feature', properties: { kind: 'street', code, name: '测试街道', parent_code: parent }, geometry: null });
  // An operator makes two districts and a street in the second.
  cliImportAreas({ type: 'FeatureCollection', features: [district(d1, '测试甲区'), district(d2, '测试乙区'), street(s2, d2)] });
  const admin1 = apiKeySession('street_admin', d1);
  // The first district's admin imports the other district's street under their own district.
  const res = await post(admin1, AREAS, { type: 'FeatureCollection', features: [street(s2, d1)] });
  assertError(res, 403, 'forbidden');
  const stored = (await get(ANON, `${AREAS}?kind=street&geometry=0`)).json.features.find((f) => f.properties.code === s2);
  assert.equal(stored.properties.parent_code, d2, 'the street stays where it was');
});
