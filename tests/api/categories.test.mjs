// Categories (the Open311 services residents report under) and routing rules
// (whose duty a report is): public reading, street admins' writes, the
// checks that name the field, and the most specific rule winning in
// GET /api/v1/route (and at intake).
//
// All test files share one server and run in parallel, and cases.test.mjs
// reports under the demo categories in 白云社区. So the writes here touch
// only categories made here (unique codes): every rule added names one of
// them, so no other test's routing moves, and the rules are deleted again.
// The demo street must be loaded.
import assert from 'node:assert/strict';
import { assertError, HAN, request } from './lib.mjs';
import {
  ANON, areaFeature, areaId, assertStatus, contains, del, dtest, freeSpot, get, patch, post, session, uniqueCode,
} from './network-lib.mjs';

const CATS = '/api/v1/categories';
const RULES = '/api/v1/routing-rules';
const DEMO_CODES = ['sanitation', 'sewage', 'facilities', 'road', 'streetlight', 'greenery', 'property_repair', 'noise', 'dispute', 'illegal_construction', 'security', 'epidemic', 'other'];
const KINDS = ['hours', 'minutes', 'working_days', 'working_hours'];

/** A new category's body with a unique code (lower case: letters, digits, _). */
function newCategory(extra = {}) {
  const code = uniqueCode('t').toLowerCase().replace(/-/g, '_');
  return {
    code,
    name: '测试类别',
    name_en: 'Test category',
    group: '测试',
    group_en: 'Tests',
    description: '只用于接口测试',
    deadlines: { accept: { kind: 'working_hours', n: 2 }, contact: { kind: 'hours', n: 4 }, resolve: { kind: 'working_days', n: 3 } },
    ...extra,
  };
}

async function createCategory(extra = {}) {
  const body = newCategory(extra);
  const r = await post(await session('admin'), CATS, body);
  assertStatus(r, 201, `create category ${body.code}`);
  return r.json;
}

let spotMemo;
/** A point in grid DS-BY-G01 (白云社区) outside every compound's red line, checked with /locate. */
async function spot() {
  if (spotMemo) return spotMemo;
  const grid = await areaFeature('DS-BY-G01');
  const compounds = (await get(ANON, `/api/v1/areas?parent=${grid.properties.id}`)).json.features;
  assert.ok(compounds.length > 0, 'the grid has compounds');
  const [long, lat] = freeSpot(grid.geometry, compounds.map((f) => f.geometry), 5).point;
  assert.ok(contains(grid.geometry, [long, lat]));
  const l = (await get(ANON, `/api/v1/locate?lat=${lat}&long=${long}`)).json;
  assert.equal(l.grid && l.grid.code, 'DS-BY-G01');
  assert.equal(l.compound, null);
  spotMemo = { lat, long };
  return spotMemo;
}

async function route(code, p) {
  const r = await get(ANON, `/api/v1/route?service_code=${code}&lat=${p.lat}&long=${p.long}`);
  assertStatus(r, 200, `route ${code}`);
  return r.json.routing;
}

// ---- categories ----

dtest('GET /categories: the 13 demo categories, public, sorted, each an Open311 service with deadlines', async () => {
  const r = await request(CATS);
  assertStatus(r, 200);
  const items = r.json.items;
  assert.equal(items.length, 13, `13 demo categories: ${items.map((c) => c.code)}`);
  assert.deepEqual(items.map((c) => c.code), DEMO_CODES, 'in their sort order');
  const sorts = items.map((c) => c.sort);
  assert.deepEqual([...sorts].sort((a, b) => a - b), sorts);
  for (const c of items) {
    for (const k of ['id', 'code', 'name', 'name_en', 'group', 'group_en', 'description', 'description_en', 'keywords', 'attributes', 'deadlines', 'remind_hours', 'duplicate_radius_m', 'active', 'sort']) assert.ok(k in c, `${c.code}: field ${k}`);
    assert.match(c.name, HAN);
    assert.equal(c.active, true);
    for (const d of ['accept', 'contact', 'resolve']) {
      assert.ok(KINDS.includes(c.deadlines[d].kind), `${c.code} ${d} kind`);
      assert.ok(Number.isInteger(c.deadlines[d].n) && c.deadlines[d].n > 0);
    }
  }
  const noise = items.find((c) => c.code === 'noise');
  const when = noise.attributes.find((a) => a.code === 'when');
  assert.equal(when.datatype, 'singlevaluelist');
  assert.equal(when.required, true);
  assert.deepEqual(when.values.map((v) => v.key), ['day', 'night']);
  const security = items.find((c) => c.code === 'security');
  assert.deepEqual(security.deadlines.accept, { kind: 'minutes', n: 30 });
});

