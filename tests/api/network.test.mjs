// GET /api/v1/network: the big-committee network (大党委) of the street on
// any day — the figures of the source report for the demo street, one
// community's network in full, dated memberships, parameter checks.
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import { ANON, areaId, assertStatus, dtest, get, session } from './network-lib.mjs';

const NETWORK = '/api/v1/network';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

async function network(query = '', who = ANON) {
  const r = await get(who, `${NETWORK}${query ? `?${query}` : ''}`);
  assertStatus(r, 200, `GET ${NETWORK}?${query}`);
  return r.json;
}

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

dtest('the street at a glance: 20 communities, 86 part-time members, 112 compound party branches, 86 member units', async () => {
  const n = await network();
  assert.match(n.as_of, DATE);
  assert.equal(n.totals.communities, 20);
  assert.equal(n.totals.part_time_members, 86);
  assert.equal(n.totals.compound_party_branches, 112);
  assert.equal(n.totals.member_units, 86);
  assert.equal(n.communities.length, 20);
  for (const c of n.communities) {
    for (const k of ['id', 'code', 'name', 'name_en', 'counts']) assert.ok(k in c, `${k} in ${c.code}`);
    for (const k of ['grids', 'compounds', 'cadres', 'grid_workers', 'part_time_members', 'member_units', 'compound_party_branches'])
      assert.equal(typeof c.counts[k], 'number', `${c.code} counts.${k}`);
  }
  // The totals are the sums of the communities.
  for (const k of ['part_time_members', 'member_units', 'compound_party_branches', 'grids', 'cadres'])
    assert.equal(n.communities.reduce((s, c) => s + c.counts[k], 0), n.totals[k], `totals.${k} is the sum`);
});

dtest('白云社区 in the overview: 60 compounds and 20 compound party branches', async () => {
  const n = await network();
  const by = n.communities.find((c) => c.code === 'DS-BY');
  assert.ok(by, '白云 is listed');
  assert.equal(by.name, '白云社区');
  assert.equal(by.id, await areaId('DS-BY'));
  assert.equal(by.counts.compounds, 60);
  assert.equal(by.counts.compound_party_branches, 20);
  assert.equal(by.counts.grids, 6);
  assert.equal(by.founded, '2011-10');
  assert.equal(by.population_registered, 14000);
  assert.equal(by.population_resident, 38000);
  const one = await network(`community=${by.id}`);
  assert.equal(one.counts.compound_party_branches, 20);
  assert.equal(one.compound_party_branches.length, 20);
  assert.ok(one.compound_party_branches.some((b) => b.name === '御珑名苑小区党支部' && b.area.name === '御珑名苑'));
});

dtest('星河社区\'s network: 5 cadres, its member units by type, part-time members each with the unit represented', async () => {
  const xh = await areaId('DS-XH');
  const n = await network(`community=${xh}`);
  assert.match(n.as_of, DATE);
  assert.equal(n.community.id, xh);
  assert.equal(n.community.code, 'DS-XH');
  assert.equal(n.community.name, '星河社区');
  assert.deepEqual(n.party_organisations.map((o) => o.code), ['DS-XH-PC']);
  // Five cadres (the secretary and deputy are among them).
  const cadres = new Set(n.cadres.map((c) => c.person_id));
  assert.equal(cadres.size, 5, JSON.stringify(n.cadres));
  for (const c of n.cadres) {
    assert.equal(typeof c.name, 'string');
    assert.match(c.since, DATE);
  }
  // Member units grouped by unit type.
  const units = n.member_units;
  assert.ok(units && typeof units === 'object' && !Array.isArray(units));
  const names = (type) => (units[type] || []).map((u) => u.name);
  assert.ok(names('public_institution').includes('华南师范大学附属惠阳学校'), JSON.stringify(units));
  assert.ok(names('enterprise').includes('星河智善惠州分公司'));
  assert.ok(names('enterprise').includes('惠州农商行惠阳支行'));
  for (const [type, list] of Object.entries(units)) {
    assert.ok(['government_organ', 'enterprise', 'public_institution', 'new_economic_organisation', 'new_social_organisation'].includes(type), type);
    assert.ok(list.length > 0);
  }
  // Part-time members, each with the unit it represents (a member unit of 星河).
  assert.equal(n.part_time_members.length, 5);
  const unitIds = new Set(Object.values(units).flat().map((u) => u.id));
  for (const p of n.part_time_members) {
    assert.equal(typeof p.name, 'string');
    assert.ok(p.represents && unitIds.has(p.represents.id), `${p.name} represents one of the member units`);
  }
  assert.ok(n.grid_workers.length >= 1);
  assert.ok(n.compound_party_branches.some((b) => b.name === '星河丹堤小区党支部' && b.area.code === 'DS-XH-G01-C01'));
  assert.equal(n.counts.part_time_members, 5);
  assert.equal(n.counts.member_units, 5);
  assert.equal(n.counts.compound_party_branches, n.compound_party_branches.length);
});

