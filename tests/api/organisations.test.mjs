// Organisations of the big-committee network: the public list with its
// filters and paging, one organisation, the CSV export; creating, changing
// and deleting them as street admin or community staff within their scope.
//
// Organisations made here have unique codes; those that cannot be deleted
// (an organisation with membership records stays) are associations, which
// no other test counts.
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import {
  ANON, areaId, assertStatus, del, dtest, get, orgByCode, patch, post, session, uniqueCode,
} from './network-lib.mjs';

const ORGS = '/api/v1/organisations';
const FIELDS = ['id', 'code', 'kind', 'unit_type', 'name', 'name_en', 'area', 'parent_id', 'parent_code', 'notes'];
const CSV_HEADER = 'code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes';

async function list(query) {
  const r = await get(ANON, `${ORGS}?${query}`);
  assertStatus(r, 200, `GET ${ORGS}?${query}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['items', 'limit', 'offset', 'total']);
  return r.json;
}

/** Create an organisation as `who`; returns the answer (status not checked). */
function create(who, body) {
  return post(who, ORGS, body);
}

async function assertAbsent(code) {
  const r = await list(`q=${encodeURIComponent(code)}`);
  assert.equal(r.items.filter((o) => o.code === code).length, 0, `${code} was not created`);
}

// ---- reading ----

dtest('GET /organisations is a page {items,total,limit,offset} (default limit 100) of organisations with their fields', async () => {
  const r = await list('');
  assert.equal(r.limit, 100);
  assert.equal(r.offset, 0);
  assert.equal(r.items.length, 100);
  assert.ok(r.total >= 500, `the demo street has over 500 organisations: ${r.total}`);
  for (const o of r.items) {
    for (const k of FIELDS) assert.ok(k in o, `field ${k} in ${JSON.stringify(o).slice(0, 200)}`);
    assert.equal(typeof o.id, 'number');
    assert.ok(o.area === null || (typeof o.area.id === 'number' && typeof o.area.code === 'string'));
    assert.ok(!('phone' in o));
  }
});

dtest('?kind= filters by kind: the 112 compound party branches', async () => {
  const r = await list('kind=compound_party_branch&limit=1000');
  assert.equal(r.total, 112);
  assert.equal(r.items.length, 112);
  assert.ok(r.items.every((o) => o.kind === 'compound_party_branch'));
  assert.ok(r.items.every((o) => o.area && o.area.kind === 'compound'), 'each branch is in its compound');
  assertError(await get(ANON, `${ORGS}?kind=club`), 400, 'invalid_query', 'kind');
});

dtest('?unit_type= filters member units by type', async () => {
  const r = await list('unit_type=enterprise&limit=1000');
  assert.ok(r.total > 0);
  assert.ok(r.items.every((o) => o.kind === 'member_unit' && o.unit_type === 'enterprise'));
  const names = r.items.map((o) => o.name);
  assert.ok(names.includes('星河智善惠州分公司'));
  assert.ok(names.includes('惠州农商行惠阳支行'));
  assert.ok(!names.includes('华南师范大学附属惠阳学校'), 'a public institution is not an enterprise');
  const pi = await list('unit_type=public_institution&limit=1000');
  assert.ok(pi.items.some((o) => o.name === '华南师范大学附属惠阳学校'));
  assertError(await get(ANON, `${ORGS}?unit_type=charity`), 400, 'invalid_query', 'unit_type');
});

dtest('?area= includes organisations of the area and everything below it (白云: 御珑名苑的小区党支部)', async () => {
  const by = await areaId('DS-BY');
  const r = await list(`area=${by}&limit=1000`);
  assert.ok(r.total > 20);
  const codes = r.items.map((o) => o.code);
  assert.ok(codes.includes('DS-BY-G01-C01-PB'), '御珑名苑小区党支部, located in the compound, is listed');
  assert.ok(codes.includes('DS-BY-PC'), 'the community party organisation is listed');
  const branch = r.items.find((o) => o.code === 'DS-BY-G01-C01-PB');
  assert.equal(branch.name, '御珑名苑小区党支部');
  assert.equal(branch.area.code, 'DS-BY-G01-C01');
  assert.ok(r.items.every((o) => o.area && o.area.code.startsWith('DS-BY')), 'nothing outside 白云');
  const branches = await list(`area=${by}&kind=compound_party_branch`);
  assert.equal(branches.total, 20, '白云 has 20 compound party branches');
  // Filtering by the compound itself.
  const compound = await list(`area=${await areaId('DS-BY-G01-C01')}`);
  assert.ok(compound.items.some((o) => o.code === 'DS-BY-G01-C01-PB'));
  assert.ok(compound.items.every((o) => o.area.code === 'DS-BY-G01-C01'));
  assertError(await get(ANON, `${ORGS}?area=x`), 400, 'invalid_query', 'area');
});

dtest('?q= is a literal, case-sensitive substring of the name or code', async () => {
  const r = await list(`q=${encodeURIComponent('星河')}&kind=community_party_committee`);
  assert.equal(r.total, 1);
  assert.equal(r.items[0].code, 'DS-XH-PC');
  const byCode = await list('q=DS-XH-MU0');
  assert.deepEqual(byCode.items.map((o) => o.code).sort(), ['DS-XH-MU01', 'DS-XH-MU02', 'DS-XH-MU03', 'DS-XH-MU04', 'DS-XH-MU05']);
  for (const q of ['%25', '_', 'ds-xh']) assert.equal((await list(`q=${q}`)).total, 0, `q=${q} is literal and case-sensitive`);
  const none = await list(`q=${encodeURIComponent('没有这样的组织')}`);
  assert.equal(none.total, 0);
  assert.deepEqual(none.items, []);
});

dtest('limit and offset page through the list; total counts every match', async () => {
  const all = await list('kind=compound_party_branch&limit=1000');
  const p1 = await list('kind=compound_party_branch&limit=10');
  const p2 = await list('kind=compound_party_branch&limit=10&offset=10');
  const last = await list('kind=compound_party_branch&limit=10&offset=110');
  assert.equal(p1.limit, 10);
  assert.equal(p2.offset, 10);
  assert.equal(p1.total, all.total);
  assert.equal(p2.total, all.total);
  assert.deepEqual(p1.items, all.items.slice(0, 10));
  assert.deepEqual(p2.items, all.items.slice(10, 20));
  assert.deepEqual(last.items, all.items.slice(110));
  assert.equal(last.items.length, 2);
  const beyond = await list('kind=compound_party_branch&offset=5000');
  assert.deepEqual(beyond.items, []);
  assert.equal(beyond.total, all.total);
  for (const bad of ['limit=0', 'limit=1001', 'limit=abc']) assertError(await get(ANON, `${ORGS}?${bad}`), 400, 'invalid_query', 'limit');
  assertError(await get(ANON, `${ORGS}?offset=-1`), 400, 'invalid_query', 'offset');
});

dtest('GET /organisations/{id} is one organisation, as in the list; unknown or non-numeric ids are 404', async () => {
  const listed = await orgByCode('DS-XH-MU01');
  const r = await get(ANON, `${ORGS}/${listed.id}`);
  assertStatus(r, 200);
  assert.deepEqual(r.json, listed);
  assert.equal(r.json.name, '华南师范大学附属惠阳学校');
  assert.equal(r.json.kind, 'member_unit');
  assert.equal(r.json.unit_type, 'public_institution');
  assert.equal(r.json.area.code, 'DS-XH');
  assertError(await get(ANON, `${ORGS}/99999999`), 404, 'not_found', 'id');
  assertError(await get(ANON, `${ORGS}/abc`), 404, 'not_found', 'id');
});

dtest('organisations.csv is text/csv with the import header and one row per organisation', async () => {
  const r = await get(ANON, `${ORGS}.csv`);
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8$/);
  const lines = r.text.split('\n');
  assert.equal(lines[0], CSV_HEADER);
  assert.ok(lines.some((l) => l.startsWith('DS-XH-MU01,member_unit,public_institution,华南师范大学附属惠阳学校,')));
  assert.ok(lines.some((l) => l.startsWith('DS-BY-G01-C01-PB,compound_party_branch,,御珑名苑小区党支部,')));
  // Parents come before their children.
  const pos = new Map();
  lines.slice(1).forEach((l, i) => pos.set(l.split(',')[0], i));
  assert.ok(pos.get('DS-BY-PC') < pos.get('DS-BY-G01-C01-PB'));
});

// ---- writing ----

dtest('community staff create an organisation in their community (201) and may change and delete it', async () => {
  const baiyun = await session('baiyun');
  const code = uniqueCode('DS-BY-T');
  const body = { code, kind: 'member_unit', unit_type: 'new_social_organisation', name: '白云社区测试社会组织', area_code: 'DS-BY', notes: '测试 / test' };
  const r = await create(baiyun, body);
  assertStatus(r, 201, 'POST as baiyun in 白云');
  assert.equal(typeof r.json.id, 'number');
  assert.equal(r.json.code, code);
  assert.equal(r.json.kind, 'member_unit');
  assert.equal(r.json.unit_type, 'new_social_organisation');
  assert.equal(r.json.name, '白云社区测试社会组织');
  assert.equal(r.json.name_en, null);
  assert.deepEqual(r.json.area, { id: await areaId('DS-BY'), code: 'DS-BY', name: '白云社区', kind: 'community' });
  assert.equal(r.json.parent_id, null);
  assert.equal(r.json.notes, '测试 / test');
  const got = await get(ANON, `${ORGS}/${r.json.id}`);
  assert.deepEqual(got.json, r.json);

  const renamed = await patch(baiyun, `${ORGS}/${r.json.id}`, { name: '白云社区测试社会组织（改）', name_en: 'Renamed' });
  assertStatus(renamed, 200, 'PATCH name');
  assert.equal(renamed.json.name, '白云社区测试社会组织（改）');
  assert.equal(renamed.json.name_en, 'Renamed');
  assert.equal(renamed.json.unit_type, 'new_social_organisation', 'fields left out keep their value');
  assert.equal(renamed.json.notes, '测试 / test');
  assert.equal((await get(ANON, `${ORGS}/${r.json.id}`)).json.name, '白云社区测试社会组织（改）');
  const cleared = await patch(baiyun, `${ORGS}/${r.json.id}`, { notes: null });
  assertStatus(cleared, 200);
  assert.equal(cleared.json.notes, null, 'null clears notes');

  const gone = await del(baiyun, `${ORGS}/${r.json.id}`);
  assertStatus(gone, 204, 'DELETE without memberships');
  assertError(await get(ANON, `${ORGS}/${r.json.id}`), 404, 'not_found', 'id');
});

dtest('community staff may not create an organisation in another community (403), nor change one there', async () => {
  const baiyun = await session('baiyun');
  const code = uniqueCode('DS-XH-T');
  assertError(await create(baiyun, { code, kind: 'association', name: '越界的协会', area_code: 'DS-XH' }), 403, 'forbidden');
  await assertAbsent(code);
  const xhpc = await orgByCode('DS-XH-PC');
  assertError(await patch(baiyun, `${ORGS}/${xhpc.id}`, { name: '不该改的名字' }), 403, 'forbidden');
  assertError(await del(baiyun, `${ORGS}/${xhpc.id}`), 403, 'forbidden');
  assert.equal((await get(ANON, `${ORGS}/${xhpc.id}`)).json.name, '星河社区党委');
  // Nor move one of theirs out of the community.
  const mine = await create(baiyun, { code: uniqueCode('DS-BY-T'), kind: 'association', name: '白云测试协会', area_code: 'DS-BY-G01' });
  assertStatus(mine, 201);
  assertError(await patch(baiyun, `${ORGS}/${mine.json.id}`, { area_code: 'DS-XH' }), 403, 'forbidden');
  assert.equal((await get(ANON, `${ORGS}/${mine.json.id}`)).json.area.code, 'DS-BY-G01');
  assertStatus(await del(baiyun, `${ORGS}/${mine.json.id}`), 204);
});

dtest('a member unit without unit_type is 400 naming unit_type; other kinds may not have one', async () => {
  const admin = await session('admin');
  const code = uniqueCode('DS-JH-T');
  assertError(await create(admin, { code, kind: 'member_unit', name: '无类型成员单位', area_code: 'DS-JH' }), 400, 'invalid_field', 'unit_type');
  assertError(await create(admin, { code, kind: 'member_unit', unit_type: 'charity', name: '错类型成员单位', area_code: 'DS-JH' }), 400, 'invalid_field', 'unit_type');
  assertError(await create(admin, { code, kind: 'association', unit_type: 'enterprise', name: '有类型的协会', area_code: 'DS-JH' }), 400, 'invalid_field', 'unit_type');
  await assertAbsent(code);
});

dtest('an unknown area_code is 400 naming area_code; other field errors name their field', async () => {
  const admin = await session('admin');
  const code = uniqueCode('DS-JH-T');
  assertError(await create(admin, { code, kind: 'association', name: '无处的协会', area_code: 'NO-SUCH-AREA' }), 400, 'invalid_field', 'area_code');
  assertError(await create(admin, { code, kind: 'club', name: '俱乐部', area_code: 'DS-JH' }), 400, 'invalid_field', 'kind');
  assertError(await create(admin, { code: 'bad code!', kind: 'association', name: '坏编码', area_code: 'DS-JH' }), 400, 'invalid_field', 'code');
  assertError(await create(admin, { code, kind: 'association', area_code: 'DS-JH' }), 400, 'missing_field', 'name');
  assertError(await create(admin, { code, kind: 'association', name: '多字段', area_code: 'DS-JH', colour: 'red' }), 400, 'unknown_field', 'colour');
  assertError(await create(admin, { code, kind: 'association', name: '错上级', area_code: 'DS-JH', parent_code: 'NO-SUCH-ORG' }), 400, 'invalid_field', 'parent_code');
  await assertAbsent(code);
});

dtest('an existing organisation code is 409 duplicate', async () => {
  const admin = await session('admin');
  assertError(await create(admin, { code: 'DS-XH-MU01', kind: 'association', name: '重复编码', area_code: 'DS-JH' }), 409, 'duplicate', 'code');
  assert.equal((await orgByCode('DS-XH-MU01')).name, '华南师范大学附属惠阳学校');
});

dtest('an organisation cannot become its own ancestor (400 naming parent_code)', async () => {
  const admin = await session('admin');
  const a = await create(admin, { code: uniqueCode('DS-JH-TA'), kind: 'association', name: '甲协会', area_code: 'DS-JH' });
  assertStatus(a, 201);
  const b = await create(admin, { code: uniqueCode('DS-JH-TB'), kind: 'association', name: '乙协会', area_code: 'DS-JH', parent_code: a.json.code });
  assertStatus(b, 201);
  assert.equal(b.json.parent_id, a.json.id);
  const c = await create(admin, { code: uniqueCode('DS-JH-TC'), kind: 'association', name: '丙协会', area_code: 'DS-JH-G01', parent_code: b.json.code });
  assertStatus(c, 201);
  try {
    assertError(await patch(admin, `${ORGS}/${a.json.id}`, { parent_code: a.json.code }), 400, 'invalid_field', 'parent_code');
    assertError(await patch(admin, `${ORGS}/${a.json.id}`, { parent_code: b.json.code }), 400, 'invalid_field', 'parent_code');
    assertError(await patch(admin, `${ORGS}/${a.json.id}`, { parent_code: c.json.code }), 400, 'invalid_field', 'parent_code');
    assert.equal((await get(ANON, `${ORGS}/${a.json.id}`)).json.parent_id, null, 'unchanged');
    // ?parent= lists the direct children.
    const kids = await list(`parent=${a.json.id}`);
    assert.deepEqual(kids.items.map((o) => o.id), [b.json.id]);
    // A parent with children cannot be deleted.
    assertError(await del(admin, `${ORGS}/${a.json.id}`), 409, 'in_use', 'id');
  } finally {
    for (const o of [c, b, a]) assertStatus(await del(admin, `${ORGS}/${o.json.id}`), 204, `cleanup ${o.json.code}`);
  }
});

dtest('an organisation with memberships cannot be deleted (409 in_use); one without can (204)', async () => {
  const admin = await session('admin');
  const withMember = await create(admin, { code: uniqueCode('DS-JH-TM'), kind: 'association', name: '有成员的协会', area_code: 'DS-JH' });
  assertStatus(withMember, 201);
  const person = await post(admin, '/api/v1/people', { name: '协会测试成员' });
  assertStatus(person, 201);
  const m = await post(admin, '/api/v1/memberships', { person_id: person.json.id, org_id: withMember.json.id, role: 'member', start_date: '2024-01-01' });
  assertStatus(m, 201);
  const e = assertError(await del(admin, `${ORGS}/${withMember.json.id}?lang=en`), 409, 'in_use', 'id');
  assert.match(e.message, /membership/);
  assertStatus(await get(ANON, `${ORGS}/${withMember.json.id}`), 200, 'still there');

  const empty = await create(admin, { code: uniqueCode('DS-JH-TE'), kind: 'association', name: '无成员的协会', area_code: 'DS-JH' });
  assertStatus(empty, 201);
  const r = await del(admin, `${ORGS}/${empty.json.id}`);
  assertStatus(r, 204);
  assert.equal(r.text, '');
  assertError(await get(ANON, `${ORGS}/${empty.json.id}`), 404, 'not_found', 'id');
});

dtest('organisation writes: anonymous 401, resident 403, grid worker 403, member unit 403, no CSRF token 403 csrf', async () => {
  const code = uniqueCode('DS-BY-T');
  const body = { code, kind: 'association', name: '未授权的协会', area_code: 'DS-BY-G01' };
  assertError(await create(ANON, body), 401, 'unauthenticated');
  for (const who of ['resident', 'grid.baiyun', 'huashi', 'volunteer']) {
    assertError(await create(await session(who), body), 403, 'forbidden');
  }
  assertError(await post(await session('baiyun'), ORGS, body, { csrf: false }), 403, 'csrf');
  assertError(await post(await session('admin'), ORGS, body, { csrf: false }), 403, 'csrf', 'X-CSRF-Token');
  await assertAbsent(code);
  const pc = await orgByCode('DS-BY-PC');
  assertError(await patch(ANON, `${ORGS}/${pc.id}`, { name: 'x' }), 401, 'unauthenticated');
  assertError(await patch(await session('resident'), `${ORGS}/${pc.id}`, { name: 'x' }), 403, 'forbidden');
  assertError(await del(ANON, `${ORGS}/${pc.id}`), 401, 'unauthenticated');
  assertError(await del(await session('grid.baiyun'), `${ORGS}/${pc.id}`), 403, 'forbidden');
  assert.equal((await get(ANON, `${ORGS}/${pc.id}`)).json.name, pc.name);
});
