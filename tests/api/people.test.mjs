// People and their dated memberships: personal data for staff within their
// scope only; creating and changing people; adding and ending memberships;
// the CSV exports.
//
// Writes go to people and organisations made here (associations of 锦湖社区
// DS-JH or 白云社区 DS-BY, unique codes); no part-time memberships are added,
// so the network's counts stay as the demo street has them.
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import {
  ANON, areaId, assertStatus, dtest, get, orgByCode, patch, PHONE, post, session, uniqueCode,
} from './network-lib.mjs';

const PEOPLE = '/api/v1/people';
const MEMBERSHIPS = '/api/v1/memberships';
const PERSON_FIELDS = ['id', 'code', 'party_member', 'memberships', 'name', 'phone', 'notes'];

/** An association (admin) in areaCode, a person and a current membership in it. */
async function personWithMembership(areaCode = 'DS-JH', personBody = {}) {
  const admin = await session('admin');
  const org = await post(admin, '/api/v1/organisations', { code: uniqueCode(`${areaCode}-TP`), kind: 'association', name: '人员测试协会', area_code: areaCode });
  assertStatus(org, 201, 'create the test organisation');
  const person = await post(admin, PEOPLE, { name: '测试人员', ...personBody });
  assertStatus(person, 201, 'create the test person');
  const m = await post(admin, MEMBERSHIPS, { person_id: person.json.id, org_id: org.json.id, role: 'member', start_date: '2024-01-01' });
  assertStatus(m, 201, 'create the test membership');
  return { org: org.json, person: person.json, membership: m.json.id };
}

// ---- reading people ----

dtest('GET /people needs a staff role: anonymous 401, resident, volunteer and member unit 403', async () => {
  assertError(await get(ANON, PEOPLE), 401, 'unauthenticated');
  for (const who of ['resident', 'volunteer', 'huashi']) {
    assertError(await get(await session(who), PEOPLE), 403, 'forbidden');
  }
});

dtest('a street admin sees people with names and phone numbers, paged', async () => {
  const admin = await session('admin');
  const r = await get(admin, `${PEOPLE}?limit=5`);
  assertStatus(r, 200);
  assert.deepEqual(Object.keys(r.json).sort(), ['items', 'limit', 'offset', 'total']);
  assert.equal(r.json.items.length, 5);
  assert.ok(r.json.total > 1000, `the demo street's people: ${r.json.total}`);
  for (const p of r.json.items) {
    for (const k of PERSON_FIELDS) assert.ok(k in p, `field ${k}`);
    assert.equal(typeof p.name, 'string');
    assert.match(p.phone, PHONE);
  }
  const next = await get(admin, `${PEOPLE}?limit=5&offset=5`);
  assert.equal(next.json.total, r.json.total);
  assert.ok(next.json.items.every((p) => !r.json.items.some((q) => q.id === p.id)), 'the next page has other people');
  assertError(await get(admin, `${PEOPLE}?limit=0`), 400, 'invalid_query', 'limit');
});

dtest('community staff see only people with memberships in their community, with names and phones', async () => {
  const admin = await session('admin');
  const baiyun = await session('baiyun');
  const all = await get(admin, `${PEOPLE}?limit=1`);
  const mine = await get(baiyun, `${PEOPLE}?limit=10`);
  assertStatus(mine, 200);
  assert.ok(mine.json.total > 0);
  assert.ok(mine.json.total < all.json.total, `白云 staff see fewer people (${mine.json.total}) than the street admin (${all.json.total})`);
  const byArea = await get(admin, `${PEOPLE}?area=${await areaId('DS-BY')}&limit=1`);
  assert.equal(mine.json.total, byArea.json.total, 'the same as the admin filtering by 白云');
  const orgArea = new Map();
  for (const p of mine.json.items) {
    assert.equal(typeof p.name, 'string');
    assert.ok(p.name.length > 0);
    const detail = await get(baiyun, `${PEOPLE}/${p.id}`);
    assertStatus(detail, 200, `GET person ${p.id} as baiyun`);
    const current = detail.json.membership_list.filter((m) => m.end_date === null || m.end_date > '2026-11-25');
    let inBaiyun = false;
    for (const m of current) {
      if (!orgArea.has(m.org_id)) orgArea.set(m.org_id, (await get(ANON, `/api/v1/organisations/${m.org_id}`)).json.area);
      const area = orgArea.get(m.org_id);
      if (area && area.code.startsWith('DS-BY')) inBaiyun = true;
    }
    assert.ok(inBaiyun, `${p.code} has a membership in 白云: ${JSON.stringify(current)}`);
  }
  assert.ok(mine.json.items.some((p) => PHONE.test(p.phone || '')), 'staff see phone numbers');
  // A narrower area inside the scope is fine; another community is not.
  assertStatus(await get(baiyun, `${PEOPLE}?area=${await areaId('DS-BY-G01')}`), 200);
  assertError(await get(baiyun, `${PEOPLE}?area=${await areaId('DS-XH')}`), 403, 'forbidden');
});