dtest('as_of before 2000: no part-time members yet (memberships are dated), while organisations are not', async () => {
  const n = await network('as_of=1999-12-31');
  assert.equal(n.as_of, '1999-12-31');
  assert.equal(n.totals.part_time_members, 0);
  assert.equal(n.totals.member_units, 0);
  assert.equal(n.totals.communities, 20);
  assert.equal(n.totals.compound_party_branches, 112, 'organisations are not dated');
  assert.ok(n.communities.every((c) => c.counts.part_time_members === 0));
  const xh = await network(`community=${await areaId('DS-XH')}&as_of=1999-12-31`);
  assert.equal(xh.as_of, '1999-12-31');
  assert.deepEqual(xh.part_time_members, []);
  assert.equal(xh.counts.part_time_members, 0);
  assert.ok(xh.member_units !== undefined);
});

dtest('as_of is echoed, and the network of a past day differs from today\'s only by its memberships', async () => {
  const today = await network();
  const same = await network(`as_of=${today.as_of}`);
  assert.deepEqual(same, today, 'as_of=today answers like no as_of');
  const past = await network('as_of=2021-12-01');
  assert.equal(past.as_of, '2021-12-01');
  assert.ok(past.totals.part_time_members <= today.totals.part_time_members);
});

dtest('a malformed as_of is 400 naming as_of; a malformed community is 400 naming community', async () => {
  for (const bad of ['2026-02-30', '2026-1-1', 'yesterday', '20260101', '2026-13-01']) {
    assertError(await get(ANON, `${NETWORK}?as_of=${bad}`), 400, 'invalid_query', 'as_of');
  }
  assertError(await get(ANON, `${NETWORK}?community=${await areaId('DS-XH')}&as_of=x`), 400, 'invalid_query', 'as_of');
  for (const bad of ['abc', '-1', '0', '1.5']) {
    assertError(await get(ANON, `${NETWORK}?community=${bad}`), 400, 'invalid_query', 'community');
  }
});

dtest('community= naming an area that is not a community (a grid, the street) or nothing is 404', async () => {
  assertError(await get(ANON, `${NETWORK}?community=${await areaId('DS-XH-G01')}`), 404, 'not_found');
  assertError(await get(ANON, `${NETWORK}?community=${await areaId('DS')}`), 404, 'not_found');
  assertError(await get(ANON, `${NETWORK}?community=${await areaId('DS-XH-G01-C01')}`), 404, 'not_found');
  assertError(await get(ANON, `${NETWORK}?community=99999999`), 404, 'not_found');
});

dtest('the network is public and names no phone numbers, for anonymous and staff alike', async () => {
  const admin = await session('admin');
  for (const who of [ANON, admin]) {
    const all = await network('', who);
    assert.ok(!keysOf(all).has('phone'));
    const xh = await network(`community=${await areaId('DS-XH')}`, who);
    assert.ok(!keysOf(xh).has('phone'), 'no phone key in a community network');
    assert.ok(!/1390000\d{4}/.test(JSON.stringify(xh)));
  }
});
