// The three lists (三张清单): needs, resources, projects and the plans, black-box.
// Scope (a member unit changes only its own resources and claims; community
// staff only their community's lists), bad input (negative quantities,
// unknown kinds, bad dates, a resource committed beyond its capacity → 409),
// claiming (认领) and confirming, matches with reasons, the public board
// without personal data, CSV exports and the street's figures.
//
// The demo street must be loaded: it carries data/demo-lists.json (codes
// DS-XH-N01 …). Every item made here has a unique code or title (RUN), so
// counts are compared before and after, never absolutely.
import assert from 'node:assert/strict';
import { assertError } from './lib.mjs';
import { ANON, assertNoPhone, assertStatus, call, dtest, get, patch, post, session, uniqueCode } from './network-lib.mjs';

const RUN = uniqueCode('L');

async function byCode(list, code) {
  const r = await get(ANON, `/api/v1/${list}?q=${encodeURIComponent(code)}&limit=1000`);
  assertStatus(r, 200, `GET /api/v1/${list}?q=${code}`);
  const it = r.json.items.find((x) => x.code === code);
  assert.ok(it, `${list} ${code} exists (data/demo-lists.json)`);
  return it;
}

function need(extra = {}) {
  return { community_code: 'DS-XH', title: `测试需求 ${RUN}`, kind: 'volunteers', quantity: 5, quantity_unit: '人', ...extra };
}

// ---- reading ----

dtest('the demo lists are loaded: needs open, matched and met; resources of the article units; projects with progress', async () => {
  const needs = (await get(ANON, '/api/v1/needs?community=DS-XH&limit=1000')).json;
  const statuses = new Set(needs.items.map((n) => n.status));
  for (const s of ['open', 'matched', 'met']) assert.ok(statuses.has(s), `a 星河 need is ${s}`);
  const res = await get(ANON, '/api/v1/resources?unit=DS-XH-MU01');
  assertStatus(res, 200);
  assert.ok(res.json.items.some((r) => r.kind === 'venue') && res.json.items.some((r) => r.kind === 'volunteers'),
    '华南师范大学附属惠阳学校 offers a venue and volunteers');
  const demo = await byCode('projects', 'DS-BH-P02');
  assert.equal(demo.demonstration, true);
  const full = (await get(ANON, `/api/v1/projects/${demo.id}`)).json;
  assert.equal(full.children.length, 3, '半岛1号: station, volunteer team, women\'s federation');
  assert.ok(full.progress > 0 && full.progress < 100, `rolled-up progress ${full.progress}`);
  const plogging = await byCode('projects', 'DS-XH-P01');
  assert.match(plogging.title, /亚公顶/);
  assert.equal(plogging.progress, 100);
  const plans = (await get(ANON, '/api/v1/plans?community=DS-BH')).json;
  assert.equal(plans.items.length >= 1, true, 'a plan per demo community');
});

dtest('filters: kind, status, unit, q; unknown kind or status is 400 naming the parameter', async () => {
  const r = await get(ANON, '/api/v1/needs?kind=volunteers&status=open');
  assertStatus(r, 200);
  for (const n of r.json.items) {
    assert.equal(n.kind, 'volunteers');
    assert.equal(n.status, 'open');
  }
  assertError(await get(ANON, '/api/v1/needs?kind=money'), 400, 'invalid_query', 'kind');
  assertError(await get(ANON, '/api/v1/projects?status=finished'), 400, 'invalid_query', 'status');
  assertError(await get(ANON, '/api/v1/resources?community=NO-SUCH'), 400, 'invalid_query', 'community');
});

dtest('resources show their contact only to those who may change them; never anonymously', async () => {
  const r1 = await byCode('resources', 'DS-XH-R01');
  assert.equal(r1.contact_phone, undefined);
  const huashi = await session('huashi');
  const own = await get(huashi, `/api/v1/resources/${r1.id}`);
  assertStatus(own, 200);
  assert.ok(own.json.contact_phone, 'the unit sees its own contact');
  const other = await get(await session('binhe'), `/api/v1/resources/${r1.id}`);
  assert.equal(other.json.contact_phone, undefined, 'staff of another community do not');
});