dtest('a grid worker sees the people of their grid: 刘学政 of 御珑名苑', async () => {
  const grid = await session('grid.baiyun');
  const r = await get(grid, `${PEOPLE}?q=${encodeURIComponent('刘学政')}`);
  assertStatus(r, 200);
  assert.equal(r.json.total, 1);
  const p = r.json.items[0];
  assert.equal(p.name, '刘学政');
  const detail = await get(grid, `${PEOPLE}/${p.id}`);
  assertStatus(detail, 200);
  assert.ok(detail.json.membership_list.some((m) => m.org_code === 'DS-BY-G01-C01-PB' && m.role === 'secretary'));
});

dtest('GET /people/{id}: unknown id 404, non-numeric 404, anonymous 401', async () => {
  const admin = await session('admin');
  assertError(await get(admin, `${PEOPLE}/99999999`), 404, 'not_found', 'id');
  assertError(await get(admin, `${PEOPLE}/abc`), 404, 'not_found', 'id');
  assertError(await get(ANON, `${PEOPLE}/1`), 401, 'unauthenticated');
});

// ---- writing people ----

dtest('a street admin adds a person (201); without a code it is P + id', async () => {
  const admin = await session('admin');
  const r = await post(admin, PEOPLE, { name: '新来的测试人员', phone: '139 0000 9999', party_member: true, notes: '测试 / test' });
  assertStatus(r, 201);
  assert.equal(typeof r.json.id, 'number');
  assert.equal(r.json.code, `P${r.json.id}`);
  assert.equal(r.json.name, '新来的测试人员');
  assert.equal(r.json.phone, '139 0000 9999');
  assert.equal(r.json.party_member, true);
  assert.equal(r.json.memberships, 0);
  assert.equal(r.json.notes, '测试 / test');
  const bare = await post(admin, PEOPLE, { name: '最简测试人员' });
  assertStatus(bare, 201);
  assert.deepEqual(bare.json, { id: bare.json.id, code: `P${bare.json.id}`, party_member: false, memberships: 0, name: '最简测试人员', phone: null, notes: null });
  const code = uniqueCode('TP');
  const coded = await post(await session('baiyun'), PEOPLE, { code, name: '有编码的测试人员' });
  assertStatus(coded, 201, 'community staff may add people too');
  assert.equal(coded.json.code, code);
  assertError(await post(admin, PEOPLE, { code, name: '重复编码' }), 409, 'duplicate', 'code');
});

dtest('a bad phone number is 400 naming phone', async () => {
  const admin = await session('admin');
  for (const phone of ['abc', '12', '139-0000-abcd', '1390000123456789012345', '139.0000.1234']) {
    assertError(await post(admin, PEOPLE, { name: '电话错误', phone }), 400, 'invalid_field', 'phone');
  }
  assertError(await post(admin, PEOPLE, { name: '电话错误', phone: 13900001234 }), 400, undefined, 'phone');
});

dtest('an unknown field is 400 unknown_field; a missing name is 400 missing_field', async () => {
  const admin = await session('admin');
  assertError(await post(admin, PEOPLE, { name: '多字段', id_card: '440000' }), 400, 'unknown_field', 'id_card');
  assertError(await post(admin, PEOPLE, { phone: '13900001234' }), 400, 'missing_field', 'name');
  assertError(await post(admin, PEOPLE, { name: '党员', party_member: 'yes' }), 400, 'invalid_field', 'party_member');
  assertError(await post(admin, PEOPLE, { name: 'x'.repeat(65) }), 400, 'invalid_field', 'name');
});

