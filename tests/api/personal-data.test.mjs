// Personal data (names, phone numbers, notes of people) stays with staff
// whose scope covers the person: nothing public or shown to a resident
// carries a phone number, staff of another community are refused, and the
// network never has a phone field.
//
// Every GET made through network-lib's call() anonymously or as a resident
// is also checked for demo phone numbers (1390000xxxx), in every test file.
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import {
  ANON, areaId, assertNoPhone, assertStatus, del, dtest, get, orgByCode, patch, PHONE, post, session, uniqueCode,
} from './network-lib.mjs';

/** Every key anywhere in a JSON value. */
function keysOf(v, out = new Set()) {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      keysOf(x, out);
    }
  return out;
}

/** The demo person 刘学政 (御珑名苑's branch secretary), as the street admin sees him. */
async function liuXuezheng() {
  const r = await get(await session('admin'), `/api/v1/people?q=${encodeURIComponent('刘学政')}`);
  assertStatus(r, 200);
  assert.equal(r.json.total, 1);
  const p = r.json.items[0];
  assert.match(p.phone, PHONE, 'the demo gives him a phone number');
  return p;
}

async function publicPaths() {
  const orgs = await Promise.all(['DS-BY-PC', 'DS-XH-PC', 'DS-BY-G01-C01-PB', 'HY-SZDJ', 'DS-XH-MU01'].map(orgByCode));
  const communities = (await get(ANON, '/api/v1/areas?kind=community&geometry=0')).json.features.map((f) => f.id);
  return [
    '/api/v1/about',
    '/api/v1/areas',
    `/api/v1/areas/${await areaId('DS-BY-G01-C01')}`,
    '/api/v1/locate?lat=22.7845&long=114.4415',
    '/api/v1/organisations?limit=1000',
    '/api/v1/organisations?limit=1000&offset=1000',
    '/api/v1/organisations.csv',
    ...orgs.map((o) => `/api/v1/organisations/${o.id}`),
    ...orgs.map((o) => `/api/v1/memberships?org=${o.id}`),
    ...orgs.map((o) => `/api/v1/memberships?org=${o.id}&as_of=2022-01-01`),
    '/api/v1/network',
    '/api/v1/network?as_of=2022-01-01',
    ...communities.map((id) => `/api/v1/network?community=${id}`),
  ];
}

dtest('no public answer shows a phone number, anonymously or to a resident', async () => {
  const resident = await session('resident');
  const paths = await publicPaths();
  for (const who of [ANON, resident]) {
    for (const path of paths) {
      const r = await get(who, path); // get() fails on a phone number for these callers
      assertStatus(r, 200, `GET ${path}`);
      assertNoPhone(r.text, path);
    }
  }
});

dtest('personal-data endpoints refuse anonymous (401) and residents (403), and the refusal names no one', async () => {
  const liu = await liuXuezheng();
  const resident = await session('resident');
  const paths = [
    '/api/v1/people',
    `/api/v1/people?q=${encodeURIComponent('刘学政')}`,
    `/api/v1/people/${liu.id}`,
    '/api/v1/people.csv',
    '/api/v1/memberships.csv',
    `/api/v1/memberships?person=${liu.id}`,
  ];
  for (const path of paths) {
    const anon = await get(ANON, path);
    assertError(anon, 401, 'unauthenticated');
    const res = await get(resident, path);
    assertError(res, 403, 'forbidden');
    for (const r of [anon, res]) {
      assert.ok(!r.text.includes('刘学政'), `${path}: no name in the refusal`);
      assertNoPhone(r.text, path);
    }
  }
});

dtest('staff of another community may not see a 白云 person: 星河 staff asking for 刘学政 get 403', async () => {
  const liu = await liuXuezheng();
  const xinghe = await session('xinghe');
  const r = await get(xinghe, `/api/v1/people/${liu.id}`);
  assertError(r, 403, 'forbidden');
  assert.ok(!r.text.includes('刘学政'));
  assert.ok(!r.text.includes(liu.phone));
  // Their list is cut to 星河: he is not in it.
  const list = await get(xinghe, `/api/v1/people?q=${encodeURIComponent('刘学政')}`);
  assertStatus(list, 200);
  assert.equal(list.json.total, 0);
  assert.deepEqual(list.json.items, []);
  // Nor his memberships, nor may they change him.
  assertError(await get(xinghe, `/api/v1/memberships?person=${liu.id}`), 403, 'forbidden');
  assertError(await patch(xinghe, `/api/v1/people/${liu.id}`, { phone: '13900000000' }), 403, 'forbidden');
  // His own community's staff and grid worker do see him, with his phone.
  for (const who of ['baiyun', 'grid.baiyun']) {
    const ok = await get(await session(who), `/api/v1/people/${liu.id}`);
    assertStatus(ok, 200, who);
    assert.equal(ok.json.phone, liu.phone);
  }
});