dtest('the public board of a community has needs, resources, projects and plan, and no phone numbers', async () => {
  for (const c of ['DS-XH', 'DS-BH', 'DS-BY']) {
    const r = await get(ANON, `/api/v1/boards/${c}`);
    assertStatus(r, 200, `board ${c}`);
    assertNoPhone(r.text, `board ${c}`);
    assert.ok(!/contact_/.test(r.text), 'no contact fields');
    for (const k of ['community', 'needs', 'resources', 'projects', 'plan', 'demonstration_sites']) assert.ok(k in r.json, k);
  }
  const bh = (await get(ANON, '/api/v1/boards/DS-BH')).json;
  assert.ok(bh.demonstration_sites.some((d) => d.area.code === 'DS-BH-G01-C01'), '半岛1号 is a demonstration site');
  assertStatus(await get(ANON, '/api/v1/boards/DS-BH-G01-C01'), 404);
  assertStatus(await get(ANON, '/api/v1/boards/NOPE'), 404);
});

dtest('demonstration sites are marked by their community\'s staff and shown on the board', async () => {
  const binhe = await session('binhe');
  assertError(await call(await session('xinghe'), 'PUT', '/api/v1/demonstration-sites/DS-BH-G01-C02', { json: {} }), 403, 'forbidden');
  assertError(await call(binhe, 'PUT', '/api/v1/demonstration-sites/DS-BH-G01-C02', { json: { since: '2026-13-01' } }), 400, 'invalid_field', 'since');
  const put = await call(binhe, 'PUT', '/api/v1/demonstration-sites/DS-BH-G01-C02', { json: { since: '2026-06-01', note: RUN } });
  assertStatus(put, 200);
  let board = (await get(ANON, '/api/v1/boards/DS-BH')).json;
  assert.ok(board.demonstration_sites.some((d) => d.area.code === 'DS-BH-G01-C02' && d.note === RUN));
  assertStatus(await call(binhe, 'DELETE', '/api/v1/demonstration-sites/DS-BH-G01-C02'), 204);
  board = (await get(ANON, '/api/v1/boards/DS-BH')).json;
  assert.ok(!board.demonstration_sites.some((d) => d.area.code === 'DS-BH-G01-C02'));
  assertStatus(await call(binhe, 'PUT', '/api/v1/demonstration-sites/NO-SUCH', { json: {} }), 404);
});