dtest('people writes: anonymous 401, grid worker and resident 403, no CSRF token 403 csrf', async () => {
  assertError(await post(ANON, PEOPLE, { name: '匿名' }), 401, 'unauthenticated');
  assertError(await post(await session('grid.baiyun'), PEOPLE, { name: '网格员加的' }), 403, 'forbidden');
  assertError(await post(await session('resident'), PEOPLE, { name: '居民加的' }), 403, 'forbidden');
  assertError(await post(await session('admin'), PEOPLE, { name: '无令牌' }, { csrf: false }), 403, 'csrf', 'X-CSRF-Token');
});

dtest('PATCH changes a person within scope (200); fields left out keep their value, phone null removes it', async () => {
  const admin = await session('admin');
  const { person } = await personWithMembership('DS-JH', { phone: '139 0000 8888', notes: '原备注' });
  const r = await patch(admin, `${PEOPLE}/${person.id}`, { name: '改名的测试人员', party_member: true });
  assertStatus(r, 200, 'PATCH');
  assert.equal(r.json.name, '改名的测试人员');
  assert.equal(r.json.party_member, true);
  assert.equal(r.json.phone, '139 0000 8888');
  assert.equal(r.json.notes, '原备注');
  assert.equal(r.json.memberships, 1);
  const noPhone = await patch(admin, `${PEOPLE}/${person.id}`, { phone: null });
  assertStatus(noPhone, 200);
  assert.equal(noPhone.json.phone, null);
  const got = await get(admin, `${PEOPLE}/${person.id}`);
  assert.equal(got.json.name, '改名的测试人员');
  assert.equal(got.json.phone, null);
  assertError(await patch(admin, `${PEOPLE}/${person.id}`, { phone: 'call me' }), 400, 'invalid_field', 'phone');
  assertError(await patch(admin, `${PEOPLE}/${person.id}`, { age: 40 }), 400, 'unknown_field', 'age');
  // Staff of a community that does not cover the person may not change them.
  assertError(await patch(await session('baiyun'), `${PEOPLE}/${person.id}`, { name: '越界修改' }), 403, 'forbidden');
  assert.equal((await get(admin, `${PEOPLE}/${person.id}`)).json.name, '改名的测试人员');
});

dtest('a person without a current membership is in no one\'s scope (403), even for the street admin', async () => {
  const admin = await session('admin');
  const p = await post(admin, PEOPLE, { name: '无成员资格的测试人员' });
  assertStatus(p, 201);
  assertError(await get(admin, `${PEOPLE}/${p.json.id}`), 403, 'forbidden');
  assertError(await patch(admin, `${PEOPLE}/${p.json.id}`, { notes: 'x' }), 403, 'forbidden');
});

// ---- memberships ----

dtest('a membership is created (201) and the same one posted again answers the same id', async () => {
  const admin = await session('admin');
  const { person, org, membership } = await personWithMembership();
  const again = await post(admin, MEMBERSHIPS, { person_id: person.id, org_id: org.id, role: 'member', start_date: '2024-01-01' });
  assertStatus(again, 201);
  assert.equal(again.json.id, membership);
  const list = await get(admin, `${MEMBERSHIPS}?person=${person.id}`);
  assertStatus(list, 200);
  assert.equal(list.json.items.length, 1);
  const m = list.json.items[0];
  assert.equal(m.id, membership);
  assert.equal(m.person_id, person.id);
  assert.equal(m.person_code, person.code);
  assert.equal(m.org_id, org.id);
  assert.equal(m.org_code, org.code);
  assert.equal(m.role, 'member');
  assert.equal(m.represents_id, null);
  assert.equal(m.start_date, '2024-01-01');
  assert.equal(m.end_date, null);
  assert.equal(m.person_name, '测试人员');
});