dtest('GET /categories/{code}: one category; 404 when unknown', async () => {
  const r = await request(`${CATS}/sewage`);
  assertStatus(r, 200);
  assert.equal(r.json.code, 'sewage');
  assert.equal(r.json.name, '污水与排水');
  assert.equal(r.json.duplicate_radius_m, 100);
  assert.deepEqual(r.json.deadlines.resolve, { kind: 'working_days', n: 5 });
  assertError(await request(`${CATS}/no_such_category`), 404, 'not_found');
});

dtest('POST /categories: a street admin creates (201); community staff 403, residents 403, anonymous 401; a code twice 409', async () => {
  const body = newCategory({ keywords: '测试,test', remind_hours: 3, duplicate_radius_m: 50, sort: 5000, attributes: [{ variable: true, code: 'floor', datatype: 'number', required: false, order: 1, description: '楼层 / floor' }] });
  assertError(await request(CATS, { json: body }), 401, 'unauthenticated');
  assertError(await post(await session('baiyun'), CATS, body), 403, 'forbidden');
  assertError(await post(await session('resident'), CATS, body), 403, 'forbidden');
  assertError(await post(await session('shizheng'), CATS, body), 403, 'forbidden');
  assertError(await request(`${CATS}/${body.code}`), 404, 'not_found', undefined);

  const r = await post(await session('admin'), CATS, body);
  assertStatus(r, 201);
  assert.equal(r.json.code, body.code);
  assert.equal(r.json.name, body.name);
  assert.deepEqual(r.json.deadlines, body.deadlines);
  assert.equal(r.json.remind_hours, 3);
  assert.equal(r.json.duplicate_radius_m, 50);
  assert.equal(r.json.active, true);
  assert.equal(r.json.attributes[0].code, 'floor');

  const back = await request(`${CATS}/${body.code}`);
  assertStatus(back, 200);
  assert.deepEqual(back.json, r.json, 'GET answers what POST did');
  assert.ok((await request(CATS)).json.items.some((c) => c.code === body.code), 'listed');

  assertError(await post(await session('admin'), CATS, body), 409, 'duplicate', 'code');
  assertError(await post(await session('admin'), CATS, { ...newCategory(), code: 'sewage' }), 409, 'duplicate', 'code');
});

dtest('category validation errors are 400 naming the field, and nothing is created', async () => {
  const admin = await session('admin');
  const bad = [
    [{ deadlines: { resolve: { kind: 'fortnights', n: 2 } } }, 'invalid_field', 'deadlines.resolve'],
    [{ deadlines: { accept: { kind: 'hours', n: 0 } } }, 'invalid_field', 'deadlines.accept'],
    [{ deadlines: { contact: { kind: 'hours' } } }, 'invalid_field', 'deadlines.contact'],
    [{ deadlines: 'soon' }, 'invalid_field', 'deadlines'],
    [{ attributes: [{ variable: true, code: 'x', datatype: 'colour', description: '颜色' }] }, 'invalid_field', 'attributes[0]'],
    [{ attributes: [{ variable: true, code: 'ok', datatype: 'string', description: '好' }, { variable: true, code: 'when', datatype: 'singlevaluelist', description: '何时' }] }, 'invalid_field', 'attributes[1]'],
    [{ attributes: [{ variable: true, code: 'when', datatype: 'multivaluelist', description: '何时', values: [] }] }, 'invalid_field', 'attributes[0]'],
    [{ attributes: [{ variable: true, code: 'when', datatype: 'singlevaluelist', description: '何时', values: [{ key: 'day' }] }] }, 'invalid_field', 'attributes[0]'],
    [{ attributes: { code: 'x' } }, 'invalid_field', 'attributes'],
    [{ name: undefined }, 'missing_field', 'name'],
    [{ group_en: undefined }, 'missing_field', 'group_en'],
    [{ code: 'has space' }, 'invalid_field', 'code'],
    [{ code: undefined }, 'missing_field', 'code'],
    [{ name: 'a\nb' }, 'invalid_field', 'name'],
    [{ remind_hours: -1 }, 'invalid_field', 'remind_hours'],
    [{ duplicate_radius_m: 100000 }, 'invalid_field', 'duplicate_radius_m'],
    [{ colour: 'red' }, 'unknown_field', 'colour'],
  ];
  for (const [change, code, field] of bad) {
    const body = newCategory(change);
    for (const k of Object.keys(change)) if (change[k] === undefined) delete body[k];
    const r = await post(admin, CATS, body);
    assertError(r, 400, code, field);
    if (body.code) assertError(await request(`${CATS}/${encodeURIComponent(body.code)}`), 404, 'not_found');
  }
});