dtest('CSV exports of each list have a header row and no phone numbers', async () => {
  const heads = {
    needs: 'id,code,community_code,area_code,title,kind,',
    resources: 'id,code,community_code,area_code,org_code,org_name,',
    projects: 'id,code,community_code,area_code,title,kind,status,progress,',
    plans: 'id,code,community_code,year,title,status,progress,goals',
  };
  for (const [list, head] of Object.entries(heads)) {
    const r = await get(ANON, `/api/v1/${list}.csv`);
    assertStatus(r, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.ok(r.text.startsWith(head), `${list}.csv header: ${r.text.slice(0, 80)}`);
    assert.ok(r.text.split('\n').length > 2, `${list}.csv has rows`);
    assertNoPhone(r.text, `${list}.csv`);
  }
  const xh = await get(ANON, '/api/v1/needs.csv?community=DS-BH');
  assert.ok(!xh.text.includes(',DS-XH,'), 'cut to the community');
});

// ---- scope ----

dtest('a member unit cannot edit another unit\'s resource; it edits its own', async () => {
  const huashi = await session('huashi');
  const theirs = await byCode('resources', 'DS-XH-R03'); // 惠州农商行惠阳支行's
  assertError(await patch(huashi, `/api/v1/resources/${theirs.id}`, { description: 'x' }), 403, 'forbidden');
  const mine = await post(huashi, '/api/v1/resources', {
    community_code: 'DS-XH', title: `教室 ${RUN}`, kind: 'venue', quantity: 2, quantity_unit: '间',
  });
  assertStatus(mine, 201);
  assert.equal(mine.json.org.code, 'DS-XH-MU01', 'offered by the unit itself');
  assertStatus(await patch(huashi, `/api/v1/resources/${mine.json.id}`, { quantity: 3 }), 200);
  assertError(await post(huashi, '/api/v1/resources', {
    community_code: 'DS-XH', org_code: 'DS-XH-MU03', title: `冒名 ${RUN}`, kind: 'funding', quantity: 1,
  }), 403, 'forbidden');
  assertError(await patch(huashi, `/api/v1/resources/${mine.json.id}`, { org_code: 'DS-XH-MU03' }), 403, 'forbidden');
  assertError(await post(huashi, '/api/v1/needs', need()), 403, 'forbidden');
});

dtest('community staff cannot edit another community\'s lists; street admins can', async () => {
  const xinghe = await session('xinghe');
  const bhNeed = await byCode('needs', 'DS-BH-N04');
  assertError(await patch(xinghe, `/api/v1/needs/${bhNeed.id}`, { urgency: 'high' }), 403, 'forbidden');
  assertError(await post(xinghe, '/api/v1/needs', need({ community_code: 'DS-BH' })), 403, 'forbidden');
  const bhProject = await byCode('projects', 'DS-BH-P01');
  assertError(await patch(xinghe, `/api/v1/projects/${bhProject.id}`, { budget: 1 }), 403, 'forbidden');
  const mine = await post(xinghe, '/api/v1/needs', need());
  assertStatus(mine, 201);
  assert.equal(mine.json.status, 'open');
  assertError(await patch(xinghe, `/api/v1/needs/${mine.json.id}`, { community_code: 'DS-BH' }), 403, 'forbidden');
  assertError(await patch(xinghe, `/api/v1/needs/${mine.json.id}`, { area_code: 'DS-BH-G01-C01' }), 400, 'invalid_field', 'area_code');
  // nor reach into it through a project: another community's need or resource
  assertError(await post(xinghe, '/api/v1/projects', { community_code: 'DS-XH', title: `越界 ${RUN}`, need_ids: [bhNeed.id] }),
    400, 'invalid_field', 'need_ids');
  const xp = (await post(xinghe, '/api/v1/projects', { community_code: 'DS-XH', title: `越界资源 ${RUN}` })).json;
  const bhRes = await byCode('resources', 'DS-BH-R06');
  assertError(await post(xinghe, `/api/v1/projects/${xp.id}/commitments`, { resource_id: bhRes.id, quantity: 1 }), 403, 'forbidden');
  const admin = await session('admin');
  assertStatus(await patch(admin, `/api/v1/needs/${bhNeed.id}`, { beneficiaries: 401 }), 200);
  assertStatus(await post(ANON, '/api/v1/needs', need()), 401);
  assertStatus(await post(await session('resident'), '/api/v1/needs', need()), 403);
});

// ---- bad input ----

dtest('bad input is 400 naming the field: negative quantities, unknown kinds, bad dates, unknown fields', async () => {
  const xinghe = await session('xinghe');
  assertError(await post(xinghe, '/api/v1/needs', need({ quantity: -1 })), 400, 'invalid_field', 'quantity');
  assertError(await post(xinghe, '/api/v1/needs', need({ kind: 'money' })), 400, 'invalid_field', 'kind');
  assertError(await post(xinghe, '/api/v1/needs', need({ wanted_by: '2026-13-40' })), 400, 'invalid_field', 'wanted_by');
  assertError(await post(xinghe, '/api/v1/needs', need({ urgency: 'asap' })), 400, 'invalid_field', 'urgency');
  assertError(await post(xinghe, '/api/v1/needs', need({ colour: 'red' })), 400, 'unknown_field', 'colour');
  assertError(await post(xinghe, '/api/v1/needs', need({ area_code: 'DS-BH-G01-C01' })), 400, 'invalid_field', 'area_code');
  const { title, ...untitled } = need();
  assert.ok(title);
  assertError(await post(xinghe, '/api/v1/needs', untitled), 400, 'missing_field', 'title');
  assertError(await post(xinghe, '/api/v1/resources', {
    community_code: 'DS-XH', title: `r ${RUN}`, kind: 'venue', quantity: -3,
  }), 400, 'invalid_field', 'quantity');
  assertError(await post(xinghe, '/api/v1/resources', {
    community_code: 'DS-XH', title: `r ${RUN}`, kind: 'venue', quantity: 1, available_from: '2026-05-01', available_to: '2026-04-01',
  }), 400, 'invalid_field', 'available_to');
  assertError(await post(xinghe, '/api/v1/resources', {
    community_code: 'DS-XH', title: `r ${RUN}`, kind: 'venue', quantity: 1, weekdays: [0, 8],
  }), 400, 'invalid_field', 'weekdays');
  assertError(await post(xinghe, '/api/v1/projects', {
    community_code: 'DS-XH', title: `p ${RUN}`, budget: -5,
  }), 400, 'invalid_field', 'budget');
  assertError(await post(xinghe, '/api/v1/projects', {
    community_code: 'DS-XH', title: `p ${RUN}`, milestones: [{ title: 'm', progress: 150 }],
  }), 400, 'invalid_field', 'milestones[0].progress');
  assertError(await post(xinghe, '/api/v1/plans', { community_code: 'DS-XH', year: 1800, title: 'p' }), 400, 'invalid_field', 'year');
});

dtest('a status change the domain does not allow is refused; closing a need takes a reason', async () => {
  const xinghe = await session('xinghe');
  const n = (await post(xinghe, '/api/v1/needs', need())).json;
  assertError(await patch(xinghe, `/api/v1/needs/${n.id}`, { status: 'closed' }), 400, undefined, 'closed_reason');
  const closed = await patch(xinghe, `/api/v1/needs/${n.id}`, { status: 'closed', closed_reason: '居民已自行解决' });
  assertStatus(closed, 200);
  assert.equal(closed.json.status, 'closed');
  assertStatus(await patch(xinghe, `/api/v1/needs/${n.id}`, { status: 'open' }), 409);
});

dtest('a resource committed beyond its capacity is 409 and nothing is committed', async () => {
  const xinghe = await session('xinghe');
  const r = (await post(xinghe, '/api/v1/resources', {
    community_code: 'DS-XH', title: `帐篷 ${RUN}`, kind: 'equipment', quantity: 10, quantity_unit: '顶',
  })).json;
  const p = (await post(xinghe, '/api/v1/projects', { community_code: 'DS-XH', title: `项目 ${RUN}`, status: 'active' })).json;
  const ok = await post(xinghe, `/api/v1/projects/${p.id}/commitments`, { resource_id: r.id, quantity: 7 });
  assertStatus(ok, 201);
  assert.equal(ok.json.commitments.length, 1);
  assertError(await post(xinghe, `/api/v1/projects/${p.id}/commitments`, { resource_id: r.id, quantity: 4 }), 409);
  assertError(await post(xinghe, `/api/v1/projects/${p.id}/commitments`, { resource_id: r.id, quantity: -1 }), 400, 'invalid_field', 'quantity');
  const after = (await get(xinghe, `/api/v1/resources/${r.id}`)).json;
  assert.equal(after.committed, 7);
  assert.equal(after.remaining, 3);
  assertStatus(await post(xinghe, `/api/v1/projects/${p.id}/commitments`, { resource_id: r.id, quantity: 3 }), 201);
  const full = (await get(xinghe, `/api/v1/resources/${r.id}`)).json;
  assert.equal(full.status, 'committed', 'nothing left: committed');
  assertError(await post(xinghe, `/api/v1/projects/${p.id}/commitments`, { resource_id: r.id, quantity: 1 }), 409);
});

dtest('a cancelled project releases its commitments and reopens its needs; a done one meets them', async () => {
  const xinghe = await session('xinghe');
  const r = (await post(xinghe, '/api/v1/resources', { community_code: 'DS-XH', title: `桌椅 ${RUN}`, kind: 'equipment', quantity: 4 })).json;
  const n1 = (await post(xinghe, '/api/v1/needs', need({ kind: 'equipment', title: `桌椅需求 ${RUN}` }))).json;
  const n2 = (await post(xinghe, '/api/v1/needs', need({ kind: 'equipment', title: `另一需求 ${RUN}` }))).json;
  const p1 = (await post(xinghe, '/api/v1/projects', { community_code: 'DS-XH', title: `取消 ${RUN}`, status: 'active', need_ids: [n1.id] })).json;
  assert.equal((await get(ANON, `/api/v1/needs/${n1.id}`)).json.status, 'in_project');
  assertStatus(await post(xinghe, `/api/v1/projects/${p1.id}/commitments`, { resource_id: r.id, quantity: 4, need_id: n1.id }), 201);
  assert.equal((await get(ANON, `/api/v1/resources/${r.id}`)).json.status, 'committed');
  assertStatus(await patch(xinghe, `/api/v1/projects/${p1.id}`, { status: 'cancelled' }), 200);
  assert.equal((await get(ANON, `/api/v1/needs/${n1.id}`)).json.status, 'open');
  const freed = (await get(ANON, `/api/v1/resources/${r.id}`)).json;
  assert.equal(freed.status, 'available');
  assert.equal(freed.remaining, 4);
  assertStatus(await patch(xinghe, `/api/v1/projects/${p1.id}`, { status: 'active' }), 409);
  const p2 = (await post(xinghe, '/api/v1/projects', { community_code: 'DS-XH', title: `完成 ${RUN}`, status: 'active', need_ids: [n2.id] })).json;
  assertStatus(await patch(xinghe, `/api/v1/projects/${p2.id}`, { status: 'done' }), 200);
  const met = (await get(ANON, `/api/v1/needs/${n2.id}`)).json;
  assert.equal(met.status, 'met');
  assert.ok(met.met_at);
  assert.equal((await get(ANON, `/api/v1/projects/${p2.id}`)).json.progress, 100);
});

// ---- claiming and confirming ----

dtest('a member unit claims a need (认领); the community confirms: resources committed, a project made', async () => {
  const xinghe = await session('xinghe');
  const nongshang = await session('nongshang');
  const n = (await post(xinghe, '/api/v1/needs', need({ kind: 'expertise', quantity: 2, quantity_unit: '场', title: `反诈讲座 ${RUN}` }))).json;
  const lecture = await byCode('resources', 'DS-XH-R03');
  const huashiRes = await byCode('resources', 'DS-XH-R02');
  assertError(await post(nongshang, `/api/v1/needs/${n.id}/claims`, { resource_id: huashiRes.id }), 400, 'invalid_field', 'resource_id');
  assertError(await post(nongshang, `/api/v1/needs/${n.id}/claims`, { org_code: 'DS-XH-MU01' }), 403, 'forbidden');
  // more than the resource has left is refused at once, not at confirmation
  const left = lecture.remaining;
  if (lecture.quantity)
    assertError(await post(nongshang, `/api/v1/needs/${n.id}/claims`, { resource_id: lecture.id, quantity: left + 1 }),
      409, 'over_capacity', 'quantity');
  const cl = await post(nongshang, `/api/v1/needs/${n.id}/claims`, { resource_id: lecture.id, quantity: 2, note: '可派两名讲师' });
  assertStatus(cl, 201);
  assert.equal(cl.json.status, 'pending');
  assert.equal(cl.json.org.code, 'DS-XH-MU03');
  assert.equal((await get(ANON, `/api/v1/needs/${n.id}`)).json.status, 'matched');
  assertStatus(await post(nongshang, `/api/v1/needs/${n.id}/claims`, {}), 409);
  // the unit cannot confirm its own claim; staff of another community cannot either
  assertError(await post(nongshang, `/api/v1/claims/${cl.json.id}/confirm`, {}), 403, 'forbidden');
  assertError(await post(await session('binhe'), `/api/v1/claims/${cl.json.id}/confirm`, {}), 403, 'forbidden');
  const before = (await get(ANON, `/api/v1/resources/${lecture.id}`)).json.committed;
  const ok = await post(xinghe, `/api/v1/claims/${cl.json.id}/confirm`, {});
  assertStatus(ok, 200);
  assert.equal(ok.json.status, 'confirmed');
  assert.ok(ok.json.project_id > 0);
  const p = (await get(ANON, `/api/v1/projects/${ok.json.project_id}`)).json;
  assert.deepEqual(p.needs.map((x) => x.id), [n.id]);
  assert.ok(p.units.some((u) => u.code === 'DS-XH-MU03'));
  assert.equal(p.commitments[0].quantity, 2);
  assert.equal((await get(ANON, `/api/v1/resources/${lecture.id}`)).json.committed, before + 2);
  assert.equal((await get(ANON, `/api/v1/needs/${n.id}`)).json.status, 'in_project');
  assertStatus(await post(xinghe, `/api/v1/claims/${cl.json.id}/confirm`, {}), 409);
  // a second claim joins the existing project
  const n2 = (await post(xinghe, '/api/v1/needs', need({ title: `第二需求 ${RUN}` }))).json;
  const cl2 = (await post(await session('huashi'), `/api/v1/needs/${n2.id}/claims`, {})).json;
  const joined = await post(xinghe, `/api/v1/claims/${cl2.id}/confirm`, { project_id: p.id });
  assertStatus(joined, 200);
  assert.equal(joined.json.project_id, p.id);
  // a declined claim puts the need back to open
  const n3 = (await post(xinghe, '/api/v1/needs', need({ title: `第三需求 ${RUN}` }))).json;
  const cl3 = (await post(await session('huashi'), `/api/v1/needs/${n3.id}/claims`, {})).json;
  assertStatus(await post(xinghe, `/api/v1/claims/${cl3.id}/decline`, {}), 200);
  assert.equal((await get(ANON, `/api/v1/needs/${n3.id}`)).json.status, 'open');
  // the unit withdraws its own claim; another unit cannot
  const cl4 = (await post(await session('huashi'), `/api/v1/needs/${n3.id}/claims`, {})).json;
  assertError(await post(nongshang, `/api/v1/claims/${cl4.id}/withdraw`, {}), 403, 'forbidden');
  const w = await post(await session('huashi'), `/api/v1/claims/${cl4.id}/withdraw`, {});
  assertStatus(w, 200);
  assert.equal(w.json.status, 'withdrawn');
  assert.equal((await get(ANON, `/api/v1/needs/${n3.id}`)).json.status, 'open');
  assertStatus(await post(await session('huashi'), `/api/v1/claims/${cl4.id}/withdraw`, {}), 409);
  const mine = (await get(ANON, '/api/v1/claims?unit=DS-XH-MU03&status=confirmed')).json;
  assert.ok(mine.items.some((x) => x.id === cl.json.id));
  assert.ok(mine.items.every((x) => x.org.code === 'DS-XH-MU03' && x.status === 'confirmed'));
});

dtest('a claim beyond the resource\'s capacity is 409, when made and when confirmed, and changes nothing', async () => {
  const xinghe = await session('xinghe');
  const huashi = await session('huashi');
  const r = (await post(huashi, '/api/v1/resources', { community_code: 'DS-XH', title: `小教室 ${RUN}`, kind: 'venue', quantity: 1 })).json;
  const n = (await post(xinghe, '/api/v1/needs', need({ kind: 'venue', quantity: 3, title: `三间教室 ${RUN}` }))).json;
  const n2 = (await post(xinghe, '/api/v1/needs', need({ kind: 'venue', quantity: 1, title: `一间教室 ${RUN}` }))).json;
  assertError(await post(huashi, `/api/v1/needs/${n.id}/claims`, { resource_id: r.id, quantity: 3 }), 409, 'over_capacity', 'quantity');
  // two claims that each fit; once one is confirmed the other no longer does
  const cl = (await post(huashi, `/api/v1/needs/${n.id}/claims`, { resource_id: r.id, quantity: 1 })).json;
  const cl2 = (await post(huashi, `/api/v1/needs/${n2.id}/claims`, { resource_id: r.id, quantity: 1 })).json;
  assertStatus(await post(xinghe, `/api/v1/claims/${cl2.id}/confirm`, {}), 200);
  assertError(await post(xinghe, `/api/v1/claims/${cl.id}/confirm`, {}), 409);
  assert.equal((await get(ANON, `/api/v1/claims/${cl.id}/confirm`)).status, 405);
  const need1 = (await get(ANON, `/api/v1/needs/${n.id}`)).json;
  assert.equal(need1.status, 'matched');
  assert.equal(need1.claims[0].status, 'pending');
  assert.equal((await get(ANON, `/api/v1/resources/${r.id}`)).json.committed, 1);
});

// ---- matching ----

dtest('matches for a need: resources of its kind, ranked, each with reasons in words', async () => {
  const n = await byCode('needs', 'DS-XH-N06'); // equipment, 星河丹堤
  const xh = await byCode('needs', 'DS-XH-N01'); // a venue
  const r = await get(ANON, `/api/v1/needs/${xh.id}/matches`);
  assertStatus(r, 200);
  assert.ok(r.json.items.length >= 1, 'the school\'s hall is suggested');
  let last = Infinity;
  for (const s of r.json.items) {
    assert.ok(s.score <= last, 'best first');
    last = s.score;
    assert.ok(s.reasons.length >= 2);
    assert.equal(s.reasons[0].code, 'same_kind');
    for (const why of s.reasons) assert.ok(why.text.length > 0);
  }
  const en = await get(ANON, `/api/v1/needs/${xh.id}/matches?limit=1&lang=en`);
  assertStatus(en, 200);
  assert.ok(en.json.items.length <= 1);
  assertStatus(await get(ANON, `/api/v1/needs/${n.id}/matches`), 200);
  assertError(await get(ANON, `/api/v1/needs/${xh.id}/matches?limit=0`), 400, 'invalid_query', 'limit');
  assertStatus(await get(ANON, '/api/v1/needs/999999999/matches'), 404);
});

dtest('case hot spots: grids with many reports of one category, counts only', async () => {
  // one report in 御珑名苑's grid, so that min=1 finds something
  const grid = await session('grid.baiyun');
  for (let i = 0; i < 2; i++) {
    const rep = await post(grid, '/api/v1/cases', {
      service_code: 'sanitation', description: `垃圾堆放 ${RUN} ${i}`, lat: 22.7834, long: 114.4414, compound: 'DS-BY-G01-C01',
    });
    assert.ok([201, 202].includes(rep.status), `report: ${rep.status} ${rep.text.slice(0, 200)}`);
  }
  const r = await get(ANON, '/api/v1/needs/hotspots?community=DS-BY&min=2&days=30');
  assertStatus(r, 200);
  assert.equal(r.json.min, 2);
  const spot = r.json.items.find((h) => h.grid.code === 'DS-BY-G01' && h.category.code === 'sanitation');
  assert.ok(spot && spot.cases >= 2, `御珑名苑's grid is a hot spot: ${r.text.slice(0, 300)}`);
  const one = (await get(ANON, '/api/v1/needs/hotspots?community=DS-BY&min=2&days=365')).json;
  for (const h of one.items) {
    assert.ok(h.cases >= 2);
    assert.equal(h.community.code, 'DS-BY');
    assert.ok(h.grid.code.startsWith('DS-BY-'));
    assert.ok(h.category.code);
  }
  assertError(await get(ANON, '/api/v1/needs/hotspots?min=1'), 400, 'invalid_query', 'min');
  assertError(await get(ANON, '/api/v1/needs/hotspots?days=0'), 400, 'invalid_query', 'days');
});

// ---- milestones, outcomes, templates ----

dtest('milestones roll up into progress; outcomes are recorded; a project copies to another community', async () => {
  const xinghe = await session('xinghe');
  const p = (await post(xinghe, '/api/v1/projects', {
    community_code: 'DS-XH', title: `示范 ${RUN}`, status: 'active', demonstration: true,
    milestones: [{ title: 'a', weight: 1 }, { title: 'b', weight: 3 }],
  })).json;
  assert.equal(p.progress, 0);
  const m = p.milestones;
  const half = await patch(xinghe, `/api/v1/milestones/${m[1].id}`, { progress: 50 });
  assertStatus(half, 200);
  assert.equal(half.json.progress, 37.5);
  const done = await patch(xinghe, `/api/v1/milestones/${m[0].id}`, { done_date: '2026-05-01' });
  assert.equal(done.json.progress, 62.5);
  assertError(await patch(await session('binhe'), `/api/v1/milestones/${m[0].id}`, { progress: 10 }), 403, 'forbidden');
  assertError(await post(xinghe, `/api/v1/projects/${p.id}/outcomes`, { summary: 'x' }), 400, 'missing_field', 'date');
  const out = await post(xinghe, `/api/v1/projects/${p.id}/outcomes`, { date: '2026-06-01', summary: '完成', people_served: 80 });
  assertStatus(out, 201);
  assert.equal(out.json.outcomes[0].people_served, 80);
  const binhe = await session('binhe');
  const copy = await post(binhe, `/api/v1/projects/${p.id}/copy`, { community_code: 'DS-BH' });
  assertStatus(copy, 201);
  assert.equal(copy.json.community.code, 'DS-BH');
  assert.equal(copy.json.template_id, p.id);
  assert.equal(copy.json.status, 'planned');
  assert.equal(copy.json.milestones.length, 2);
  assert.equal(copy.json.progress, 0);
  assertError(await post(binhe, `/api/v1/projects/${p.id}/copy`, { community_code: 'DS-XH' }), 403, 'forbidden');
});

dtest('plans: one per community and year, goals with progress from their projects', async () => {
  const admin = await session('admin');
  const year = 2030 + Math.floor(Math.random() * 60);
  const pl = await post(admin, '/api/v1/plans', {
    community_code: 'DS-JH', year, title: `锦湖方案 ${RUN}`, goals: [{ title: '目标一' }, { title: '目标二', weight: 3 }],
  });
  assertStatus(pl, 201);
  assert.equal(pl.json.goal_list.length, 2);
  assertStatus(await post(admin, '/api/v1/plans', { community_code: 'DS-JH', year, title: 'again' }), 409);
  assertError(await post(await session('xinghe'), '/api/v1/plans', { community_code: 'DS-JH', year: year + 1, title: 'x' }), 403, 'forbidden');
  const g = pl.json.goal_list[1];
  const p = (await post(admin, '/api/v1/projects', { community_code: 'DS-JH', title: `锦湖项目 ${RUN}`, plan_goal_id: g.id, progress: 40 })).json;
  assert.equal(p.progress, 40);
  const again = (await get(ANON, `/api/v1/plans/${pl.json.id}`)).json;
  assert.equal(again.progress, 30, '(0 × 1 + 40 × 3) / 4');
});

// ---- figures ----

dtest('GET /stats/lists: needs met, resources delivered, projects by status, per unit and per community', async () => {
  const r = await get(ANON, '/api/v1/stats/lists?area=DS');
  assertStatus(r, 200);
  const s = r.json;
  assert.ok(s.needs.met >= 3, 'the demo has met needs');
  assert.ok(s.resources.delivered >= 1);
  assert.ok(s.projects.by_status.done >= 1 && s.projects.by_status.active >= 1);
  assert.ok(s.by_unit.some((u) => u.org.code === 'DS-XH-MU03' && u.delivered >= 1), '农商行 delivered');
  assert.ok(s.by_community.some((c) => c.community.code === 'DS-XH'));
  const bh = (await get(ANON, '/api/v1/stats/lists?area=DS-BH')).json;
  assert.ok(bh.by_community.every((c) => c.community.code === 'DS-BH'));
  const none = (await get(ANON, '/api/v1/stats/lists?area=DS&from=2000-01-01&to=2000-12-31')).json;
  assert.equal(none.needs.raised, 0);
  assert.deepEqual(none.period, { from: '2000-01-01', to: '2000-12-31' });
  assertError(await get(ANON, '/api/v1/stats/lists?from=2026-02-30'), 400, 'invalid_query', 'from');
  assertError(await get(ANON, '/api/v1/stats/lists?from=2026-05-01&to=2026-04-01'), 400, 'invalid_query', 'to');
});