dtest('membership field errors: part_time_member needs represents_id, others may not have it; role, dates, ids checked', async () => {
  const admin = await session('admin');
  const { person, org } = await personWithMembership();
  const mu = await orgByCode('DS-JH-MU01').catch(() => null);
  const base = { person_id: person.id, org_id: org.id, start_date: '2025-01-01' };
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'part_time_member' }), 400, 'invalid_field', 'represents_id');
  if (mu) assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'volunteer', represents_id: mu.id }), 400, 'invalid_field', 'represents_id');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'part_time_member', represents_id: org.id }), 400, 'invalid_field', 'represents_id');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'chairman' }), 400, 'invalid_field', 'role');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'member', start_date: '2025-02-30' }), 400, 'invalid_field', 'start_date');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'member', end_date: '2024-12-31' }), 400, 'invalid_field', 'end_date');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'member', org_id: 99999999 }), 400, 'invalid_field', 'org_id');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'member', person_id: 99999999 }), 400, 'invalid_field', 'person_id');
  assertError(await post(admin, MEMBERSHIPS, { person_id: person.id, org_id: org.id, role: 'member' }), 400, 'missing_field', 'start_date');
  assertError(await post(admin, MEMBERSHIPS, { ...base, role: 'member', since: '2025' }), 400, 'unknown_field', 'since');
  const list = await get(admin, `${MEMBERSHIPS}?person=${person.id}&as_of=2025-06-01`);
  assert.equal(list.json.items.length, 1, 'only the first membership exists');
});

dtest('memberships are written by staff in scope: 白云 staff in 白云 (201), 星河 staff there 403', async () => {
  const baiyun = await session('baiyun');
  const xinghe = await session('xinghe');
  const org = await post(baiyun, '/api/v1/organisations', { code: uniqueCode('DS-BY-TP'), kind: 'association', name: '白云测试协会', area_code: 'DS-BY' });
  assertStatus(org, 201);
  const person = await post(baiyun, PEOPLE, { name: '白云测试人员' });
  assertStatus(person, 201);
  const body = { person_id: person.json.id, org_id: org.json.id, role: 'volunteer', start_date: '2025-03-01' };
  assertError(await post(xinghe, MEMBERSHIPS, body), 403, 'forbidden');
  const m = await post(baiyun, MEMBERSHIPS, body);
  assertStatus(m, 201);
  // Now the person is in 白云: visible to 白云 staff, not to 星河 staff.
  assertStatus(await get(baiyun, `${PEOPLE}/${person.json.id}`), 200);
  assertError(await get(xinghe, `${PEOPLE}/${person.json.id}`), 403, 'forbidden');
  assertError(await patch(xinghe, `${MEMBERSHIPS}/${m.json.id}`, { end_date: '2025-04-01' }), 403, 'forbidden');
});

dtest('PATCH end_date ends a membership (200); ending it again is 409, an end before the start is 400', async () => {
  const admin = await session('admin');
  const { org, membership } = await personWithMembership();
  assertError(await patch(admin, `${MEMBERSHIPS}/${membership}`, { end_date: '2023-12-31' }), 400, 'invalid_field', 'end_date');
  assertError(await patch(admin, `${MEMBERSHIPS}/${membership}`, { end_date: '2025-13-01' }), 400, 'invalid_field', 'end_date');
  assertError(await patch(admin, `${MEMBERSHIPS}/${membership}`, { end_date: '2025-06-01', role: 'secretary' }), 400, 'unknown_field', 'role');
  assertError(await patch(admin, `${MEMBERSHIPS}/${membership}`, {}), 400, 'missing_field', 'end_date');
  const r = await patch(admin, `${MEMBERSHIPS}/${membership}`, { end_date: '2025-06-01' });
  assertStatus(r, 200);
  assert.deepEqual(r.json, { id: membership, end_date: '2025-06-01' });
  assertError(await patch(admin, `${MEMBERSHIPS}/${membership}`, { end_date: '2025-07-01' }), 409, 'already_ended', 'end_date');
  // Dated: a member on 2025-05-31, not on 2025-06-01 (the end is exclusive) nor today.
  const before = await get(admin, `${MEMBERSHIPS}?org=${org.id}&as_of=2025-05-31`);
  const onEnd = await get(admin, `${MEMBERSHIPS}?org=${org.id}&as_of=2025-06-01`);
  const today = await get(admin, `${MEMBERSHIPS}?org=${org.id}`);
  assertStatus(before, 200);
  assert.deepEqual(before.json.items.map((m) => m.id), [membership]);
  assert.equal(before.json.items[0].end_date, '2025-06-01');
  assert.deepEqual(onEnd.json.items, []);
  assert.deepEqual(today.json.items, []);
  assertError(await patch(admin, `${MEMBERSHIPS}/99999999`, { end_date: '2025-06-01' }), 404, 'not_found', 'id');
});