dtest('PATCH /categories/{code}: admins change fields, deadlines merge by key; others 403/401; the code stays; unknown 404', async () => {
  const c = await createCategory();
  const admin = await session('admin');
  const path = `${CATS}/${c.code}`;
  assertError(await request(path, { method: 'PATCH', json: { name: '改名' } }), 401, 'unauthenticated');
  assertError(await patch(await session('baiyun'), path, { name: '改名' }), 403, 'forbidden');
  assertError(await patch(await session('grid.baiyun'), path, { name: '改名' }), 403, 'forbidden');

  const r = await patch(admin, path, { name: '改过的名字', deadlines: { resolve: { kind: 'working_days', n: 9 } }, sort: 7777 });
  assertStatus(r, 200);
  assert.equal(r.json.name, '改过的名字');
  assert.equal(r.json.name_en, c.name_en, 'absent fields keep their value');
  assert.deepEqual(r.json.deadlines, { ...c.deadlines, resolve: { kind: 'working_days', n: 9 } }, 'deadlines merge by key');
  assert.equal(r.json.sort, 7777);
  assert.deepEqual((await request(path)).json, r.json);

  assertError(await patch(admin, path, { code: 'renamed' }), 400, 'invalid_field', 'code');
  assertError(await patch(admin, path, { deadlines: { accept: { kind: 'weeks', n: 1 } } }), 400, 'invalid_field', 'deadlines.accept');
  assertError(await patch(admin, path, { wat: 1 }), 400, 'unknown_field', 'wat');
  assert.equal((await request(path)).json.name, '改过的名字', 'a refused PATCH changes nothing');
  assertError(await patch(admin, `${CATS}/no_such_category`, { name: 'x' }), 404, 'not_found');
});

dtest('a retired category is listed only with ?all=true and takes no new reports', async () => {
  const c = await createCategory();
  const admin = await session('admin');
  const p = await spot();
  const before = await post(admin, '/api/v1/cases', { service_code: c.code, description: '退役前的报告', ...p });
  assertStatus(before, 201);

  const r = await patch(admin, `${CATS}/${c.code}`, { active: false });
  assertStatus(r, 200);
  assert.equal(r.json.active, false);
  assert.ok(!(await request(CATS)).json.items.some((x) => x.code === c.code), 'not among the active ones');
  assert.ok((await request(`${CATS}?all=true`)).json.items.some((x) => x.code === c.code), 'listed with all=true');
  assertError(await post(admin, '/api/v1/cases', { service_code: c.code, description: '退役后的报告', ...p }), 400, 'unknown_code', 'service_code');
  const kept = await get(admin, `/api/v1/cases/${before.json.id}`);
  assert.equal(kept.json.service_code, c.code, 'existing cases keep it');
});

dtest('GET /route refuses a retired category as intake does (the same decision)', async () => {
  const c = await createCategory();
  const p = await spot();
  await route(c.code, p);
  assertStatus(await patch(await session('admin'), `${CATS}/${c.code}`, { active: false }), 200);
  assertError(await get(ANON, `/api/v1/route?service_code=${c.code}&lat=${p.lat}&long=${p.long}`), 400, 'unknown_code', 'service_code');
});