dtest('other roles that are not staff of the place are refused a person: member unit, department of another area, grid worker of another grid', async () => {
  const liu = await liuXuezheng();
  for (const who of ['huashi', 'volunteer', 'shizheng', 'grid.xinghe', 'binhe']) {
    const r = await get(await session(who), `/api/v1/people/${liu.id}`);
    assertError(r, 403, 'forbidden');
    assert.ok(!r.text.includes(liu.phone), who);
  }
});

dtest('department staff see only the people of their department', async () => {
  const shizheng = await session('shizheng');
  const r = await get(shizheng, '/api/v1/people?limit=1000');
  assertStatus(r, 200);
  assert.ok(r.json.total > 0 && r.json.total < 50, `a department's people: ${r.json.total}`);
  const dept = await orgByCode('HY-SZDJ');
  const members = await get(shizheng, `/api/v1/memberships?org=${dept.id}`);
  const ids = new Set(members.json.items.map((m) => m.person_id));
  assert.ok(r.json.items.every((p) => ids.has(p.id)), 'everyone listed is a member of 惠阳区市政和代建事务中心');
});

dtest('network views never have a phone field, on any day, whoever asks', async () => {
  const communities = (await get(ANON, '/api/v1/areas?kind=community&geometry=0')).json.features.map((f) => f.id);
  const admin = await session('admin');
  for (const who of [ANON, admin]) {
    for (const q of ['', '?as_of=2022-06-01']) {
      const all = await get(who, `/api/v1/network${q}`);
      assertStatus(all, 200);
      assert.ok(!keysOf(all.json).has('phone'), `overview${q}`);
      for (const id of communities) {
        const one = await get(who, `/api/v1/network?community=${id}${q ? `&${q.slice(1)}` : ''}`);
        assertStatus(one, 200);
        assert.ok(!keysOf(one.json).has('phone'), `community ${id}${q}`);
        assertNoPhone(one.text, `network of community ${id}`);
      }
    }
  }
});

dtest('staff cannot pull a person of another community into their scope by adding them to one of their organisations', async () => {
  // A person of 白云 (made here: a member of a 白云 association), out of 星河's reach.
  const admin = await session('admin');
  const xinghe = await session('xinghe');
  const byOrg = await post(admin, '/api/v1/organisations', { code: uniqueCode('DS-BY-TPD'), kind: 'association', name: '白云隐私测试协会', area_code: 'DS-BY' });
  assertStatus(byOrg, 201);
  const person = await post(admin, '/api/v1/people', { name: '白云隐私测试人员', phone: '13900009876' });
  assertStatus(person, 201);
  assertStatus(await post(admin, '/api/v1/memberships', { person_id: person.json.id, org_id: byOrg.json.id, role: 'member', start_date: '2024-01-01' }), 201);
  assertError(await get(xinghe, `/api/v1/people/${person.json.id}`), 403, 'forbidden');

  // 星河 staff add that person to an organisation of 星河 (which they may change)…
  const xhOrg = await post(xinghe, '/api/v1/organisations', { code: uniqueCode('DS-XH-TPD'), kind: 'association', name: '星河隐私测试协会', area_code: 'DS-XH' });
  assertStatus(xhOrg, 201);
  const m = await post(xinghe, '/api/v1/memberships', { person_id: person.json.id, org_id: xhOrg.json.id, role: 'volunteer', start_date: '2026-01-01' });
  const seen = await get(xinghe, `/api/v1/people/${person.json.id}`);
  try {
    // …which must not be a way around the scope of personal data.
    assertError(m, 403, 'forbidden');
    assertError(seen, 403, 'forbidden');
    assert.ok(!seen.text.includes('13900009876'), '星河 staff do not get the phone number');
  } finally {
    if (m.status === 201) {
      assertStatus(await patch(xinghe, `/api/v1/memberships/${m.json.id}`, { end_date: '2026-01-01' }), 200, 'cleanup: end the membership');
    } else {
      assertStatus(await del(xinghe, `/api/v1/organisations/${xhOrg.json.id}`), 204, 'cleanup: delete the organisation');
    }
  }
});