dtest('GET /memberships?org=ID: person names for staff whose scope covers it, not for anonymous or other staff', async () => {
  const pc = await orgByCode('DS-BY-PC');
  const anon = await get(ANON, `${MEMBERSHIPS}?org=${pc.id}`);
  assertStatus(anon, 200);
  assert.ok(anon.json.items.length > 5);
  for (const m of anon.json.items) {
    assert.ok(!('person_name' in m), `no person_name for anonymous: ${JSON.stringify(m)}`);
    assert.equal(m.org_id, pc.id);
    assert.equal(typeof m.person_code, 'string');
  }
  const staff = await get(await session('baiyun'), `${MEMBERSHIPS}?org=${pc.id}`);
  assertStatus(staff, 200);
  assert.equal(staff.json.items.length, anon.json.items.length);
  assert.ok(staff.json.items.every((m) => typeof m.person_name === 'string' && m.person_name.length > 0));
  const other = await get(await session('xinghe'), `${MEMBERSHIPS}?org=${pc.id}`);
  assertStatus(other, 200);
  assert.ok(other.json.items.every((m) => !('person_name' in m)), '星河 staff do not see 白云 names');
  const resident = await get(await session('resident'), `${MEMBERSHIPS}?org=${pc.id}`);
  assert.ok(resident.json.items.every((m) => !('person_name' in m)));
});

dtest('GET /memberships needs org or person (400); person= is personal data (401 anonymous, 403 resident)', async () => {
  assertError(await get(ANON, MEMBERSHIPS), 400, 'missing_query', 'org');
  assertError(await get(ANON, `${MEMBERSHIPS}?org=abc`), 400, 'invalid_query', 'org');
  assertError(await get(ANON, `${MEMBERSHIPS}?org=1&as_of=2025-1-1`), 400, 'invalid_query', 'as_of');
  const admin = await session('admin');
  const liu = (await get(admin, `${PEOPLE}?q=${encodeURIComponent('刘学政')}`)).json.items[0];
  assertError(await get(ANON, `${MEMBERSHIPS}?person=${liu.id}`), 401, 'unauthenticated');
  assertError(await get(await session('resident'), `${MEMBERSHIPS}?person=${liu.id}`), 403, 'forbidden');
  const mine = await get(await session('baiyun'), `${MEMBERSHIPS}?person=${liu.id}`);
  assertStatus(mine, 200);
  assert.ok(mine.json.items.every((m) => m.person_name === '刘学政'));
});

// ---- exports ----

dtest('people.csv: 200 text/csv for a street admin; 403 for community staff, 401 anonymous', async () => {
  const r = await get(await session('admin'), `${PEOPLE}.csv`);
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  const lines = r.text.split('\n');
  assert.equal(lines[0], 'code,name,phone,party_member,notes');
  assert.ok(lines.some((l) => /^P0127,刘学政,/.test(l)));
  assertError(await get(await session('baiyun'), `${PEOPLE}.csv`), 403, 'forbidden');
  assertError(await get(await session('grid.baiyun'), `${PEOPLE}.csv`), 403, 'forbidden');
  assertError(await get(ANON, `${PEOPLE}.csv`), 401, 'unauthenticated');
});

dtest('memberships.csv: 401 anonymous, 403 resident, text/csv with person codes for staff', async () => {
  assertError(await get(ANON, `${MEMBERSHIPS}.csv`), 401, 'unauthenticated');
  assertError(await get(await session('resident'), `${MEMBERSHIPS}.csv`), 403, 'forbidden');
  assertError(await get(await session('huashi'), `${MEMBERSHIPS}.csv`), 403, 'forbidden');
  const r = await get(await session('admin'), `${MEMBERSHIPS}.csv`);
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.equal(r.text.split('\n')[0], 'person_code,org_code,role,represents_code,start_date,end_date');
  assert.ok(!PHONE.test(r.text), 'no phone numbers in the memberships export');
});