// ---- routing rules ----

dtest('GET /routing-rules: public, the demo rules among them', async () => {
  const r = await request(RULES);
  assertStatus(r, 200);
  const items = r.json.items;
  assert.ok(items.length >= 18, `the 18 demo rules: ${items.length}`);
  for (const x of items) for (const k of ['id', 'service_code', 'place', 'area', 'handler', 'org', 'tier', 'note', 'note_en']) assert.ok(k in x, `rule field ${k}`);
  const sewer = items.find((x) => x.service_code === 'sewage' && x.place === 'outside');
  assert.ok(sewer);
  assert.equal(sewer.handler, 'department');
  assert.equal(sewer.org.code ?? sewer.org, 'HY-SZDJ');
  assert.equal(sewer.tier, 'community');
  assert.equal(sewer.area, null);
  assert.equal(sewer.note, '公共污水管网');
  const inside = items.find((x) => x.service_code === 'sanitation' && x.place === 'inside');
  assert.equal(inside.handler, 'property_company');
  assert.equal(inside.org, null);
});

dtest('routing rules: admins add them (201), the most specific wins in /route and at intake, DELETE 204 then 404', async () => {
  const admin = await session('admin');
  const c = await createCategory();
  const p = await spot();
  const made = [];
  const add = async (rule) => {
    const r = await post(admin, RULES, { service_code: c.code, ...rule });
    assertStatus(r, 201, `rule ${JSON.stringify(rule)}`);
    made.push(r.json.id);
    return r.json;
  };
  try {
    // Without a rule the grid handles it first.
    let rt = await route(c.code, p);
    assert.equal(rt.handler.kind, 'grid_worker');
    assert.equal(rt.tier, 'grid');
    assert.equal(rt.rule_id, null);

    const anyRule = await add({ place: 'any', handler: 'community_office', tier: 'community', note: '社区统筹', note_en: 'the community coordinates' });
    assert.equal(anyRule.service_code, c.code);
    assert.equal(anyRule.place, 'any');
    assert.equal(anyRule.area, null);
    assert.equal(anyRule.handler, 'community_office');
    assert.equal(anyRule.tier, 'community');
    assert.equal(anyRule.note, '社区统筹');
    assert.ok((await request(RULES)).json.items.some((x) => x.id === anyRule.id), 'listed');
    rt = await route(c.code, p);
    assert.equal(rt.rule_id, anyRule.id);
    assert.equal(rt.handler.kind, 'community_office');
    assert.ok(rt.reason.includes('社区统筹'), `the note is part of the reason: ${rt.reason}`);
    assert.ok(rt.reason_en.includes('the community coordinates'), rt.reason_en);

    // A rule for another community does not apply here.
    const elsewhere = await add({ place: 'any', area: 'DS-XH', handler: 'street_office', tier: 'street' });
    assert.equal((await route(c.code, p)).rule_id, anyRule.id);
    assert.equal(elsewhere.area.code ?? elsewhere.area, 'DS-XH');

    // An area beats none; a deeper area beats a shallower one.
    const community = await add({ place: 'any', area: 'DS-BY', handler: 'street_office', tier: 'street', note: '白云社区规则' });
    rt = await route(c.code, p);
    assert.equal(rt.rule_id, community.id);
    assert.equal(rt.handler.kind, 'street_office');
    assert.equal(rt.tier, 'street');
    const grid = await add({ place: 'any', area: 'DS-BY-G01', handler: 'grid_worker', tier: 'grid', note: '第1网格规则' });
    rt = await route(c.code, p);
    assert.equal(rt.rule_id, grid.id);
    assert.equal(rt.handler.kind, 'grid_worker');
    assert.equal(rt.handler.id, await areaId('DS-BY-G01'));
    // A named place does not beat a deeper area …
    const outside = await add({ place: 'outside', area: 'DS-BY', handler: 'department', org: 'HY-CGJ', tier: 'community', note: '红线外归城管' });
    assert.equal((await route(c.code, p)).rule_id, grid.id);

    // Intake decides as the preview says.
    const report = await post(admin, '/api/v1/cases', { service_code: c.code, description: '按规则分派', ...p });
    assertStatus(report, 201);
    assert.equal(report.json.routing.rule_id, grid.id);

    // … but beats "any" at the same depth.
    const gone = await del(admin, `${RULES}/${grid.id}`);
    assert.equal(gone.status, 204, gone.text);
    assert.equal(gone.text, '');
    rt = await route(c.code, p);
    assert.equal(rt.rule_id, outside.id);
    assert.equal(rt.handler.kind, 'department');
    assert.ok(rt.reason.includes('惠阳区城市管理和综合执法局'), rt.reason);
    assert.ok(!(await request(RULES)).json.items.some((x) => x.id === grid.id), 'no longer listed');
    assertError(await del(admin, `${RULES}/${grid.id}`), 404, 'not_found');
    made.splice(made.indexOf(grid.id), 1);

    // Cases keep the decision they were given.
    const kept = await get(admin, `/api/v1/cases/${report.json.id}`);
    assert.equal(kept.json.routing.rule_id, grid.id);
    assert.equal(kept.json.routing.handler.kind, 'grid_worker');
  } finally {
    for (const id of made) await del(admin, `${RULES}/${id}`);
  }
  for (const id of made) assert.ok(!(await request(RULES)).json.items.some((x) => x.id === id), `rule ${id} deleted`);
});

dtest('routing rules: only street admins write them (community staff 403, anonymous 401)', async () => {
  const c = await createCategory();
  const rule = { service_code: c.code, place: 'any', handler: 'grid_worker', tier: 'grid' };
  assertError(await request(RULES, { json: rule }), 401, 'unauthenticated');
  assertError(await post(await session('baiyun'), RULES, rule), 403, 'forbidden');
  assertError(await post(await session('shizheng'), RULES, rule), 403, 'forbidden');
  const admin = await session('admin');
  const r = await post(admin, RULES, rule);
  assertStatus(r, 201);
  try {
    assertError(await request(`${RULES}/${r.json.id}`, { method: 'DELETE' }), 401, 'unauthenticated');
    assertError(await del(await session('baiyun'), `${RULES}/${r.json.id}`), 403, 'forbidden');
    assert.ok((await request(RULES)).json.items.some((x) => x.id === r.json.id), 'still there');
  } finally {
    assert.equal((await del(admin, `${RULES}/${r.json.id}`)).status, 204);
  }
  assertError(await del(admin, `${RULES}/999999999`), 404, 'not_found');
  assertError(await del(admin, `${RULES}/abc`), 404);
});

dtest('routing rule validation errors are 400 naming the field, and nothing is added', async () => {
  const admin = await session('admin');
  const c = await createCategory();
  const count = async () => (await request(RULES)).json.items.length;
  const n = await count();
  const ok = { service_code: c.code, place: 'any', handler: 'grid_worker', tier: 'grid' };
  const bad = [
    [{ ...ok, service_code: 'no_such_category' }, 'service_code'],
    [{ ...ok, area: 'NO-SUCH-AREA' }, 'area'],
    [{ ...ok, handler: 'department', org: 'NO-SUCH-ORG' }, 'org'],
    [{ ...ok, handler: 'department' }, 'org'],
    [{ ...ok, org: 'HY-SZDJ' }, 'org'],
    [{ ...ok, handler: 'property_company', place: 'outside' }, 'place'],
    [{ ...ok, place: 'somewhere' }, 'place'],
    [{ service_code: c.code, tier: 'grid' }, 'handler'],
    [{ ...ok, handler: 'mayor' }, 'handler'],
    [{ ...ok, handler: 'none' }, 'handler'],
    [{ ...ok, tier: undefined }, 'tier'],
    [{ ...ok, tier: 'city' }, 'tier'],
    [{ ...ok, note: 'a\u0001b' }, 'note'],
    [{ ...ok, colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of bad) {
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    assertError(await post(admin, RULES, body), 400, undefined, field);
  }
  assert.equal(await count(), n, 'no rule was added');
});
